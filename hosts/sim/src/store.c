/* Registers modules/dm/store/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "crc32.h"

static const simNativeFunction functions[] = {
	{ "xs_store_crc32", xs_store_crc32, 2 },
};

const simNativeTable simStoreNatives = { functions, simCount(functions), NULL, 0 };
