/*
 * span.ts's scan in C. On XS a string is UTF-8 and every charCodeAt(i) both makes a String object
 * (the method is looked up on a primitive) and walks the text from its start to find unit i: a
 * JavaScript loop over a string's characters allocates per character and is quadratic. This walks
 * the bytes once and allocates nothing. The TypeScript loop in span.ts stays the reference
 * (tests/unit-xs/bytes/span.test.ts holds this to it on every code unit below 0x200 and more).
 */
#include "span.h"
#include <stdint.h>

void xs_bytes_span(xsMachine* the)
{
	void* data;
	xsUnsignedValue size;
	xsIntegerValue from = xsmcToInteger(xsArg(2));
	int above = xsmcTest(xsArg(3));
	if (from < 0) from = 0;
	/* the text first: xsmcToString may convert (and allocate, and so move chunks); nothing after it
	   allocates, so both pointers into the XS heap stay valid */
	const uint8_t* p = (const uint8_t*)xsmcToString(xsArg(0));
	xsmcGetBufferReadable(xsArg(1), &data, &size);
	if (size < 32) xsRangeError("a span set is 32 bytes, one bit per code unit below 0x100");
	const uint8_t* set = data;
	/* the engine counts a unit at every byte that does not continue a sequence (charCodeAt and
	   length do), so this does: with or without CESU-8, its indexes are the engine's */
	xsIntegerValue unit = -1;
	for (uint8_t c; (c = *p) != 0; p++) {
		if ((c & 0xC0) == 0x80) continue;
		unit++;
		if (unit < from) continue;
		uint32_t code;
		if (c < 0x80) code = c;
		else if (c < 0xE0) code = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);	/* C0 80 is XS's NUL */
		else code = 0x800;	/* three bytes or more: above 0xff, whatever it is */
		int member = (code > 0xFF) ? above : ((set[code >> 3] >> (code & 7)) & 1);
		if (!member) {
			xsmcSetInteger(xsResult, unit);
			return;
		}
	}
	xsmcSetInteger(xsResult, -1);
}

void xs_bytes_span_bytes(xsMachine* the)
{
	void* data;
	void* bits;
	xsUnsignedValue size, setSize;
	xsIntegerValue from = xsmcToInteger(xsArg(2));
	if (from < 0) from = 0;
	xsmcGetBufferReadable(xsArg(1), &bits, &setSize);
	if (setSize < 32) xsRangeError("a span set is 32 bytes, one bit per code unit below 0x100");
	/* no allocation from here on, so both pointers into the XS heap stay valid */
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	const uint8_t* set = bits;
	const uint8_t* p = data;
	for (xsUnsignedValue i = (xsUnsignedValue)from; i < size; i++) {
		if (!((set[p[i] >> 3] >> (p[i] & 7)) & 1)) {
			xsmcSetInteger(xsResult, (xsIntegerValue)i);
			return;
		}
	}
	xsmcSetInteger(xsResult, -1);
}
