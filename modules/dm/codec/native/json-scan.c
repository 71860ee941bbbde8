/*
 * The hot loop of dm/codec's streaming JSON reader (json-reader.ts), in C: between tokens it skips
 * whitespace, handles structure ({ } [ ] , :), and reads every token that lies whole inside the
 * current chunk and is simple — a string or member name without escapes that fits one piece, a
 * number, a literal — handing each to the reader's handler exactly as the TypeScript reader would.
 * Anything else (an escape, a token cut by the chunk's end, a long string, a limit reached, any
 * malformed byte) makes it stop and return where: the TypeScript reader takes that byte, so the
 * errors, their offsets and the chunking of long strings stay those of the one reference path.
 *
 * UTF-8 is validated here as there (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF);
 * a token with an invalid sequence is left to the TypeScript reader, which reports it.
 */
#include "xsmc.h"
#include "json-scan.h"
#include <string.h>

/* json-reader.ts's S (states) and the stack's container kinds: keep the numbers in step. */
enum { sValue = 1, sValueOrClose, sKeyOrClose, sKey, sColon, sAfterValue, sDone = 13 };
enum { kObject = 1, kArray = 2 };
/* json-reader.ts's registers: an Int32Array shared with C. rCarry is the length of a simple string
   cut by a chunk's end, kept from its quote in the carry buffer (the reader's state stays the one
   before the quote); rReplay asks the reader to run those bytes through the TypeScript reader,
   when the string's continuation is not simple. */
enum { rState, rDepth, rMaxDepth, rMaxKeyLength, rMaxNumberLength, rStringChunk, rCarry, rReplay, rCount };

/* A string made of `length` bytes at `offset` in the XS buffer `buffer`. The string is allocated
   first and filled after: an allocation may move the buffer's bytes (XS compacts chunks). */
static void setString(xsMachine* the, xsSlot* slot, xsSlot* buffer, xsIntegerValue offset, xsIntegerValue length)
{
	void* data;
	xsUnsignedValue size;
	xsmcSetStringBuffer(*slot, NULL, length);
	xsmcGetBufferReadable(*buffer, &data, &size);
	memcpy(xsmcToString(*slot), (const uint8_t*)data + offset, length);
}

/* Length of the valid UTF-8 sequence at p[0..n) led by b >= 0x80, or 0 if invalid or cut short. */
static int utf8Sequence(const uint8_t* p, size_t n)
{
	uint8_t b = p[0], low = 0x80, high = 0xbf;
	int need;
	if (b >= 0xc2 && b <= 0xdf) need = 1;
	else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) low = 0xa0; if (b == 0xed) high = 0x9f; }
	else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) low = 0x90; if (b == 0xf4) high = 0x8f; }
	else return 0;
	if ((size_t)need >= n) return 0;
	for (int k = 1; k <= need; k++) {
		if (p[k] < low || p[k] > high) return 0;
		low = 0x80; high = 0xbf;
	}
	return need + 1;
}

#define CUT (-2)

/* Whether p[0..n) is the valid beginning of a UTF-8 sequence that the chunk's end cuts short. */
static int utf8Cut(const uint8_t* p, size_t n)
{
	uint8_t b = p[0], low = 0x80, high = 0xbf;
	size_t need;
	if (b >= 0xc2 && b <= 0xdf) need = 1;
	else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b == 0xe0) low = 0xa0; if (b == 0xed) high = 0x9f; }
	else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b == 0xf0) low = 0x90; if (b == 0xf4) high = 0x8f; }
	else return 0;
	if (n > need) return 0;
	for (size_t k = 1; k < n; k++) {
		if (p[k] < low || p[k] > high) return 0;
		low = 0x80; high = 0xbf;
	}
	return 1;
}

/* A string body from p[0] (just after the quote): its byte length up to the closing quote, or -1 when
   it is not simple (escape, control byte, invalid UTF-8, over a limit), or CUT when it is simple and
   within the limits up to the chunk's end.
   units counts UTF-16 units (a 4-byte sequence is two), bytes the UTF-8 length. */
static int simpleString(const uint8_t* p, size_t n, int maxBytes, int maxUnits)
{
	size_t i = 0;
	int units = 0;
	while (i < n) {
		uint8_t c = p[i];
		if (c == '"') return (int)i;
		if (c == '\\' || c < 0x20) return -1;
		if (c < 0x80) { i++; units++; }
		else {
			int size = utf8Sequence(p + i, n - i);
			if (!size) return utf8Cut(p + i, n - i) ? CUT : -1;
			i += size;
			units += size == 4 ? 2 : 1;
		}
		if ((int)i > maxBytes || units > maxUnits) return -1;
	}
	return CUT;
}

