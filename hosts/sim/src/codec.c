/* Registers modules/dm/codec/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "json-scan.h"

static const simNativeFunction functions[] = {
	{ "xs_json_scan", xs_json_scan, 5 },
};

const simNativeTable simCodecNatives = { functions, simCount(functions), NULL, 0 };
