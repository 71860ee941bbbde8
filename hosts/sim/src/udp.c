#include "sim.h"
const simNativeTable simUdpNatives = { NULL, 0, NULL, 0 };