/* Keeps a simple string cut by the chunk's end (from its quote) when the carry buffer holds it. */
static int carryCut(const uint8_t* p, size_t n, uint8_t* carry, xsUnsignedValue carrySize, int* carried)
{
	if (n > carrySize) return 0;
	memcpy(carry, p, n);
	*carried = (int)n;
	return 1;
}

/* json-reader.ts's number grammar (RFC 8259 section 6): the number's length when it ends inside
   the chunk before a byte that is not part of it, or -1 (malformed, or cut by the chunk's end). */
static int numberLength(const uint8_t* p, size_t n)
{
	size_t i = 0;
	if (p[i] == '-') i++;
	if (i >= n) return -1;
	if (p[i] == '0') i++;
	else if (p[i] >= '1' && p[i] <= '9') { while (i < n && p[i] >= '0' && p[i] <= '9') i++; }
	else return -1;
	if (i < n && p[i] == '.') {
		i++;
		if (i >= n || p[i] < '0' || p[i] > '9') return -1;
		while (i < n && p[i] >= '0' && p[i] <= '9') i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-')) i++;
		if (i >= n || p[i] < '0' || p[i] > '9') return -1;
		while (i < n && p[i] >= '0' && p[i] <= '9') i++;
	}
	if (i >= n) return -1;                          /* the next chunk may continue it */
	if (p[i] >= '0' && p[i] <= '9') return -1;      /* a leading zero: the reference reports it */
	return (int)i;
}

/* scan(chunk, from, registers, stack, handler, carry) → the index of the first byte left to the reader */
void xs_json_scan(xsMachine* the)
{
	void* data;
	xsUnsignedValue size, rsize, ssize;
	int32_t* regs;
	uint8_t* stack;
	xsmcVars(3);
	xsIntegerValue i = xsmcToInteger(xsArg(1));
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	xsmcGetBufferWritable(xsArg(2), (void**)&regs, &rsize);
	if (rsize < rCount * sizeof(int32_t)) xsRangeError("registers too short");
	int state = regs[rState], depth = regs[rDepth];
	const int maxDepth = regs[rMaxDepth], maxKey = regs[rMaxKeyLength], maxNumber = regs[rMaxNumberLength], chunkUnits = regs[rStringChunk];
	xsmcGetBufferWritable(xsArg(3), (void**)&stack, &ssize);
	if (ssize < (xsUnsignedValue)maxDepth + 1) xsRangeError("stack too short");
	xsUnsignedValue carrySize;
	uint8_t* carry;
	xsmcGetBufferWritable(xsArg(5), (void**)&carry, &carrySize);
	int carried = regs[rCarry];
	const xsIntegerValue n = (xsIntegerValue)size;
	const xsIdentifier idStartObject = xsID("startObject"), idEndObject = xsID("endObject"), idStartArray = xsID("startArray"),
		idEndArray = xsID("endArray"), idKey = xsID("key"), idString = xsID("string"), idNumber = xsID("number"), idLiteral = xsID("literal");
	/* XS may move buffers at any allocation: re-read both pointers after each call out */
#define REFRESH() do { xsmcGetBufferReadable(xsArg(0), &data, &size); xsmcGetBufferWritable(xsArg(3), (void**)&stack, &ssize); \
		xsmcGetBufferWritable(xsArg(5), (void**)&carry, &carrySize); } while (0)
