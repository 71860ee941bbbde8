// Latin-1 (ISO 8859-1): one byte per character, the text of HTTP heads and of ASCII-only formats.
// Both directions go through the engine's UTF-8 conversion when the text is ASCII (UTF-8 then has
// one byte per character too), and fall back to the plain loops, kept as references, otherwise.
import { xsBuffers, xsStrings } from "./engine.js";

const RUN = 256;	// characters per String.fromCharCode call: its arguments sit on the engine's stack

/** bytes[from..to) as Latin-1 text: in one engine call when ASCII, else a run of bytes per call. */
export function latin1Text(bytes: Uint8Array, from = 0, to = bytes.length): string {
	if (from === to) return "";
	if (xsStrings.fromArrayBuffer) {
		// XS reads UTF-8, stops at a NUL and throws on invalid bytes: its text is the Latin-1 one
		// exactly when it has one character per byte
		try {
			const s = xsStrings.fromArrayBuffer(bytes.buffer, bytes.byteOffset + from, to - from);
			if (s.length === to - from) return s;
		}
		catch { /* not UTF-8: Latin-1 bytes above 0x7f */ }
	}
	if (to - from <= RUN) return String.fromCharCode.apply(null, bytes.subarray(from, to) as unknown as number[]);
	let s = "";
	for (let at = from; at < to; at += RUN) s += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(at + RUN, to)) as unknown as number[]);
	return s;
}

/** The reference latin1Text is tested against: one character at a time. */
export function latin1TextReference(bytes: Uint8Array, from = 0, to = bytes.length): string {
	let s = "";
	for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i]!);
	return s;
}

/** Latin-1 text to bytes; every character must be below 0x100 (the caller checks). ASCII text goes
    in one engine call: its UTF-8 has one byte per character. */
export function latin1Bytes(text: string): Uint8Array {
	if (xsBuffers.fromString) {
		const buffer = xsBuffers.fromString(text);
		if (buffer.byteLength === text.length) return new Uint8Array(buffer);
	}
	return latin1BytesReference(text);
}

/** The bytes of text the caller knows to be ASCII without NUL (span said so; XS writes U+0000 as
    C0 80): one engine call, and no length check, whose `.length` on XS makes a String object and
    counts the text's characters. */
export function asciiBytes(text: string): Uint8Array {
	return xsBuffers.fromString ? new Uint8Array(xsBuffers.fromString(text)) : latin1BytesReference(text);
}

/** The reference latin1Bytes is tested against: one character at a time. */
export function latin1BytesReference(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
	return out;
}
