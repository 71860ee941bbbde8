// An HTTP/1.1 response parser fed bytes as they arrive, split anywhere: status line and headers
// within a fixed budget, then the body as views of the fed chunks (never gathered), framed by
// Content-Length, chunked transfer coding, or the end of the connection. 1xx answers are skipped.
// Anything malformed is an HttpError, and the parser stays failed. No IO here.

import { latin1Text, pattern, spanBytes, unitSet } from "../../bytes/index.js";
import { HttpError, HttpErrorKind } from "./error.js";

const TOKEN = pattern(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
// a reason phrase: HTAB, SP, VCHAR, obs-text (RFC 9112 4); a head line is Latin-1, nothing above 0xff
const REASON = pattern(/^[\t\x20-\x7e\x80-\xff]*$/);
const DIGITS_3 = pattern(/^[0-9]{3}$/);
const CONTENT_LENGTH = pattern(/^[0-9]{1,15}$/);

export interface ResponseHead {
	status: number;
	reason: string;
	/** header names in lower case, in arrival order; repeated headers appear repeatedly */
	headers: [name: string, value: string][];
	/** the connection may carry another request after this response */
	keepAlive: boolean;
}

export interface ResponseHandler {
	onHead(head: ResponseHead): void;
	/** a view into the fed chunk, valid only during the call */
	onBody(bytes: Uint8Array): void;
	onEnd(): void;
}

export interface ParserLimits {
	/** bytes of status line and headers together (default 4096) */
	headBytes?: number;
	/** header fields (default 32) */
	headers?: number;
}

const enum S { Status = 1, Header, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailer, UntilClose, Done, Failed }
const enum C { LF = 0x0a, CR = 0x0d, Colon = 0x3a, Semicolon = 0x3b, Space = 0x20, Tab = 0x09 }

const NOT_LF = unitSet("\n", true);	// what a head line runs on: span finds its end
const MAX_CHUNK_DIGITS = 8;	// 4 GiB less one: more is no chunk a device takes

export class ResponseParser {
	#handler: ResponseHandler;
	/** a head line cut between two pieces, gathered; made the first time one is (most heads come whole) */
	#line: Uint8Array | undefined;
	#headBudget: number;
	#lineLength = 0;
	#headBytes = 0;
	#maxHeaders: number;
	#state = S.Status;
	#head: ResponseHead | undefined;
	#remaining = 0;		// body or chunk bytes still to come
	#chunkDigits = 0;
	#inExtension = false;
	#noBody = false;
	#error: HttpError | undefined;

	constructor(handler: ResponseHandler, limits: ParserLimits = {}) {
		this.#handler = handler;
		this.#headBudget = limits.headBytes ?? 4096;
		this.#maxHeaders = limits.headers ?? 32;
	}

	/** Prepares for the next response on the same connection; a HEAD request's response has no body. */
	reset(method = "GET"): void {
		this.#state = S.Status;
		this.#lineLength = 0;
		this.#headBytes = 0;
		this.#head = undefined;
		this.#error = undefined;
		this.#noBody = method === "HEAD";
	}

	get done(): boolean {
		return this.#state === S.Done;
	}

	/** Takes the next bytes; returns how many belong to this response (the rest is the next one's, or junk). */
	feed(bytes: Uint8Array): number {
		if (this.#error) throw this.#error;
		try {
			return this.#feed(bytes);
		}
		catch (e) {
			this.#state = S.Failed;
			this.#error = e instanceof HttpError ? e : new HttpError(HttpErrorKind.Malformed, String(e));
			throw this.#error;
		}
	}

	/** The connection ended: completes a body that runs until the close, or fails mid-response. */
	end(): void {
		if (this.#error) throw this.#error;
		if (this.#state === S.UntilClose) {
			this.#state = S.Done;
			this.#handler.onEnd();
			return;
		}
		if (this.#state === S.Done) return;
		const where = this.#state === S.Status && this.#headBytes === 0 ? "before any response" : this.#state <= S.Header ? "in the response headers" : "mid-body";
		this.#state = S.Failed;
		this.#error = new HttpError(HttpErrorKind.Closed, `the server closed the connection ${where}`);
		throw this.#error;
	}

	#feed(bytes: Uint8Array): number {
		let i = 0;
		const n = bytes.length;
		while (i < n) {
			switch (this.#state) {
			case S.Status:
			case S.Header:
			case S.Trailer: {
				// a whole line at a time: span finds the LF in C (on XS an index read in JavaScript is a
				// call, and a typed array's indexOf reads every element through the engine)
				const lf = spanBytes(bytes, NOT_LF, i);
				const end = lf < 0 ? n : lf;
				this.#headBytes += (lf < 0 ? n : lf + 1) - i;
				if (this.#headBytes > this.#headBudget) throw new HttpError(HttpErrorKind.TooLarge, `response headers exceed ${this.#headBudget} bytes`);
				let line: string;
				if (lf >= 0 && this.#lineLength === 0) {
					// the whole line is in this piece: no copy
					if (lf === i || bytes[lf - 1] !== C.CR) throw new HttpError(HttpErrorKind.Malformed, "a header line does not end in CR LF");
					line = latin1Text(bytes, i, lf - 1);
				}
				else {
					const gathered = this.#line ??= new Uint8Array(this.#headBudget);
					if (end > i) gathered.set(end === n && i === 0 ? bytes : bytes.subarray(i, end), this.#lineLength);
					this.#lineLength += end - i;
					if (lf < 0) { i = n; break; }
					if (this.#lineLength === 0 || gathered[this.#lineLength - 1] !== C.CR) throw new HttpError(HttpErrorKind.Malformed, "a header line does not end in CR LF");
					line = latin1Text(gathered, 0, this.#lineLength - 1);
				}
				i = lf + 1;
				this.#lineLength = 0;
				if (this.#state === S.Status) this.#statusLine(line);
				else if (this.#state === S.Header) this.#headerLine(line);
				else if (line === "") this.#finish();
				break;
			}
			case S.Length:
			case S.ChunkData:
			case S.UntilClose: {
				const take = this.#state === S.UntilClose ? n - i : Math.min(this.#remaining, n - i);
				const view = take === n ? bytes : bytes.subarray(i, i + take);	// a whole read of body: no view to make
				i += take;
				this.#remaining -= take;
				this.#handler.onBody(view);
				if (this.#state === S.Length && this.#remaining === 0) this.#finish();
				else if (this.#state === S.ChunkData && this.#remaining === 0) { this.#state = S.ChunkDataEnd; this.#lineLength = 0; }
				break;
			}
			case S.ChunkDataEnd: {
				const b = bytes[i++]!;
				if (this.#lineLength === 0 && b === C.CR) { this.#lineLength = 1; break; }
				if (this.#lineLength === 1 && b === C.LF) { this.#startChunk(); break; }
				throw new HttpError(HttpErrorKind.Malformed, "chunk data is not followed by CR LF");
			}
			case S.ChunkSize: {
				const b = bytes[i++]!;
				if (++this.#headBytes > this.#headBudget) throw new HttpError(HttpErrorKind.TooLarge, `a chunk-size line exceeds ${this.#headBudget} bytes`);
				if (b === C.LF) {
					if (this.#lineLength !== 1 || this.#chunkDigits === 0) throw new HttpError(HttpErrorKind.Malformed, "a chunk-size line is not hex digits ending in CR LF");
					if (this.#remaining === 0) {
						this.#state = S.Trailer;
						this.#lineLength = 0;
						this.#headBytes = 0;
					}
					else this.#state = S.ChunkData;
					break;
				}
				if (this.#lineLength === 1) throw new HttpError(HttpErrorKind.Malformed, "a chunk-size line has a bare CR");
				if (b === C.CR) { this.#lineLength = 1; break; }
				if (this.#inExtension) break;	// chunk extensions are ignored (RFC 9112 7.1.1)
				if (b === C.Semicolon && this.#chunkDigits > 0) { this.#inExtension = true; break; }
				const digit = hexDigit(b);
				if (digit < 0) throw new HttpError(HttpErrorKind.Malformed, `chunk size has a byte 0x${b.toString(16)} that is no hex digit`);
				if (++this.#chunkDigits > MAX_CHUNK_DIGITS) throw new HttpError(HttpErrorKind.TooLarge, "chunk size beyond 8 hex digits");
				this.#remaining = this.#remaining * 16 + digit;
				break;
			}
			case S.Done:
				return i;
			default:
				throw this.#error ?? new HttpError(HttpErrorKind.Malformed, "parser failed");
			}
		}
		return i;
	}

	#statusLine(line: string): void {
		const m = parseStatusLine(line);
		if (!m) throw new HttpError(HttpErrorKind.Malformed, `not an HTTP/1.x status line: ${JSON.stringify(line.slice(0, 40))}`);
		this.#head = { status: m.status, reason: m.reason, headers: [], keepAlive: m.minor === 1 };
		this.#state = S.Header;
	}

	#headerLine(line: string): void {
		const head = this.#head!;
		if (line === "") { this.#startBody(head); return; }
		if (line.charCodeAt(0) === C.Space || line.charCodeAt(0) === C.Tab) throw new HttpError(HttpErrorKind.Malformed, "obsolete header line folding");
		const colon = line.indexOf(":");
		if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw new HttpError(HttpErrorKind.Malformed, `not a header field: ${JSON.stringify(line.slice(0, 40))}`);
		if (head.headers.length === this.#maxHeaders) throw new HttpError(HttpErrorKind.TooLarge, `more than ${this.#maxHeaders} response headers`);
		head.headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
	}

	#startBody(head: ResponseHead): void {
		if (head.status >= 100 && head.status < 200) {
			if (head.status === 101) throw new HttpError(HttpErrorKind.Malformed, "101 Switching Protocols was not asked for");
			this.#state = S.Status;	// 100 Continue and the like: the real answer follows
			this.#headBytes = 0;
			return;
		}
		let length = -1, chunked = false;
		const headers = head.headers;
		for (let i = 0; i < headers.length; i++) {
			const name = headers[i]![0], value = headers[i]![1];	// no iterator, no destructuring: each is one on XS
			if (name === "connection" && listsToken(value, "close")) head.keepAlive = false;
			else if (name === "connection" && listsToken(value, "keep-alive")) head.keepAlive = true;
			else if (name === "transfer-encoding") {
				if (!listsToken(value, "chunked", true)) throw new HttpError(HttpErrorKind.Malformed, `transfer coding "${value}" is not supported: only chunked`);
				chunked = true;
			}
			else if (name === "content-length") {
				if (!CONTENT_LENGTH.test(value)) throw new HttpError(HttpErrorKind.Malformed, `Content-Length "${value.slice(0, 20)}" is not a number`);
				if (length >= 0 && Number(value) !== length) throw new HttpError(HttpErrorKind.Malformed, "two different Content-Length headers");
				length = Number(value);
			}
		}
		if (chunked && length >= 0) throw new HttpError(HttpErrorKind.Malformed, "both Content-Length and chunked: the framing is ambiguous");
		this.#handler.onHead(head);
		if (this.#noBody || head.status === 204 || head.status === 304) this.#finish();
		else if (chunked) this.#startChunk();
		else if (length >= 0) {
			this.#remaining = length;
			this.#state = S.Length;
			if (length === 0) this.#finish();
		}
		else {
			head.keepAlive = false;
			this.#state = S.UntilClose;
		}
	}

	#startChunk(): void {
		this.#state = S.ChunkSize;
		this.#remaining = 0;
		this.#chunkDigits = 0;
		this.#lineLength = 0;
		this.#headBytes = 0;
		this.#inExtension = false;
	}

	#finish(): void {
		this.#state = S.Done;
		this.#handler.onEnd();
	}
}

function hexDigit(b: number): number {
	if (b >= 0x30 && b <= 0x39) return b - 0x30;
	if (b >= 0x61 && b <= 0x66) return b - 0x57;
	if (b >= 0x41 && b <= 0x46) return b - 0x37;
	return -1;
}

/** A status line, `HTTP/1.x NNN reason` (RFC 9112 4; the reason and its space may be absent): its
    parts, or undefined. Written out rather than a regular expression: see modules/bytes/pattern.ts. */
export function parseStatusLine(line: string): { minor: 0 | 1; status: number; reason: string } | undefined {
	if (line.length < 12 || !line.startsWith("HTTP/1.") || line.charCodeAt(8) !== C.Space) return undefined;
	const minor = line.charCodeAt(7) - 0x30;
	if (minor !== 0 && minor !== 1) return undefined;
	const status = line.slice(9, 12);
	if (!DIGITS_3.test(status)) return undefined;
	if (line.length === 12) return { minor, status: Number(status), reason: "" };
	if (line.charCodeAt(12) !== C.Space || !REASON.test(line.slice(13))) return undefined;
	return { minor, status: Number(status), reason: line.slice(13) };
}

/** Whether a comma-separated header value names token (without case, whitespace around it
    trimmed): anywhere in the list, or only as its last member. */
export function listsToken(value: string, token: string, last = false): boolean {
	const members = value.split(",");
	for (let i = last ? members.length - 1 : 0; i < members.length; i++) if (members[i]!.trim().toLowerCase() === token) return true;
	return false;
}
