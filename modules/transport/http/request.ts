// The bytes of an HTTP/1.1 request head, and the chunked transfer coding for bodies of unknown
// length. Values are checked so that no header can smuggle a CR or LF into the head.
import { latin1Bytes, pattern } from "../../bytes/index.js";

const VISIBLE = pattern(/^[\x21-\x7e]+$/);	// the origin form: / then visible ASCII (no spaces, no controls)

export interface RequestHead {
	method: string;
	/** origin-form: "/path?query" */
	target: string;
	host: string;
	headers?: readonly [name: string, value: string][];
	/** the body's length, or "chunked" when it streams without one, or undefined for no body */
	length?: number | "chunked";
}

const TOKEN = pattern(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
const VALUE = pattern(/^[\x20-\x7e\x80-\xff\t]*$/);

export function requestHead(r: RequestHead): Uint8Array {
	if (!TOKEN.test(r.method)) throw new TypeError(`method "${r.method}" is not an HTTP token`);
	if (r.target.charCodeAt(0) !== 0x2f || !VISIBLE.test(r.target)) throw new TypeError("request target must start with / and hold no spaces or controls (percent-encode them)");
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
	return latin1Bytes(`${head}\r\n`);
}

/** The line before a chunk of `length` bytes (the chunk is followed by chunkEnd()). */
export function chunkPrefix(length: number): Uint8Array {
	if (!(length > 0)) throw new RangeError("a chunk has at least one byte; end the body with lastChunk()");
	return latin1Bytes(`${length.toString(16)}\r\n`);
}

/** CR LF after each chunk's bytes (a fresh array: nothing mutable at module level). */
export function chunkEnd(): Uint8Array {
	return latin1Bytes("\r\n");
}

/** The zero-length chunk that ends a chunked body (no trailers). */
export function lastChunk(): Uint8Array {
	return latin1Bytes("0\r\n\r\n");
}
