// How far a string (or bytes) runs within a set of code units: the one scan behind every per-character check
// of a text (a character class over the whole text, where a URL's authority ends, which characters
// of a name or a JSON string need escaping). On XS a loop of charCodeAt(i) is the costly way to do
// it: each call makes a String object (the method is looked up on a primitive) and counts from the
// text's start to unit i, since XS keeps strings as UTF-8. native/span.c walks the text once and
// allocates nothing; the loop below is its reference (tests/unit-xs/bytes/span.test.ts) and what
// Node runs.

/** A set of code units: 256 bits for the units below 0x100, and whether every unit above is in it. */
export interface UnitSet {
	readonly bits: Uint8Array;	// 32 bytes, bit (u & 7) of byte u >> 3
	readonly above: boolean;
}

/** The set of the units whose codes are in `members` (a string of characters below 0x100), or of
    all the others when `complement`: a stop set ("/?#") is the complement of what runs on. Units
    above 0xff are in it as `above` says, by default when it is a complement. */
export function unitSet(members: string, complement = false, above = complement): UnitSet {
	const bits = new Uint8Array(32);
	for (let i = 0; i < members.length; i++) {
		const code = members.charCodeAt(i);
		if (code > 0xff) throw new RangeError(`a unit set holds units below 0x100, not U+${code.toString(16)}`);
		bits[code >> 3]! |= 1 << (code & 7);
	}
	if (complement) for (let i = 0; i < 32; i++) bits[i] = ~bits[i]! & 0xff;
	return { bits, above };
}

/** The units from..to (both below 0x100), less those in `except`. */
export function unitRange(from: number, to: number, except = ""): UnitSet {
	if (from < 0 || to > 0xff || from > to) throw new RangeError(`a unit range is within 0..0xff, not ${from}..${to}`);
	const bits = new Uint8Array(32);
	for (let u = from; u <= to; u++) bits[u >> 3]! |= 1 << (u & 7);
	for (let i = 0; i < except.length; i++) {
		const u = except.charCodeAt(i);
		if (u <= 0xff) bits[u >> 3]! &= ~(1 << (u & 7));
	}
	return { bits, above: false };
}

/** The reference: the index of the first unit of text at or after `from` that is not in set, or -1. */
export function spanReference(text: string, set: UnitSet, from = 0): number {
	const bits = set.bits;
	for (let i = from < 0 ? 0 : from; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code > 0xff ? !set.above : (bits[code >> 3]! & (1 << (code & 7))) === 0) return i;
	}
	return -1;
}

/** The reference over bytes: the index of the first byte at or after `from` not in set, or -1. */
export function spanBytesReference(bytes: Uint8Array, set: UnitSet, from = 0): number {
	const bits = set.bits;
	for (let i = from < 0 ? 0 : from; i < bytes.length; i++) {
		const b = bytes[i]!;
		if ((bits[b >> 3]! & (1 << (b & 7))) === 0) return i;
	}
	return -1;
}

// `native("...")` written out, as the SDK's compiler recognises it (see modules/dm/store/key-index.ts)
declare const native: ((name: string) => (...args: never[]) => unknown) | undefined;
const nativeSpan = typeof native === "function" ? native("xs_bytes_span") as (text: string, bits: Uint8Array, from: number, above: boolean) => number : undefined;
const nativeSpanBytes = typeof native === "function" ? native("xs_bytes_span_bytes") as (bytes: Uint8Array, bits: Uint8Array, from: number) => number : undefined;

/** The index of the first unit of text at or after `from` that is not in set, or -1 when all are. */
export const span: (text: string, set: UnitSet, from?: number) => number = nativeSpan
	? (text, set, from = 0) => nativeSpan(text, set.bits, from, set.above)
	: spanReference;

/** The index of the first byte at or after `from` that is not in set (`above` plays no part), or -1. */
export const spanBytes: (bytes: Uint8Array, set: UnitSet, from?: number) => number = nativeSpanBytes
	? (bytes, set, from = 0) => nativeSpanBytes(bytes, set.bits, from)
	: spanBytesReference;
