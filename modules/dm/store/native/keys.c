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

/* The hashes a call names as (buffer, byteOffset, count): the bytes of the Uint32Array at byteOffset
   of buffer (xsmc reads no view of 4-byte elements), count of them, or a RangeError when they are not
   inside the buffer. Called after the other arguments are converted: nothing allocates after it, so
   the pointer into the XS heap stays valid. */
static const uint8_t* hashesArgument(xsMachine* the, xsIntegerValue* count)
{
	void* data;
	xsUnsignedValue size;
	xsIntegerValue offset = xsmcToInteger(xsArg(1));
	*count = xsmcToInteger(xsArg(2));
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	if ((offset < 0) || (offset & 3) || ((xsUnsignedValue)offset > size)) xsRangeError("hashes offset out of the buffer");
	if ((*count < 0) || ((xsUnsignedValue)*count > (size - (xsUnsignedValue)offset) / 4)) xsRangeError("count beyond the hashes");
	return (const uint8_t*)data + offset;
}

/* The index's binary search (key-index.ts lowerBound): every lookup of a key runs it, and in
   JavaScript each probe of the Uint32Array is a call into the engine. */
void xs_store_lower_bound(xsMachine* the)
{
	xsNumberValue wanted = xsmcToNumber(xsArg(3));
	xsIntegerValue count;
	const uint8_t* p = hashesArgument(the, &count);
	/* a hash is a 32-bit unsigned number: anything else sorts before or after every one of them */
	xsUnsignedValue lo = 0, hi = (xsUnsignedValue)count;
	if (!(wanted > 0)) hi = 0;
	else if (wanted > 4294967295.0) lo = hi;
	else {
		uint32_t hash = (uint32_t)wanted;
		int exact = ((xsNumberValue)hash == wanted);
		while (lo < hi) {
			xsUnsignedValue mid = (lo + hi) >> 1;
			uint32_t h;
			memcpy(&h, p + 4 * mid, 4);   /* the view's bytes in the host's order, as the Uint32Array reads them */
			if ((h < hash) || (!exact && (h == hash))) lo = mid + 1;
			else hi = mid;
		}
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)lo);
}

/* A listing's scan of the index's parent hashes (key-index.ts nextWithParent): the typed arrays'
   own indexOf reads each element through the engine's generic property path on XS. */
void xs_store_index_of(xsMachine* the)
{
	xsNumberValue wanted = xsmcToNumber(xsArg(3));
	xsIntegerValue from = xsmcToInteger(xsArg(4));
	xsIntegerValue count;
	const uint8_t* p = hashesArgument(the, &count);
	xsmcSetInteger(xsResult, -1);
	/* only a 32-bit unsigned number can be in the array */
	if (!(wanted >= 0) || (wanted > 4294967295.0) || ((xsNumberValue)(uint32_t)wanted != wanted)) return;
	uint32_t hash = (uint32_t)wanted;
	for (xsIntegerValue i = from < 0 ? 0 : from; i < count; i++) {
		uint32_t h;
		memcpy(&h, p + 4 * i, 4);
		if (h == hash) {
			xsmcSetInteger(xsResult, i);
			return;
		}
	}
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
