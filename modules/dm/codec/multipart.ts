// multipart/form-data for a Package#3 with GET results (Appendix F, RFC 2046 framing), streamed.
// The first part is the Package#3, unnamed; then one part per GET answered 200, named by the GET's
// index in the Package#2 CMD array (interpretation 6). Every part we write is compact JSON (the
// Package#3, or application/dmmo+json for GET data, which Appendix F allows), and our JSON writer
// never emits a raw CR or LF, so the delimiter CRLF "--" boundary cannot occur inside a part:
// the boundary is safe by construction, whatever the data.
import { encodeUtf8, pattern } from "../../bytes/index.js";

const BOUNDARY = pattern(/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/);
const DIGITS = pattern(/^[0-9]+$/);

export type ByteSink = (bytes: Uint8Array) => void;

const BOUNDARY_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** A boundary from 16 random bytes (only its look depends on them; safety does not, see above). */
export function makeBoundary(random: Uint8Array): string {
	let b = "dm-";
	for (let i = 0; i < random.length && i < 24; i++) b += BOUNDARY_CHARS.charAt(random[i]! % BOUNDARY_CHARS.length);
	return b;
}

export class MultipartWriter {
	private parts = 0;
	private open = false;
	private ended = false;

	constructor(private readonly sink: ByteSink, readonly boundary: string) {
		if (!BOUNDARY.test(boundary)) throw new RangeError("not a valid multipart boundary");
	}

	/** The HTTP Content-Type header value for the body. */
	get contentType(): string {
		return `multipart/form-data; boundary=${this.boundary}`;
	}

	/** Starts a part; its content then goes to the same sink (e.g. through a JsonWriter). */
	beginPart(contentType: string, name?: string): void {
		if (this.open || this.ended) throw new TypeError("the previous part is still open, or the body has ended");
		if (name !== undefined && !DIGITS.test(name)) throw new RangeError("part names here are command indexes");
		const disposition = name === undefined ? "form-data" : `form-data; name="${name}"`;
		this.sink(encodeUtf8(`${this.parts ? "\r\n" : ""}--${this.boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${contentType}\r\n\r\n`));
		this.parts++;
		this.open = true;
	}

	endPart(): void {
		if (!this.open) throw new TypeError("no part is open");
		this.open = false;
	}

	end(): void {
		if (this.open || this.parts === 0 || this.ended) throw new TypeError("a multipart body needs closed parts, at least one");
		this.sink(encodeUtf8(`\r\n--${this.boundary}--\r\n`));
		this.ended = true;
	}
}
