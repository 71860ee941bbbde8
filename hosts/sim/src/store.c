/* Registers modules/dm/store/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "crc32.h"
#include "keys.h"

static const simNativeFunction functions[] = {
	{ "xs_store_crc32", xs_store_crc32, 2 },
	{ "xs_store_hash_key", xs_store_hash_key, 1 },
	{ "xs_store_same_at", xs_store_same_at, 3 },
	{ "xs_store_lower_bound", xs_store_lower_bound, 4 },
	{ "xs_store_index_of", xs_store_index_of, 5 },
};

const simNativeTable simStoreNatives = { functions, simCount(functions), NULL, 0 };
