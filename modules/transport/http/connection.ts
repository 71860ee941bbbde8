// One HTTP/1.1 connection to one server, over any ECMA-419-shaped stream socket (the secure socket
// in production, plain TCP in development mode): requests one at a time, kept alive between the
// packages of a DM session, bodies pulled from and pushed to the caller in pieces, a 401 answered
// once with Basic or Digest credentials, and a time-out on each exchange. Every failure reaches
// onError as an HttpError (or the socket's own Error) and closes the connection.

import { basicAuthorization, digestAuthorization, parseDigestChallenge, type Credentials } from "./auth.js";
import { HttpError, HttpErrorKind } from "./error.js";
import { chunkEnd, chunkPrefix, lastChunk, requestHead } from "./request.js";
import { ResponseParser, type ParserLimits, type ResponseHead } from "./response-parser.js";
import type { TimerHandle, Timers } from "../../time/index.js";
import { pattern } from "../../bytes/index.js";

const BASIC = pattern(/^\s*Basic(\s|$)/i);

export interface StreamSocket {
	/** ECMA-419's read(buffer): fills `into` with bytes the socket holds (no more than onReadable's
	    count is asked) and says how many; the buffer is the caller's, the socket allocates nothing */
	read(into: Uint8Array): number | undefined;
	write(bytes: Uint8Array): void;
	close(): void;
}

export interface SocketCallbacks {
	onReadable(count: number): void;
	onWritable(count: number): void;
	onError(error?: Error): void;
}

export interface RequestBody {
	/** bytes in all, or "chunked" when unknown */
	length: number | "chunked";
	/** fills `into` with the next bytes and returns how many; 0 ends the body; undefined: none
	    yet, the producer calls the connection's bodyReady() once it has more */
	pull(into: Uint8Array): number | undefined;
	/** starts again from the first byte, for the retry a 401 needs; without it a 401 is final */
	rewind?(): void;
}

export interface Request {
	method: string;
	target: string;
	headers?: readonly [string, string][];
	body?: RequestBody;
}

export interface ResponseCallbacks {
	onHead(head: ResponseHead): void;
	/** A view into the buffer the socket read this piece into (the one copy is the socket's read).
	    `lent` false: a buffer for this piece alone, never written again, so the callee may keep it.
	    `lent` true (only while lends() says so): the connection's own buffer, read into again after
	    the call returns, so the callee uses the bytes during the call or copies them. */
	onBody(bytes: Uint8Array, lent: boolean): void;
	/** Whether the next read may go into the connection's own buffer: the callee then takes each
	    piece during onBody alone. Absent or false: a fresh buffer per read (the reference path). */
	lends?(): boolean;
	onEnd(): void;
	onError(error: Error): void;
}

export interface ConnectionOptions {
	/** opens the socket with these callbacks (e.g. a SecureSocket to the DM server) */
	connect(callbacks: SocketCallbacks): StreamSocket;
	/** the Host header */
	host: string;
	/** milliseconds an exchange may go without progress (default 30000) */
	timeout?: number;
	/** the host's timers (the no-progress time-out) */
	timers: Timers;
	credentials?: Credentials;
	/** a fresh client nonce for Digest, from the device's random source */
	cnonce?: () => string;
	limits?: ParserLimits;
	/** bytes pulled from a body per write, and read from the socket at a time (default 1024) */
	bodyPiece?: number;
}

const enum Stage { Head = 1, Body, Response }

interface Exchange {
	request: Request;
	callbacks: ResponseCallbacks;
	stage: Stage;
	head: Uint8Array;
	headSent: number;
	authorized: boolean;	// Authorization sent: a second 401 is final
	discard: boolean;		// a 401 being answered: its body is read and dropped
	retry: string | undefined;
	pending: Uint8Array | undefined;	// body bytes pulled but not yet written
	ended: boolean;
}

