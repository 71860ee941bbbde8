// The bytes of an HTTP/1.1 request head, and the chunked transfer coding for bodies of unknown
// length. Values are checked so that no header can smuggle a CR or LF into the head.

const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;

export interface RequestHead {
	method: string;
	/** origin-form: "/path?query" */
	target: string;
	host: string;
	headers?: readonly [name: string, value: string][];
	/** the body's length, or "chunked" when it streams without one, or undefined for no body */
	length?: number | "chunked";
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x20-\x7e\x80-\xff\t]*$/;

// XS's own string-to-UTF-8 conversion, in C (the device's and the sim host's engines have it; Node
// does not). For ASCII text UTF-8 is the Latin-1 bytes, one per character; called as a method (XS 17).
const xsBuffers = ArrayBuffer as unknown as { fromString?: (text: string) => ArrayBuffer };

/** Latin-1/ASCII text to bytes; every character must be below 0x100 (checked by the callers).
    ASCII text (as much as is sent) goes in one engine call: UTF-8 one byte per character says so. */
export function ascii(text: string): Uint8Array {
	if (xsBuffers.fromString) {
		const buffer = xsBuffers.fromString(text);
		if (buffer.byteLength === text.length) return new Uint8Array(buffer);
	}
	return asciiReference(text);
}

/** The reference ascii is tested against: one character at a time. */
export function asciiReference(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
	return out;
}

export function requestHead(r: RequestHead): Uint8Array {
	if (!TOKEN.test(r.method)) throw new TypeError(`method "${r.method}" is not an HTTP token`);
	if (!ORIGIN_FORM.test(r.target)) throw new TypeError("request target must start with / and hold no spaces or controls (percent-encode them)");
	let head = `${r.method} ${r.target} HTTP/1.1\r\n`;
	const put = (name: string, value: string): void => {
		if (!TOKEN.test(name)) throw new TypeError(`header name "${name}" is not an HTTP token`);
		if (!VALUE.test(value)) throw new TypeError(`header ${name} holds a control character (CR, LF or another)`);
		head += `${name}: ${value}\r\n`;
	};
	put("Host", r.host);
	const headers = r.headers ?? [];
	for (let i = 0; i < headers.length; i++) {
		const name = headers[i]![0], value = headers[i]![1];	// no iterator: each is one on XS
		const lower = name.toLowerCase();
		if (lower === "host" || lower === "content-length" || lower === "transfer-encoding") throw new TypeError(`header ${name} is set by the client itself`);
		put(name, value);
	}
	if (r.length === "chunked") put("Transfer-Encoding", "chunked");
	else if (r.length !== undefined) {
		if (!Number.isSafeInteger(r.length) || r.length < 0) throw new RangeError(`body length ${r.length} is not a byte count`);
		put("Content-Length", String(r.length));
	}
	return ascii(`${head}\r\n`);
}

/** The line before a chunk of `length` bytes (the chunk is followed by chunkEnd()). */
export function chunkPrefix(length: number): Uint8Array {
	if (!(length > 0)) throw new RangeError("a chunk has at least one byte; end the body with lastChunk()");
	return ascii(`${length.toString(16)}\r\n`);
}

/** CR LF after each chunk's bytes (a fresh array: nothing mutable at module level). */
export function chunkEnd(): Uint8Array {
	return ascii("\r\n");
}

/** The zero-length chunk that ends a chunked body (no trailers). */
export function lastChunk(): Uint8Array {
	return ascii("0\r\n\r\n");
}
