// UTF-8: strings to bytes and back without TextEncoder (which XS on the device may not have), and
// the one strict validator every room uses.
//
// XS keeps strings as UTF-8 and, unlike the spec, counts a character above U+FFFF as ONE unit:
// "😀".length is 1 and charCodeAt(0) is 0x1F600 there, 2 and 0xD83D on Node. Every loop over a
// string's units here accepts both forms.
import { xsBuffers, xsStrings } from "./engine.js";
import { spanBytes, unitRange, unitSet } from "./span.js";

// byte sets for span.ts, which finds them in C on XS (a typed array's indexOf reads each element
// through the engine there): 0xED leads an encoded surrogate, C0 80 is XS's NUL
const NOT_ED = unitSet("\xed", true), NOT_NUL = unitSet("\0", true);
/** bytes that need no second look from encodeUtf8 */
const ORDINARY = unitSet("\xed\xc0", true);
const ASCII = unitRange(0, 0x7f);

/** Bytes needed for the string; throws on a lone surrogate (JSON and DM text must be valid Unicode). */
export function utf8Length(text: string): number {
	let length = 0;
	for (let i = 0, n = text.length; i < n; i++) {
		const u = text.charCodeAt(i);
		if (u < 0x80) length += 1;
		else if (u < 0x800) length += 2;
		else if (u > 0xffff) length += 4;   // XS: a whole code point in one unit
		else if (u >= 0xd800 && u <= 0xdbff) {
			const low = text.charCodeAt(i + 1);
			if (!(low >= 0xdc00 && low <= 0xdfff)) throw new TypeError(`lone surrogate at index ${i}`);
			length += 4;
			i++;
		}
		else if (u >= 0xdc00 && u <= 0xdfff) throw new TypeError(`lone surrogate at index ${i}`);
		else length += 3;
	}
	return length;
}

/** Writes the UTF-8 of text[from..] into out at `at` until out is full; returns [next index, next out position]. */
export function encodeUtf8Into(text: string, from: number, out: Uint8Array, at: number): [number, number] {
	let i = from;
	const n = text.length;
	while (i < n) {
		let u = text.charCodeAt(i);
		if (u < 0x80) {
			if (at >= out.length) break;
			out[at++] = u;
			i++;
			continue;
		}
		let size = 3, units = 1;
		if (u < 0x800) size = 2;
		else if (u > 0xffff) size = 4;   // XS: a whole code point in one unit
		else if (u >= 0xd800 && u <= 0xdbff) {
			const low = text.charCodeAt(i + 1);
			if (!(low >= 0xdc00 && low <= 0xdfff)) throw new TypeError(`lone surrogate at index ${i}`);
			u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
			size = 4;
			units = 2;
		}
		else if (u >= 0xdc00 && u <= 0xdfff) throw new TypeError(`lone surrogate at index ${i}`);
		if (at + size > out.length) break;
		if (size === 2) { out[at++] = 0xc0 | (u >> 6); }
		else if (size === 3) { out[at++] = 0xe0 | (u >> 12); out[at++] = 0x80 | ((u >> 6) & 0x3f); }
		else { out[at++] = 0xf0 | (u >> 18); out[at++] = 0x80 | ((u >> 12) & 0x3f); out[at++] = 0x80 | ((u >> 6) & 0x3f); }
		out[at++] = 0x80 | (u & 0x3f);
		i += units;
	}
	return [i, at];
}

/** Whether the bytes hold an encoded surrogate (ED A0..BF): XS keeps a lone one, or a pair built
    from halves, that way. 0xED is never a continuation byte, so any 0xED starts a sequence. The
    search for 0xED is span.ts's (in C on XS, where an index read in JavaScript is a call and the
    typed arrays' own indexOf reads each element through the engine), and every string the device
    encodes passes here. hasSurrogateReference is the plain loop. */
export function hasSurrogate(bytes: Uint8Array): boolean {
	const last = bytes.length - 1;
	for (let i = spanBytes(bytes, NOT_ED); i >= 0 && i < last; i = spanBytes(bytes, NOT_ED, i + 1)) if (bytes[i + 1]! >= 0xa0) return true;
	return false;
}

/** The reference hasSurrogate is tested against: one byte at a time. */
export function hasSurrogateReference(bytes: Uint8Array): boolean {
	for (let i = 0, n = bytes.length - 1; i < n; i++) if (bytes[i] === 0xed && bytes[i + 1]! >= 0xa0) return true;
	return false;
}