export class HttpConnection {
	#o: ConnectionOptions;
	#socket: StreamSocket | undefined;
	#exchange: Exchange | undefined;
	#timer: TimerHandle | undefined;
	#writable = 0;
	#parser: ResponseParser;
	#nc = 0;
	#keepAlive = true;
	#piece: Uint8Array;
	#rx: Uint8Array | undefined;	// the buffer lent reads go into, made on the first, then reused
	#lent = false;		// the piece being parsed is in #rx
	#unread = 0;		// bytes the socket said it holds that have not been read
	#paused = false;	// the caller's response buffer is full: leave the bytes in the socket

	constructor(options: ConnectionOptions) {
		this.#o = options;
		this.#piece = new Uint8Array(options.bodyPiece ?? 1024);
		this.#parser = new ResponseParser({
			onHead: (h) => this.#onHead(h),
			onBody: (b) => { const x = this.#exchange; if (x && !x.discard) x.callbacks.onBody(b, this.#lent); },
			onEnd: () => this.#onEnd(),
		}, options.limits);
	}

	/** true while a request is in flight */
	get busy(): boolean {
		return this.#exchange !== undefined;
	}

	request(request: Request, callbacks: ResponseCallbacks): void {
		if (this.#exchange) throw new Error("a request is in flight: wait for its onEnd or onError");
		this.#start({ request, callbacks, stage: Stage.Head, head: new Uint8Array(0), headSent: 0, authorized: false, discard: false, retry: undefined, pending: undefined, ended: false }, undefined);
	}

	/** The caller's body producer has more bytes after a pull() that returned undefined. */
	bodyReady(): void {
		const x = this.#exchange;
		if (x && (x.stage === Stage.Body || (x.stage === Stage.Head && x.headSent === 0))) this.#send();
	}

	/** Stops taking response bytes from the socket (and the time-out with it: the caller is slow, not the server). */
	pause(): void {
		if (this.#paused) return;
		this.#paused = true;
		this.#disarm();
	}

	/** Takes response bytes again, those the socket already holds first. */
	resume(): void {
		if (!this.#paused) return;
		this.#paused = false;
		if (this.#exchange) this.#arm();
		this.#take();
	}

	/** Closes the connection; a request in flight ends with nothing more said. */
	close(): void {
		this.#exchange = undefined;
		this.#drop();
	}

	#start(x: Exchange, authorization: string | undefined): void {
		// the caller's headers as they are (no copy, no iterator), Authorization after them when answering a 401
		const headers: readonly [string, string][] = authorization ? (x.request.headers ?? []).concat([["Authorization", authorization]]) : x.request.headers ?? [];
		const head: { method: string; target: string; host: string; headers: readonly [string, string][]; length?: number | "chunked" } = { method: x.request.method, target: x.request.target, host: this.#o.host, headers };
		if (x.request.body) head.length = x.request.body.length;
		x.head = requestHead(head);
		x.headSent = 0;
		x.stage = Stage.Head;
		x.ended = false;
		x.pending = undefined;
		this.#exchange = x;
		this.#paused = false;
		this.#parser.reset(x.request.method);
		this.#arm();
		if (!this.#socket) {
			this.#writable = 0;
			this.#socket = this.#o.connect({
				onReadable: (count) => this.#readable(count),
				onWritable: (count) => { this.#writable = count; this.#send(); },
				onError: (e) => this.#lost(e),
			});
		}
		else this.#send();
	}

	#send(): void {
		const x = this.#exchange, socket = this.#socket;
		if (!x || !socket) return;
		try {
			if (x.stage === Stage.Head && x.headSent === 0 && x.request.body && this.#headWithBody(x, socket)) return;
			if (x.stage === Stage.Head) {
				const n = Math.min(this.#writable, x.head.length - x.headSent);
				if (n > 0) {
					socket.write(x.head.subarray(x.headSent, x.headSent + n));
					x.headSent += n;
					this.#writable -= n;
					this.#arm();
				}
				if (x.headSent < x.head.length) return;
				x.stage = x.request.body ? Stage.Body : Stage.Response;
			}
			if (x.stage === Stage.Body) this.#sendBody(x, socket);
		}
		catch (e) {
			this.#fail(e instanceof Error ? e : new Error(String(e)));
		}
	}

	/** The head and the body's first piece in one write, laid out in #piece (no allocation): one
	    TLS record and one TCP write where there were two. Returns true when #send has nothing more
	    to do now; false when the head does not fit the piece, and goes alone as before. */
	#headWithBody(x: Exchange, socket: StreamSocket): boolean {
		const body = x.request.body!, head = x.head, piece = this.#piece;
		const chunked = body.length === "chunked";
		const reserve = chunked ? piece.length.toString(16).length + 2 : 0;	// the chunk-size line, at most
		const at = head.length + reserve;
		const room = Math.min(piece.length, this.#writable) - at - (chunked ? 2 : 0);
		if (room <= 0) return false;
		const n = body.pull(piece.subarray(at, at + room));
		if (n === undefined) return true;	// bodyReady() sends head and body together
		let from = at, to = at + n;
		if (n === 0) {
			x.ended = true;	// an empty body: its last chunk (chunked) follows in #sendBody
			if (chunked) x.pending = lastChunk();
		}
		else if (chunked) {
			const prefix = chunkPrefix(n);
			from -= prefix.length;
			piece.set(prefix, from);
			piece[to++] = 0x0d;
			piece[to++] = 0x0a;
		}
		from -= head.length;
		piece.set(head, from);
		socket.write(piece.subarray(from, to));
		this.#writable -= to - from;
		x.headSent = head.length;
		x.stage = Stage.Body;
		this.#arm();
		this.#sendBody(x, socket);
		return true;
	}

	#sendBody(x: Exchange, socket: StreamSocket): void {
		const body = x.request.body!;
		const chunked = body.length === "chunked";
		const framing = chunked ? 12 : 0;	// hex size, CR LF before and after
		while (this.#writable > framing) {
			if (!x.pending) {
				if (x.ended) break;
				const n = body.pull(this.#piece.subarray(0, Math.min(this.#piece.length, this.#writable - framing)));
				if (n === undefined) return;	// bodyReady() sends on
				if (n === 0) {
					x.ended = true;
					if (chunked) x.pending = lastChunk();
					else break;
				}
				else {
					const bytes = this.#piece.subarray(0, n);
					x.pending = chunked ? concat(chunkPrefix(n), bytes, chunkEnd()) : bytes;
				}
			}
			if (x.pending.length > this.#writable) return;
			socket.write(x.pending);
			this.#writable -= x.pending.length;
			x.pending = undefined;
			this.#arm();
		}
		if (x.ended && !x.pending) x.stage = Stage.Response;
	}

	#readable(count: number): void {
		this.#unread = count;
		this.#take();
	}

	/** Reads the socket a piece at a time, so that pause() from a body callback holds the rest back.
	    Each read goes into a buffer the connection gives the socket (ECMA-419's read(buffer)): its
	    own #rx, again and again, while the callee takes pieces during onBody alone (lends(), or a
	    401's body that is dropped); otherwise a fresh one per read, which the callee may keep. */
	#take(): void {
		while (this.#unread > 0 && !this.#paused) {
			const socket = this.#socket;
			if (!socket) { this.#unread = 0; return; }
			const x = this.#exchange;
			const want = Math.min(this.#unread, this.#piece.length);
			const lent = x !== undefined && (x.discard || x.callbacks.lends?.() === true);
			const rx = lent ? this.#rx ??= new Uint8Array(this.#piece.length) : undefined;
			const into = !rx ? new Uint8Array(want) : want === rx.length ? rx : rx.subarray(0, want);
			const n = socket.read(into) ?? 0;
			if (n <= 0) { this.#unread = 0; return; }
			this.#unread -= n;
			if (!this.#exchange) {
				this.#fail(new HttpError(HttpErrorKind.Malformed, "the server sent bytes no request asked for"));
				return;
			}
			this.#arm();
			try {
				const view = n === into.length ? into : into.subarray(0, n);
				this.#lent = lent;
				const used = this.#parser.feed(view);
				if (used < view.length && this.#socket) throw new HttpError(HttpErrorKind.Malformed, "the server sent bytes after its response");
			}
			catch (e) {
				this.#fail(e instanceof Error ? e : new Error(String(e)));
				return;
			}
			finally {
				this.#lent = false;
			}
		}
	}

	#onHead(head: ResponseHead): void {
		const x = this.#exchange!;
		this.#keepAlive = head.keepAlive;
		// one retry with credentials; a second 401 goes to the caller, whose session maps it (5.6)
		if (head.status === 401 && !x.authorized && this.#o.credentials && (!x.request.body || x.request.body.rewind)) {
			x.retry = this.#authorization(head, x.request);
			if (x.retry) { x.discard = true; return; }
		}
		x.callbacks.onHead(head);
	}

	#authorization(head: ResponseHead, request: Request): string | undefined {
		const credentials = this.#o.credentials!;
		let basic = false;
		for (const [name, value] of head.headers) {
			if (name !== "www-authenticate") continue;
			const digest = credentials.scheme === "Basic" ? undefined : parseDigestChallenge(value);
			if (digest) {
				if (!this.#o.cnonce) throw new HttpError(HttpErrorKind.Unauthorized, "a Digest challenge needs a cnonce source (ConnectionOptions.cnonce)");
				return digestAuthorization(credentials, digest, request.method, request.target, this.#o.cnonce(), ++this.#nc);
			}
			if (BASIC.test(value)) basic = true;
		}
		return basic && credentials.scheme !== "Digest" ? basicAuthorization(credentials) : undefined;
	}

	#onEnd(): void {
		const x = this.#exchange!;
		if (!this.#keepAlive) this.#drop();
		if (x.discard && x.retry) {
			const authorization = x.retry;
			x.discard = false;
			x.retry = undefined;
			x.authorized = true;
			x.request.body?.rewind?.();
			// the next request goes out after this parse returns
			Promise.resolve().then(() => { if (this.#exchange === x) this.#start(x, authorization); });
			return;
		}
		this.#disarm();
		this.#exchange = undefined;
		x.callbacks.onEnd();
	}

	#lost(e?: Error): void {
		// (both sockets report the end only after the last buffered byte was read, so a pause loses nothing)
		this.#socket?.close();
		this.#socket = undefined;
		this.#unread = 0;
		const x = this.#exchange;
		if (!x) return;
		try {
			this.#parser.end();	// completes a body that runs until the close
		}
		catch (error) {
			this.#fail(e && x.stage !== Stage.Response ? e : error as Error);
		}
	}

	#fail(error: Error): void {
		const x = this.#exchange;
		this.#exchange = undefined;
		this.#disarm();
		this.#drop();
		x?.callbacks.onError(error);
	}

	#drop(): void {
		const socket = this.#socket;
		this.#socket = undefined;
		this.#unread = 0;
		this.#disarm();
		socket?.close();
	}

	#arm(): void {
		this.#disarm();
		this.#timer = this.#o.timers.set(this.#o.timeout ?? 30000, () => {
			this.#timer = undefined;
			this.#fail(new HttpError(HttpErrorKind.Timeout, `no answer from ${this.#o.host} within ${this.#o.timeout ?? 30000} ms`));
		});
	}

	#disarm(): void {
		if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
		this.#timer = undefined;
	}
}

function concat(...parts: Uint8Array[]): Uint8Array {
	let length = 0;
	for (let i = 0; i < parts.length; i++) length += parts[i]!.length;
	const out = new Uint8Array(length);
	for (let i = 0, at = 0; i < parts.length; i++) { out.set(parts[i]!, at); at += parts[i]!.length; }
	return out;
}
