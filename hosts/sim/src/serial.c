#include "sim.h"
const simNativeTable simSerialNatives = { NULL, 0, NULL, 0 };