export function encodeUtf8(text: string): Uint8Array {
	if (xsBuffers.fromString) {
		const bytes = new Uint8Array(xsBuffers.fromString(text));
		// XS writes U+0000 as C0 80 (C0 is never in UTF-8): the loop below writes it as 00
		if (spanBytes(bytes, ORDINARY) < 0 || (!hasSurrogate(bytes) && bytes.indexOf(0xc0) < 0)) return bytes;
		// else: the loop below pairs the halves, or refuses a lone surrogate
	}
	const out = new Uint8Array(utf8Length(text));
	encodeUtf8Into(text, 0, out, 0);
	return out;
}

/** Decodes strict UTF-8 (RFC 3629); returns undefined for any invalid sequence. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
	if (!isUtf8(bytes)) return undefined;
	// XS's strings end at a 00 byte (it keeps U+0000 as C0 80): text with a NUL takes the loop
	if (xsStrings.fromArrayBuffer && spanBytes(bytes, NOT_NUL) < 0) return bytes.length ? xsStrings.fromArrayBuffer(bytes.buffer, bytes.byteOffset, bytes.length) : "";
	// valid by now: the lead byte says how many continuation bytes follow
	let out = "";
	for (let i = 0, n = bytes.length; i < n;) {
		const b = bytes[i]!;
		const need = b < 0x80 ? 0 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
		let cp = need ? b & (0x3f >> need) : b;
		for (let k = 1; k <= need; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
		out += String.fromCodePoint(cp);
		i += need + 1;
	}
	return out;
}

// ---- the validator (RFC 3629) ----
//
// One loop for every room: whole values (isUtf8, decodeUtf8) and values that arrive in pieces
// (Utf8Validator: an HGET body, a leaf streamed to flash). Its state between pieces is one number:
// the continuation bytes still due (bits 0-1) and the bounds of the next one (low bits 8-15, high
// bits 16-23), which is how overlong forms (E0 80.., F0 80..), encoded surrogates (ED A0..) and
// code points above U+10FFFF (F4 90..) are refused at the second byte. C0, C1 and F5-FF never lead.

const BETWEEN = 0;    // no sequence open
const INVALID = -1;

function scanUtf8(bytes: Uint8Array, start: number, end: number, state: number): number {
	let i = start, need = state & 3, low = (state >> 8) & 0xff, high = (state >> 16) & 0xff;
	for (;;) {
		// the continuation bytes of the open sequence (one cut by the last piece's end, at first)
		for (; need && i < end; i++, need--) {
			const c = bytes[i]!;
			if (c < low || c > high) return INVALID;
			low = 0x80; high = 0xbf;
		}
		if (need) return need | (low << 8) | (high << 16);
		// ASCII runs first: most text is ASCII, and this is what a key or a value costs. span finds
		// the run's end in C on XS, where each index read here is a call into the engine
		const stop = spanBytes(bytes, ASCII, i);
		if (stop < 0 || stop >= end) return BETWEEN;
		const b = bytes[stop]!;
		i = stop + 1;
		if (b >= 0xc2 && b <= 0xdf) { need = 1; low = 0x80; high = 0xbf; }
		else if (b >= 0xe0 && b <= 0xef) { need = 2; low = b === 0xe0 ? 0xa0 : 0x80; high = b === 0xed ? 0x9f : 0xbf; }
		else if (b >= 0xf0 && b <= 0xf4) { need = 3; low = b === 0xf0 ? 0x90 : 0x80; high = b === 0xf4 ? 0x8f : 0xbf; }
		else return INVALID;
	}
}

/** Whether the bytes (or bytes[start..end)) are strict UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). */
export function isUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
	return scanUtf8(bytes, start, end, BETWEEN) === BETWEEN;
}

export const enum Utf8Verdict {
	/** every sequence so far is whole and valid */
	Valid = 0,
	/** valid so far, but the last sequence is cut at the piece's end: the next piece continues it */
	Incomplete = 1,
	/** not UTF-8; stays so until reset() */
	Invalid = 2,
}

/** Strict UTF-8 over bytes that arrive in pieces split anywhere, a sequence included. */
export class Utf8Validator {
	private state = BETWEEN;

	/** Checks the next piece (or bytes[start..end) of it). */
	feed(bytes: Uint8Array, start = 0, end = bytes.length): Utf8Verdict {
		if (this.state !== INVALID) this.state = scanUtf8(bytes, start, end, this.state);
		return this.verdict();
	}

	/** The verdict at the end of input: a sequence still cut there is Invalid. */
	end(): Utf8Verdict.Valid | Utf8Verdict.Invalid {
		if (this.state !== BETWEEN) this.state = INVALID;
		return this.state === BETWEEN ? Utf8Verdict.Valid : Utf8Verdict.Invalid;
	}

	reset(): void {
		this.state = BETWEEN;
	}

	private verdict(): Utf8Verdict {
		return this.state === BETWEEN ? Utf8Verdict.Valid : this.state === INVALID ? Utf8Verdict.Invalid : Utf8Verdict.Incomplete;
	}
}
