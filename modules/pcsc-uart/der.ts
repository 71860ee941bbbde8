// A minimal DER / BER-TLV reader for the few structures a card holds (EF.DIR templates, FCP,
// PKCS#15 ODF and DODF): one-byte tags, definite lengths up to 65 535, every length checked
// against its parent. Anything else is CardError("format"); nothing is copied.
import { CardError, hex8 } from "./error.js";

export interface Tlv {
	readonly tag: number;
	/** the value is bytes[start, end) */
	readonly start: number;
	readonly end: number;
}

/** The TLV at `at`, which must end by `limit`. */
export function readTlv(bytes: Uint8Array, at: number, limit: number = bytes.length): Tlv {
	if (limit > bytes.length) limit = bytes.length;
	if (at + 2 > limit) throw new CardError("format", `TLV header runs past its container at byte ${at}`);
	const tag = bytes[at]!;
	if ((tag & 0x1f) === 0x1f) throw new CardError("format", `multi-byte tag ${hex8(tag)} at byte ${at}: not expected here`);
	let n = bytes[at + 1]!;
	let start = at + 2;
	if (n & 0x80) {
		const k = n & 0x7f;
		if (k === 0) throw new CardError("format", `indefinite length at byte ${at}: DER forbids it`);
		if (k > 2) throw new CardError("format", `length of ${k} bytes at byte ${at}: too long for a card file`);
		if (start + k > limit) throw new CardError("format", `length bytes run past their container at byte ${at}`);
		n = 0;
		for (let i = 0; i < k; i++) n = (n << 8) | bytes[start + i]!;
		start += k;
	}
	const end = start + n;
	if (end > limit) throw new CardError("format", `TLV ${hex8(tag)} at byte ${at} claims ${n} bytes, only ${limit - start} remain`);
	return { tag, start, end };
}

/** The first child with `tag` inside [start, end), or undefined. */
export function findTlv(bytes: Uint8Array, start: number, end: number, tag: number): Tlv | undefined {
	for (let at = start; at < end;) {
		const t = readTlv(bytes, at, end);
		if (t.tag === tag) return t;
		at = t.end;
	}
	return undefined;
}
