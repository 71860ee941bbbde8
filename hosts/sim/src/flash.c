#include "sim.h"
const simNativeTable simFlashNatives = { NULL, 0, NULL, 0 };
