#include "sim.h"
const simNativeTable simCryptoNatives = { NULL, 0, NULL, 0 };
