/*
 * The hot loop of dm/codec's streaming JSON reader (json-reader.ts), in C: between tokens it skips
 * whitespace, handles structure ({ } [ ] , :), and reads every simple token — a string or member
 * name without escapes, a number or a literal that lies whole in the chunk — handing each to the
 * reader's handler exactly as the TypeScript reader would. A string may span chunks: its bytes since
 * its last piece wait in the carry buffer, and a value string longer than a piece is handed over in
 * the same pieces the TypeScript reader makes (stringChunk UTF-16 units; a surrogate pair is never
 * split). Anything else (an escape, a number or literal cut by the chunk's end, a multi-byte
 * character cut by it, a limit reached, any malformed byte) makes it stop and return where: the
 * TypeScript reader takes over from that byte, so errors, their offsets and every event stay those
 * of the one reference path.
 *
 * UTF-8 is validated here as there (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
 *
 * In the reader's bytes mode a value string goes to the handler's stringBytes(source, start, end,
 * final) as UTF-8, in pieces of at most stringChunk bytes cut where the TypeScript reader cuts them:
 * a piece that lies in the chunk is lent as the chunk itself with its bounds (nothing copied, nothing
 * allocated), one that began in an earlier chunk as the carry buffer, the chunk's part appended.
 */
#include "xsmc.h"
#include "json-scan.h"
#include <stdint.h>
#include <string.h>

/* json-reader.ts's S (states) and the stack's container kinds: keep the numbers in step. */
enum { sValue = 1, sValueOrClose, sKeyOrClose, sKey, sColon, sAfterValue, sDone = 13 };
enum { kObject = 1, kArray = 2 };
/* json-reader.ts's registers: an Int32Array shared with C. rOpen: a string is open in C (the
   reader's state is still the one before its quote); rCarry: how many of its bytes, since its quote
   or its last piece, wait in the carry buffer (they came last before this chunk). rReplay: C gives
   the open string up; the reader starts it, reads the carried bytes, then this chunk from the index
   returned. rStringChunk is negative in the bytes mode, and then counts bytes. */
enum { rState, rDepth, rMaxDepth, rMaxKeyLength, rMaxNumberLength, rStringChunk, rCarry, rReplay, rOpen, rCount };

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

/* The same for the carried bytes followed by bytes of the chunk. */
static void setString2(xsMachine* the, xsSlot* slot, xsSlot* carry, xsIntegerValue carried, xsSlot* chunk, xsIntegerValue offset, xsIntegerValue length)
{
	void* data;
	xsUnsignedValue size;
	xsmcSetStringBuffer(*slot, NULL, carried + length);
	char* out = xsmcToString(*slot);
	xsmcGetBufferReadable(*carry, &data, &size);
	memcpy(out, data, carried);
	xsmcGetBufferReadable(*chunk, &data, &size);
	memcpy(out + carried, (const uint8_t*)data + offset, length);
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

/* UTF-16 units of the complete UTF-8 sequences in p[0..n) (a 4-byte sequence is two). */
static int unitsOf(const uint8_t* p, int n)
{
	int units = 0;
	for (int i = 0; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) units++;   /* a lead or ASCII byte */
		if (p[i] >= 0xf0) units++;
	}
	return units;
}

enum { stringDone, stringMore, stringGiveUp };

/* scan(chunk, from, registers, stack, handler, carry) → the index of the first byte left to the reader */
void xs_json_scan(xsMachine* the)
{
	void* data;
	xsUnsignedValue size, rsize, ssize, carrySize;
	int32_t* regs;
	uint8_t* stack;
	uint8_t* carry;
	xsmcVars(3);
	xsIntegerValue i = xsmcToInteger(xsArg(1));
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	xsmcGetBufferWritable(xsArg(2), (void**)&regs, &rsize);
	if (rsize < rCount * sizeof(int32_t)) xsRangeError("registers too short");
	int state = regs[rState], depth = regs[rDepth], open = regs[rOpen], carried = regs[rCarry], replay = 0;
	const int maxDepth = regs[rMaxDepth], maxKey = regs[rMaxKeyLength], maxNumber = regs[rMaxNumberLength], inBytes = regs[rStringChunk] < 0,
		chunkUnits = !inBytes ? regs[rStringChunk] : regs[rStringChunk] == INT32_MIN ? 0 : -regs[rStringChunk];   /* 0: refused below */
	xsmcGetBufferWritable(xsArg(3), (void**)&stack, &ssize);
	if (ssize < (xsUnsignedValue)maxDepth + 1) xsRangeError("stack too short");
	xsmcGetBufferWritable(xsArg(5), (void**)&carry, &carrySize);
	if (carried < 0 || (xsUnsignedValue)carried > carrySize) xsRangeError("carry out of range");
	const xsIntegerValue n = (xsIntegerValue)size;
	/* the registers come from json-reader.ts only, but a wrong one must not reach memory */
	if (i < 0 || i > n || depth < 0 || depth > maxDepth || maxDepth < 0 || chunkUnits < (inBytes ? 4 : 2) || maxKey < 0) xsRangeError("registers out of range");
	/* a piece of bytes is built in the carry: it must hold one whole */
	if (inBytes && (xsUnsignedValue)chunkUnits > carrySize) xsRangeError("carry shorter than a piece");
	const xsIdentifier idStartObject = xsID("startObject"), idEndObject = xsID("endObject"), idStartArray = xsID("startArray"),
		idEndArray = xsID("endArray"), idKey = xsID("key"), idString = inBytes ? xsID("stringBytes") : xsID("string"), idNumber = xsID("number"), idLiteral = xsID("literal");
	/* XS may move buffers at any allocation: re-read the pointers after each call out */
#define REFRESH() do { xsmcGetBufferReadable(xsArg(0), &data, &size); xsmcGetBufferWritable(xsArg(3), (void**)&stack, &ssize); \
		xsmcGetBufferWritable(xsArg(5), (void**)&carry, &carrySize); } while (0)
