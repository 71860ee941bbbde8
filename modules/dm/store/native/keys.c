/*
 * The store's key work in C: FNV-1a over a key's bytes (key-index.ts hashKey) and the comparison of
 * a key with bytes read back from flash (journal.ts keyIsAt, children). Every lookup of the tree in the
 * store does both over a key of some 20 to 60 bytes; in JavaScript on XS each byte read is a call
 * into the engine, which made them most of a lookup's cost. The TypeScript loops stay the
 * reference (tests/unit-xs/store-keys.test.ts holds these to them).
 */
#include "keys.h"
#include <stdint.h>
#include <string.h>

void xs_store_hash_key(xsMachine* the)
{
	void* data;
	xsUnsignedValue size;
	uint32_t h = 0x811C9DC5u;
	/* no allocation below, so the pointer into the XS heap stays valid */
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	const uint8_t* p = data;
	for (xsUnsignedValue i = 0; i < size; i++) h = (h ^ p[i]) * 0x01000193u;
	xsmcSetNumber(xsResult, (double)h);
}

void xs_store_same_at(xsMachine* the)
{
	void* a;
	void* b;
	xsUnsignedValue aSize, bSize;
	xsIntegerValue at = xsmcToInteger(xsArg(1));
	xsmcGetBufferReadable(xsArg(0), &a, &aSize);
	xsmcGetBufferReadable(xsArg(2), &b, &bSize);
	xsmcSetBoolean(xsResult, at >= 0 && (xsUnsignedValue)at <= aSize && bSize <= aSize - (xsUnsignedValue)at && !memcmp((const uint8_t*)a + at, b, bSize));
}
