// The byte sequences every UTF-8 checker is held to (modules/bytes, the JSON reader, json-scan.c):
// all 1- and 2-byte sequences; every lead 80..FF with every second byte and the boundary values of
// the third; 4-byte sequences at every boundary of every lead F0..F7. That covers each bad class:
// stray continuation bytes, C0/C1 and F5..FF leads, overlong forms (C0 80, E0 80 80, F0 80 80 80),
// encoded surrogates (ED A0 80), code points above U+10FFFF (F4 90 80 80) and cut sequences.

const THIRD = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
const FOURTH_SECOND = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0xbf, 0xc0];
const FOURTH_REST = [0x41, 0x80, 0xbf, 0xc0];

/** Calls fn with each case (the array is reused: copy it to keep it). `third` narrows the third bytes. */
export function forEachUtf8Case(fn: (bytes: Uint8Array) => void, third: readonly number[] = THIRD): number {
	let count = 0;
	const one = new Uint8Array(1), two = new Uint8Array(2), three = new Uint8Array(3), four = new Uint8Array(4);
	for (let a = 0; a < 256; a++) { one[0] = a; fn(one); count++; }
	for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) { two[0] = a; two[1] = b; fn(two); count++; }
	for (let a = 0x80; a < 256; a++) for (let b = 0; b < 256; b++) for (const c of third) { three[0] = a; three[1] = b; three[2] = c; fn(three); count++; }
	for (let a = 0xf0; a <= 0xf7; a++) for (const b of FOURTH_SECOND) for (const c of FOURTH_REST) for (const d of FOURTH_REST) {
		four[0] = a; four[1] = b; four[2] = c; four[3] = d; fn(four); count++;
	}
	return count;
}

/** The reference: decode each sequence by the definition (RFC 3629 section 3) and check its value. */
export function utf8ByDefinition(bytes: Uint8Array): boolean {
	for (let i = 0; i < bytes.length;) {
		const b = bytes[i]!;
		let length: number, cp: number;
		if (b < 0x80) { i++; continue; }
		if ((b & 0xe0) === 0xc0) { length = 2; cp = b & 0x1f; }
		else if ((b & 0xf0) === 0xe0) { length = 3; cp = b & 0x0f; }
		else if ((b & 0xf8) === 0xf0) { length = 4; cp = b & 0x07; }
		else return false;
		if (i + length > bytes.length) return false;
		for (let k = 1; k < length; k++) {
			const c = bytes[i + k]!;
			if ((c & 0xc0) !== 0x80) return false;
			cp = cp * 64 + (c & 0x3f);
		}
		const shortest = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
		if (cp < shortest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
		i += length;
	}
	return true;
}

export const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