#define P ((const uint8_t*)data)
#define AFTER_VALUE() (state = depth == 0 ? sDone : sAfterValue)
	/* bytes mode: the piece carry[0..carried) + P[start..end) to stringBytes; lent in place when
	   nothing was carried, else the chunk's part appended to the carry (a piece fits it) */
#define PIECE_BYTES(end, final) do { \
		xsIntegerValue e_ = (end); \
		if (carried) { \
			memcpy(carry + carried, P + start, e_ - start); \
			xsmcSetInteger(xsVar(0), 0); xsmcSetInteger(xsVar(1), carried + (e_ - start)); \
		} \
		else { xsmcSetInteger(xsVar(0), start); xsmcSetInteger(xsVar(1), e_); } \
		xsmcSetBoolean(xsVar(2), final); \
		xsmcCall_noResult(xsArg(4), idString, carried ? &xsArg(5) : &xsArg(0), &xsVar(0), &xsVar(1), &xsVar(2), NULL); \
	} while (0)

	for (;;) {
		if (open) {
			/* the open string's bytes since its quote or last piece: carry[0..carried) then P[start..j) */
			const int key = state == sKeyOrClose || state == sKey, bytes = inBytes && !key;
			xsIntegerValue start = i, j = i;
			int units = bytes ? carried : unitsOf(carry, carried), outcome = stringMore;
			while (j < n) {
				uint8_t c = P[j];
				int length = 1, u = 1;
				if (c == '"') {
					if (bytes) PIECE_BYTES(j, 1);
					else {
						setString2(the, &xsVar(0), &xsArg(5), carried, &xsArg(0), start, j - start);
						if (!key) xsmcSetTrue(xsVar(1));
						if (key) xsmcCall_noResult(xsArg(4), idKey, &xsVar(0), NULL);
						else xsmcCall_noResult(xsArg(4), idString, &xsVar(0), &xsVar(1), NULL);
					}
					if (key) state = sColon;
					else AFTER_VALUE();
					REFRESH();
					carried = 0;
					open = 0;
					i = j + 1;
					outcome = stringDone;
					break;
				}
				if (c == '\\' || c < 0x20) { outcome = stringGiveUp; break; }
				if (c >= 0x80) {
					length = utf8Sequence(P + j, n - j);   /* 0 also when the chunk's end cuts it */
					if (!length) { outcome = stringGiveUp; break; }
					if (length == 4) u = 2;
				}
				if (bytes) u = length;
				if (key) {
					if (carried + (j - start) + length > maxKey) { outcome = stringGiveUp; break; }
				}
				else if (units + u > chunkUnits) {
					/* the reader's piece rule: a full piece goes when one more unit (or pair, or
					   character in bytes mode) comes */
					if (bytes) PIECE_BYTES(j, 0);
					else {
						setString2(the, &xsVar(0), &xsArg(5), carried, &xsArg(0), start, j - start);
						xsmcSetFalse(xsVar(1));
						xsmcCall_noResult(xsArg(4), idString, &xsVar(0), &xsVar(1), NULL);
					}
					REFRESH();
					carried = 0;
					start = j;
					units = 0;
				}
				units += u;
				j += length;
			}
			if (outcome == stringDone) continue;
			if (outcome == stringMore && (xsUnsignedValue)(carried + (n - start)) <= carrySize) {
				memcpy(carry + carried, P + start, n - start);
				carried += n - start;
				i = n;
				break;
			}
			/* given up: the reader starts the string, reads the carried bytes and goes on from start */
			replay = 1;
			i = start;
			break;
		}
		if (i >= n) break;
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
			open = 1;
			i++;
			continue;
		}
		if (state != sValue && state != sValueOrClose) break;   /* sDone */
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
			open = 1;
			i++;
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
	/* regs too may have moved: written through a fresh pointer */
	xsmcGetBufferWritable(xsArg(2), (void**)&regs, &rsize);
	regs[rReplay] = replay;
	regs[rState] = state;
	regs[rDepth] = depth;
	regs[rOpen] = open;
	regs[rCarry] = carried;
	xsmcSetInteger(xsResult, i);
#undef REFRESH
#undef P
#undef AFTER_VALUE
#undef PIECE_BYTES
}
