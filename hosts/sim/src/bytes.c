/* Registers modules/bytes/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "span.h"

static const simNativeFunction functions[] = {
	{ "xs_bytes_span", xs_bytes_span, 4 },
	{ "xs_bytes_span_bytes", xs_bytes_span_bytes, 3 },
};

const simNativeTable simBytesNatives = { functions, simCount(functions), NULL, 0 };
