// Base64 (RFC 4648 section 4): the standard alphabet, padded, no line breaks: what JSON carries
// for bin values (DESIGN.md interpretation 14) and HTTP Basic for its credentials. One encoder,
// which also streams (a bin value read from flash piece by piece), and one strict decoder.

import { decodeUtf8 } from "./utf8.js";
import { pattern } from "./pattern.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 0x3d;
const WELL_FORMED = pattern(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);

/**
 * Base64 of bytes given in pieces of any size: each output character goes to `emit` as its ASCII
 * code; a group cut by a piece's end waits (at most two bytes) for the next piece or end().
 */
export class Base64Encoder {
	private readonly emit: (code: number) => void;
	private carry0 = 0;
	private carry1 = 0;
	private carried = 0;

	constructor(emit: (code: number) => void) {
		this.emit = emit;
	}

	write(bytes: Uint8Array): void {
		let i = 0;
		if (this.carried === 1 && bytes.length >= 2) { this.group(this.carry0, bytes[0]!, bytes[1]!); i = 2; this.carried = 0; }
		else if (this.carried === 2 && bytes.length >= 1) { this.group(this.carry0, this.carry1, bytes[0]!); i = 1; this.carried = 0; }
		else if (this.carried === 1 && bytes.length === 1) { this.carry1 = bytes[0]!; this.carried = 2; return; }
		for (const n = bytes.length; i + 3 <= n; i += 3) this.group(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!);
		for (; i < bytes.length; i++) {
			if (this.carried === 0) this.carry0 = bytes[i]!;
			else this.carry1 = bytes[i]!;
			this.carried++;
		}
	}

	/** Writes the last group with its padding; the encoder can then start a new value. */
	end(): void {
		const a = this.carry0, b = this.carry1, emit = this.emit;
		if (this.carried === 1) {
			emit(ALPHABET.charCodeAt(a >> 2)); emit(ALPHABET.charCodeAt((a & 3) << 4)); emit(PAD); emit(PAD);
		}
		else if (this.carried === 2) {
			emit(ALPHABET.charCodeAt(a >> 2)); emit(ALPHABET.charCodeAt(((a & 3) << 4) | (b >> 4))); emit(ALPHABET.charCodeAt((b & 15) << 2)); emit(PAD);
		}
		this.carried = 0;
	}

	private group(a: number, b: number, c: number): void {
		const emit = this.emit;
		emit(ALPHABET.charCodeAt(a >> 2));
		emit(ALPHABET.charCodeAt(((a & 3) << 4) | (b >> 4)));
		emit(ALPHABET.charCodeAt(((b & 15) << 2) | (c >> 6)));
		emit(ALPHABET.charCodeAt(c & 63));
	}
}

/** The base64 text of bytes. */
export function encodeBase64(bytes: Uint8Array): string {
	// into bytes first: on XS, += on a string copies it, and decodeUtf8 converts in C
	const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
	let at = 0;
	const encoder = new Base64Encoder((code) => { out[at++] = code; });
	encoder.write(bytes);
	encoder.end();
	return decodeUtf8(out)!;
}

/** Whether text is padded, standard-alphabet base64 (what decodeBase64 takes). */
export function isBase64(text: string): boolean {
	return WELL_FORMED.test(text);
}

/** The bytes of padded, standard-alphabet base64 text; undefined if it is anything else. */
export function decodeBase64(text: string): Uint8Array | undefined {
	if (!isBase64(text)) return undefined;
	const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
	const out = new Uint8Array((text.length / 4) * 3 - pad);
	let o = 0;
	for (let i = 0; i < text.length; i += 4) {
		let n = 0;
		for (let k = 0; k < 4; k++) {
			const c = text.charAt(i + k);
			n = (n << 6) | (c === "=" ? 0 : ALPHABET.indexOf(c));
		}
		if (o < out.length) out[o++] = n >> 16;
		if (o < out.length) out[o++] = (n >> 8) & 255;
		if (o < out.length) out[o++] = n & 255;
	}
	return out;
}