#define P ((const uint8_t*)data)
#define AFTER_VALUE() (state = depth == 0 ? sDone : sAfterValue)

	if (carried > 0) {
		/* the rest of a string begun in an earlier chunk: up to its quote if simple, or all of this chunk */
		const int before = carried;
		const int key = state == sKeyOrClose || state == sKey;
		xsIntegerValue q = i;
		while (q < n && P[q] != '"' && P[q] != '\\' && P[q] >= 0x20) q++;
		int closes = q < n && P[q] == '"';
		if ((q < n && !closes) || (xsUnsignedValue)(carried + (q - i) + 1) > carrySize) {
			regs[rReplay] = 1;
			xsmcSetInteger(xsResult, i);
			return;
		}
		memcpy(carry + carried, P + i, q - i);
		carried += q - i;
		if (closes) carry[carried++] = '"';
		/* still simple and within the limits? else the reader replays the bytes carried before this
		   chunk and reads this one itself, so that an error shows in the chunk that holds it */
		int length = simpleString(carry + 1, carried - 1, key ? maxKey : 0x7fffffff, key ? maxKey + 1 : chunkUnits);
		if (closes ? length != carried - 2 : length != CUT) {
			regs[rCarry] = before;
			regs[rReplay] = 1;
			xsmcSetInteger(xsResult, i);
			return;
		}
		if (!closes) {
			regs[rCarry] = carried;
			xsmcSetInteger(xsResult, n);
			return;
		}
		setString(the, &xsVar(0), &xsArg(5), 1, length);
		if (key) {
			xsmcCall_noResult(xsArg(4), idKey, &xsVar(0), NULL);
			state = sColon;
		}
		else {
			xsmcSetTrue(xsVar(1));
			xsmcCall_noResult(xsArg(4), idString, &xsVar(0), &xsVar(1), NULL);
			AFTER_VALUE();
		}
		REFRESH();
		carried = 0;
		i = q + 1;
	}
	while (i < n) {
		uint8_t c = P[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') { i++; continue; }
		if (state == sColon) {
			if (c != ':') break;
			state = sValue; i++; continue;
		}
		if (state == sAfterValue) {
			uint8_t top = stack[depth];
			if (c == ',' && depth > 0) { state = top == kObject ? sKey : sValue; i++; continue; }
			if (c == '}' && top == kObject) { depth--; xsmcCall_noResult(xsArg(4), idEndObject, NULL); REFRESH(); AFTER_VALUE(); i++; continue; }
			if (c == ']' && top == kArray) { depth--; xsmcCall_noResult(xsArg(4), idEndArray, NULL); REFRESH(); AFTER_VALUE(); i++; continue; }
			break;
		}
		if (state == sKeyOrClose || state == sKey) {
			if (c == '}' && state == sKeyOrClose) { depth--; xsmcCall_noResult(xsArg(4), idEndObject, NULL); REFRESH(); AFTER_VALUE(); i++; continue; }
			if (c != '"') break;
			int length = simpleString(P + i + 1, n - i - 1, maxKey, maxKey + 1);
			if (length == CUT && carryCut(P + i, n - i, carry, carrySize, &carried)) { i = n; break; }
			if (length < 0) break;
			setString(the, &xsVar(0), &xsArg(0), i + 1, length);
			xsmcCall_noResult(xsArg(4), idKey, &xsVar(0), NULL);
			REFRESH();
			state = sColon;
			i += length + 2;
			continue;
		}
		if (state != sValue && state != sValueOrClose) break;   /* sDone, or inside a token */
		if (c == ']' && state == sValueOrClose) { depth--; xsmcCall_noResult(xsArg(4), idEndArray, NULL); REFRESH(); AFTER_VALUE(); i++; continue; }
		if (c == '{' || c == '[') {
			if (depth >= maxDepth) break;
			stack[++depth] = c == '{' ? kObject : kArray;
			xsmcCall_noResult(xsArg(4), c == '{' ? idStartObject : idStartArray, NULL);
			REFRESH();
			state = c == '{' ? sKeyOrClose : sValueOrClose;
			i++;
			continue;
		}
		if (c == '"') {
			int length = simpleString(P + i + 1, n - i - 1, 0x7fffffff, chunkUnits);
			if (length == CUT && carryCut(P + i, n - i, carry, carrySize, &carried)) { i = n; break; }
			if (length < 0) break;
			setString(the, &xsVar(0), &xsArg(0), i + 1, length);
			xsmcSetTrue(xsVar(1));
			xsmcCall_noResult(xsArg(4), idString, &xsVar(0), &xsVar(1), NULL);
			REFRESH();
			AFTER_VALUE();
			i += length + 2;
			continue;
		}
		if (c == 't' || c == 'f' || c == 'n') {
			const char* word = c == 't' ? "true" : c == 'f' ? "false" : "null";
			xsIntegerValue length = c == 'f' ? 5 : 4;
			if (i + length > n || memcmp(P + i, word, length)) break;
			if (c == 'n') xsmcSetNull(xsVar(0)); else xsmcSetBoolean(xsVar(0), c == 't');
			xsmcCall_noResult(xsArg(4), idLiteral, &xsVar(0), NULL);
			REFRESH();
			AFTER_VALUE();
			i += length;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			int length = numberLength(P + i, n - i);
			if (length < 0 || length > maxNumber) break;
			setString(the, &xsVar(1), &xsArg(0), i, length);
			xsVar(0) = xsVar(1);
			xsmcToNumber(xsVar(0));   /* converts the slot in place: XS's own Number(text) */
			xsmcCall_noResult(xsArg(4), idNumber, &xsVar(0), &xsVar(1), NULL);
			REFRESH();
			AFTER_VALUE();
			i += length;
			continue;
		}
		break;
	}
	xsmcGetBufferWritable(xsArg(2), (void**)&regs, &rsize);
	regs[rState] = state;
	regs[rDepth] = depth;
	regs[rCarry] = carried;
	xsmcSetInteger(xsResult, i);
#undef REFRESH
#undef P
#undef AFTER_VALUE
}
