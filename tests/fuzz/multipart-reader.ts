// A strict multipart/form-data reader (RFC 2046 framing) for tests and the development server: it
// checks what MultipartWriter produces. The client never reads multipart, so this lives in tests.
// Malformed bodies are DmError(400) at the offending byte offset.
import { DmError } from "../../modules/dm/error.js";
import { decodeUtf8, encodeUtf8 } from "../../modules/bytes/index.js";

export interface Part { name?: string; contentType: string; body: Uint8Array }

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
	outer: for (let i = from; i + needle.length <= hay.length; i++) {
		for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
		return i;
	}
	return -1;
}

function startsAt(hay: Uint8Array, needle: Uint8Array, at: number): boolean {
	return at + needle.length <= hay.length && indexOf(hay.subarray(at, at + needle.length), needle, 0) === 0;
}

const CRLF = Uint8Array.of(13, 10);
const DISPOSITION = /^Content-Disposition: form-data(?:; name="([0-9]+)")?$/;
const TYPE = /^Content-Type: ([!-~]+(?:; ?[!-~]+)*)$/;

/** Splits a body into its parts; each part needs its Content-Disposition and Content-Type, in that order. */
export function readMultipart(body: Uint8Array, boundary: string): Part[] {
	const first = encodeUtf8(`--${boundary}\r\n`);
	const delimiter = encodeUtf8(`\r\n--${boundary}`);
	if (!startsAt(body, first, 0)) throw new DmError(400, "multipart: the body does not start with the boundary", 0);
	const parts: Part[] = [];
	let at = first.length;
	for (;;) {
		const headersEnd = indexOf(body, encodeUtf8("\r\n\r\n"), at);
		if (headersEnd < 0) throw new DmError(400, "multipart: a part's headers do not end", at);
		const headerText = decodeUtf8(body.subarray(at, headersEnd));
		if (headerText === undefined) throw new DmError(400, "multipart: headers are not UTF-8", at);
		const lines = headerText.split("\r\n");
		const disposition = DISPOSITION.exec(lines[0]!);
		const type = lines.length === 2 ? TYPE.exec(lines[1]!) : null;
		if (!disposition || !type) throw new DmError(400, "multipart: a part needs exactly Content-Disposition then Content-Type", at);
		const start = headersEnd + 4;
		const end = indexOf(body, delimiter, start);
		if (end < 0) throw new DmError(400, "multipart: a part does not end with the boundary", start);
		const part: Part = { contentType: type[1]!, body: body.subarray(start, end) };
		if (disposition[1] !== undefined) part.name = disposition[1];
		parts.push(part);
		at = end + delimiter.length;
		if (startsAt(body, encodeUtf8("--\r\n"), at)) {
			if (at + 4 !== body.length) throw new DmError(400, "multipart: data after the closing boundary", at + 4);
			return parts;
		}
		if (!startsAt(body, CRLF, at)) throw new DmError(400, "multipart: a boundary line does not end with CRLF", at);
		at += 2;
	}
}
