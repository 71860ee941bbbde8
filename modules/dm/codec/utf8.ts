// UTF-8 for JS strings, without TextEncoder (which XS on the device may not have).
//
// XS keeps strings as UTF-8 and, unlike the spec, counts a character above U+FFFF as ONE unit:
// "😀".length is 1 and charCodeAt(0) is 0x1F600 there, 2 and 0xD83D on Node. Every loop over a
// string's units here accepts both forms.

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

// XS's own conversions, when the engine has them (the device's and the sim host's do; Node does
// not). Walking a string by index is linear on Node but not on XS, whose strings are UTF-8 inside:
// charCodeAt(i) and length count from the start each time, so a JS loop over 40 KB of text took
// seconds there. These convert in C in one pass.
const xsEncode = (ArrayBuffer as unknown as { fromString?: (text: string) => ArrayBuffer }).fromString;
const xsDecode = (String as unknown as { fromArrayBuffer?: (buffer: ArrayBufferLike, offset: number, length: number) => string }).fromArrayBuffer;

/** Whether the bytes hold an encoded surrogate (ED A0..BF): XS keeps a lone one, or a pair built
    from halves, that way. 0xED is never a continuation byte, so any 0xED starts a sequence. */
function hasSurrogate(bytes: Uint8Array): boolean {
	for (let i = 0, n = bytes.length - 1; i < n; i++) if (bytes[i] === 0xed && bytes[i + 1]! >= 0xa0) return true;
	return false;
}

export function encodeUtf8(text: string): Uint8Array {
	if (xsEncode) {
		const bytes = new Uint8Array(xsEncode(text));
		if (!hasSurrogate(bytes)) return bytes;
		// else: the loop below pairs the halves, or refuses a lone surrogate
	}
	const out = new Uint8Array(utf8Length(text));
	encodeUtf8Into(text, 0, out, 0);
	return out;
}

/** Decodes strict UTF-8 (RFC 3629); returns undefined for any invalid sequence. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
	if (!isUtf8(bytes)) return undefined;
	if (xsDecode) return bytes.length ? xsDecode(bytes.buffer, bytes.byteOffset, bytes.length) : "";
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

/** Whether the bytes are strict UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). */
function isUtf8(bytes: Uint8Array): boolean {
	for (let i = 0, n = bytes.length; i < n;) {
		const b = bytes[i]!;
		if (b < 0x80) { i++; continue; }
		let need: number, low = 0x80, high = 0xbf;
		if (b >= 0xc2 && b <= 0xdf) need = 1;
		else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) low = 0xa0; if (b === 0xed) high = 0x9f; }
		else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) low = 0x90; if (b === 0xf4) high = 0x8f; }
		else return false;
		for (let k = 1; k <= need; k++) {
			const c = bytes[i + k];
			if (c === undefined || c < low || c > high) return false;
			low = 0x80; high = 0xbf;
		}
		i += need + 1;
	}
	return true;
}
