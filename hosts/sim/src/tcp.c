#include "sim.h"
const simNativeTable simTcpNatives = { NULL, 0, NULL, 0 };
