// The HttpClient of modules/http (the contract dm/ and transport share) over the host's TCP
// socket and mbedTLS: absolute http(s) URLs, one keep-alive HttpConnection per origin (reopened when the server closed it),
// the origin's TLS session offered again on every reconnect, per-origin credentials (TLS-PSK or
// X.509 for https, Basic/Digest for a 401), host names resolved through the host's resolver.
//
// Policies, each a decision of the spec or of DESIGN.md:
// - plain http only when the client is made with `development: true` (interpretation 12);
// - one exchange at a time per origin: a new request to an origin whose previous response has not
//   been read to its end abandons it (that connection is closed, its read() rejects);
// - a redirect (301/302/303/307/308) without Location is a Malformed failure; a GET redirected
//   within its origin is followed (at most `maxRedirects` times); any other redirect, across
//   origins or of a request with a body, is handed to the caller as the response it is;
// - bodies are buffered up to `highWater` bytes each way and no further: write() says false and
//   the socket is left unread until read() catches up.
// - after a transport failure nothing is replayed: a kept-alive connection the server closes at
//   the very moment a request goes out fails that request (Closed) rather than sending again a POST
//   the server may have seen (a connection found closed before the request is simply reopened; a
//   401 answered with credentials runs the body producer again, as the retry needs the whole body).

import { TransportError, TransportFailure, type BodyWriter, type HttpClient, type HttpRequest, type HttpResponse } from "../../http/index.js";
import { SecureSocket, TLSSession, type PskCredentials, type SecureOptions, type TcpConstructor, type TcpOptions, type TcpSocket, type X509Credentials } from "../secure-socket.js";
import type { CipherSuite } from "../suites.js";
import type { Credentials } from "./auth.js";
import { HttpConnection, type RequestBody, type SocketCallbacks, type StreamSocket } from "./connection.js";
import { HttpError, HttpErrorKind } from "./error.js";
import type { ParserLimits, ResponseHead } from "./response-parser.js";
import { parseUrl, resolveLocation, type HttpUrl } from "../../http/index.js";
import type { Timers } from "../../time/index.js";

/** What the client may use to reach one origin ("https://host:port"). */
export interface OriginCredentials {
	/** https: Auth/Trsp's PSK identity and key (interpretation 11) */
	psk?: PskCredentials;
	/** https in X.509 mode: trust anchors (Ext/TrustAnchor), and the client's certificate and key if it has them */
	x509?: X509Credentials;
	/** https: a subset of PSK_SUITES or X509_SUITES in preference order (default: all of the mode's) */
	suites?: readonly CipherSuite[];
	/** https: a session saved earlier (e.g. restored from flash) to offer on the first connection */
	session?: TLSSession;
	/** https: whether to keep each connection's session for the next ("always", the default) or only
	    when resuming pays ("when-it-pays": not after a plain PSK handshake; SecureOptions.resume) */
	resume?: "always" | "when-it-pays";
	/** answered to a 401's Basic or Digest challenge, once per request */
	http?: Credentials;
}

/** The ECMA-419 DNS resolver's shape (embedded:network/dns/resolver on xsdm, lwIP's on the device). */
export interface Resolver {
	resolve(options: { host: string; onResolved: (host: string, address: string) => void; onError?: (host: string, error: Error) => void }): void;
}

export interface HttpClientOptions {
	/** the host's TCP socket class (embedded:io/socket/tcp) */
	tcp: TcpConstructor;
	/** needed for URLs with host names; numeric addresses never ask it */
	resolver?: Resolver;
	/** the credentials of an origin, asked once when the client first talks to it */
	credentials?: (origin: string) => OriginCredentials | undefined;
	/** allows plain http: URLs (interpretation 12: never in production) */
	development?: boolean;
	/** milliseconds an exchange may go without progress (default 30000) */
	timeout?: number;
	/** the host's timers (each connection's no-progress time-out) */
	timers: Timers;
	/** a fresh client nonce for Digest, from the device's random source */
	cnonce?: () => string;
	limits?: ParserLimits;
	/** bytes buffered per direction before back-pressure (default 2048) */
	highWater?: number;
	/** same-origin GET redirects followed (default 3) */
	maxRedirects?: number;
}

const REDIRECTS: readonly number[] = Object.freeze([301, 302, 303, 307, 308]);
const DRAIN_LIMIT = 4096;	// bytes of a followed redirect's body read and dropped to keep the connection

interface Origin {
	url: HttpUrl;
	credentials: OriginCredentials | undefined;
	session: TLSSession | undefined;
	address: string | undefined;
	connection: HttpConnection | undefined;
	current: Exchange | undefined;
}

export class Client implements HttpClient {
	#o: HttpClientOptions;
	#origins = new Map<string, Origin>();
	#highWater: number;

	constructor(options: HttpClientOptions) {
		if (typeof options?.tcp !== "function") throw new TypeError("HttpClient needs options.tcp: the host's TCP socket class (embedded:io/socket/tcp)");
		this.#o = options;
		this.#highWater = options.highWater ?? 2048;
	}

	async request(req: HttpRequest): Promise<HttpResponse> {
		let url: HttpUrl;
		try {
			url = parseUrl(req.url);
		}
		catch (e) {
			throw new TransportError(TransportFailure.Refused, (e as Error).message);
		}
		if (url.scheme === "http" && !this.#o.development) throw new TransportError(TransportFailure.Refused, `plain http to ${url.origin} refused: use https (plain http is allowed only when the client runs in development mode)`);
		for (let hops = 0; ; hops++) {
			const response = await this.#exchange(url, req);
			if (!REDIRECTS.includes(response.status)) return response;
			const location = response.header("location");
			if (location === undefined) {
				response.abandon();
				throw new TransportError(TransportFailure.Malformed, `${response.status} redirect from ${url.origin} without a Location header`);
			}
			let next: HttpUrl;
			try {
				next = resolveLocation(location, url);
			}
			catch (e) {
				response.abandon();
				throw new TransportError(TransportFailure.Malformed, `${response.status} redirect to an unusable Location: ${(e as Error).message}`);
			}
			if (next.origin !== url.origin || req.method !== "GET" || req.body || hops >= (this.#o.maxRedirects ?? 3)) return response;
			await response.discard(DRAIN_LIMIT);
			url = next;
		}
	}

	/** The TLS session kept for an origin ("https://host:port"), to persist (its bytes are a secret). */
	session(origin: string): TLSSession | undefined {
		return this.#origins.get(origin)?.session;
	}

	/** Closes every connection; sessions are kept for the next request. */
	close(): void {
		for (const origin of this.#origins.values()) {
			origin.current?.fail(new TransportError(TransportFailure.Closed, "the client was closed"));
			origin.current = undefined;
			origin.connection?.close();
		}
	}

	/** Not async: the host is known at every request but the first, and an async function's frame
	    is copied to the heap on XS. A throw here is request()'s rejection. */
	#exchange(url: HttpUrl, req: HttpRequest): Promise<Exchange> {
		const origin = this.#origin(url);
		if (origin.current) {
			origin.current.fail(new TransportError(TransportFailure.Closed, `abandoned: a new request to ${url.origin} was made before this response was read to its end`));
			origin.current = undefined;
			origin.connection?.close();
		}
		if (origin.address !== undefined) return this.#begin(origin, url, req);
		return this.#resolve(url).then((address) => {
			origin.address = address;
			if (origin.current) throw new TransportError(TransportFailure.Closed, `another request to ${url.origin} started while this one was resolving its host`);
			return this.#begin(origin, url, req);
		});
	}

	#begin(origin: Origin, url: HttpUrl, req: HttpRequest): Promise<Exchange> {
		const connection = origin.connection ??= this.#connection(origin);
		const x = new Exchange(connection, this.#highWater, req);
		origin.current = x;
		return x.start(url.target, () => { if (origin.current === x) origin.current = undefined; }, (failure) => {
			// a connection that could not be made may have moved: ask the resolver again next time
			if (failure === TransportFailure.Connect && !url.numeric) origin.address = undefined;
		});
	}

	#origin(url: HttpUrl): Origin {
		let origin = this.#origins.get(url.origin);
		if (!origin) {
			const credentials = this.#o.credentials?.(url.origin);
			origin = { url, credentials, session: undefined, address: url.numeric ? url.host : undefined, connection: undefined, current: undefined };
			if (url.scheme === "https") origin.session = credentials?.session ?? new TLSSession();
			this.#origins.set(url.origin, origin);
		}
		return origin;
	}

	#resolve(url: HttpUrl): Promise<string> {
		const resolver = this.#o.resolver;
		if (!resolver) return Promise.reject(new TransportError(TransportFailure.Connect, `cannot resolve "${url.host}": the client has no resolver (give options.resolver, or use a numeric address)`));
		return new Promise((resolve, reject) => {
			try {
				resolver.resolve({
					host: url.host,
					onResolved: (_host, address) => resolve(address),
					onError: (_host, error) => reject(new TransportError(TransportFailure.Connect, `cannot resolve "${url.host}": ${error?.message ?? "no address"}`)),
				});
			}
			catch (e) {
				reject(new TransportError(TransportFailure.Connect, `cannot resolve "${url.host}": ${(e as Error).message}`));
			}
		});
	}

	#connection(origin: Origin): HttpConnection {
		const o = this.#o, credentials = origin.credentials;
		const options: ConstructorParameters<typeof HttpConnection>[0] = {
			connect: (callbacks) => this.#connect(origin, callbacks),
			host: origin.url.authority,
			timeout: o.timeout ?? 30000,
			timers: o.timers,
		};
		if (credentials?.http) options.credentials = credentials.http;
		if (o.cnonce) options.cnonce = o.cnonce;
		if (o.limits) options.limits = o.limits;
		return new HttpConnection(options);
	}

	/** A new socket to the origin; its failures arrive as TransportErrors that say which stage failed. */
	#connect(origin: Origin, callbacks: SocketCallbacks): StreamSocket {
		const url = origin.url, address = origin.address!, where = `${url.authority} (${address}:${url.port})`;
		const Tcp = this.#o.tcp;
		let connected = false;
		if (url.scheme === "http") {
			return new Tcp({
				address, port: url.port, nodelay: true,
				onReadable: callbacks.onReadable,
				onWritable: (count) => { connected = true; callbacks.onWritable(count); },
				onError: () => callbacks.onError(connected
					? new TransportError(TransportFailure.Closed, `${where} closed the connection`)
					: new TransportError(TransportFailure.Connect, `cannot connect to ${where}: refused or unreachable`)),
			}) as unknown as StreamSocket;
		}
		const psk = origin.credentials?.psk, x509 = origin.credentials?.x509;
		if (!psk && !x509) throw new TransportError(TransportFailure.Tls, `no TLS credentials for ${url.origin}: give its PSK identity and key, or its trust anchors (Auth/Trsp, Ext/TrustAnchor), in options.credentials`);
		// the TCP socket under TLS, watched so that a refused connect is told apart from a failed handshake
		const Watched = function (this: unknown, o: TcpOptions): TcpSocket {
			return new Tcp({ ...o, onWritable: (count) => { connected = true; o.onWritable(count); } });
		} as unknown as TcpConstructor;
		const secure: SecureOptions = psk ? { psk } : { x509: x509! };
		if (origin.credentials?.suites) secure.suites = origin.credentials.suites;
		// SNI carries names only; in X.509 mode the certificate is checked against whatever the URL says
		if (!url.numeric || x509) secure.serverName = url.host;
		if (origin.session) secure.session = origin.session;
		if (origin.credentials?.resume) secure.resume = origin.credentials.resume;
		try {
			return this.#secure(address, url.port, Watched, secure, callbacks, where, () => connected);
		}
		catch (e) {
			// credentials mbedTLS cannot use (a trust anchor that is no certificate, a bad key): nothing was sent
			throw new TransportError(TransportFailure.Tls, `TLS with ${where} cannot start: ${(e as Error).message}`);
		}
	}

	#secure(address: string, port: number, io: TcpConstructor, secure: SecureOptions, callbacks: SocketCallbacks, where: string, connected: () => boolean): StreamSocket {
		let secured = false;
		return new SecureSocket({
			address, port, socket: { io }, secure,
			onReadable: callbacks.onReadable,
			onWritable: (count) => { secured = true; callbacks.onWritable(count); },
			onError: (error) => callbacks.onError(
				!connected() ? new TransportError(TransportFailure.Connect, `cannot connect to ${where}: refused or unreachable`)
				: !secured ? new TransportError(TransportFailure.Tls, `TLS with ${where} failed: ${error.message}`)
				: new TransportError(TransportFailure.Closed, `${where}: ${error.message}`)),
		}) as unknown as StreamSocket;
	}
}

/** Any failure of an exchange as the TransportError the session maps (5.6). */
function transportError(e: unknown): TransportError {
	if (e instanceof TransportError) return e;
	if (e instanceof HttpError) {
		switch (e.kind) {
		case HttpErrorKind.Timeout: return new TransportError(TransportFailure.Timeout, e.message);
		case HttpErrorKind.Closed: return new TransportError(TransportFailure.Closed, e.message);
		case HttpErrorKind.Unauthorized: return new TransportError(TransportFailure.Refused, e.message);
		default: return new TransportError(TransportFailure.Malformed, e.message);
		}
	}
	return new TransportError(TransportFailure.Closed, e instanceof Error ? e.message : String(e));
}

const enum State { Sending = 1, Head, Body, Ended, Failed }

/**
 * One request and its response: the bridge between the caller's async producer and pull-style
 * reads on one side, and HttpConnection's pull-style body and pushed response on the other.
 */
class Exchange implements HttpResponse {
	status = 0;
	#connection: HttpConnection;
	#highWater: number;
	#req: HttpRequest;
	#state = State.Sending;
	#head: ResponseHead | undefined;
	#error: Error | undefined;
	// request body
	#out: Uint8Array[] = [];
	#outBytes = 0;
	#written = 0;
	#produced = false;
	#starved = false;		// the connection's last pull found nothing: tell it when there is
	#generation = 0;		// a 401 retry runs the producer again; writes of the old run are dropped
	#drained: (() => void)[] = [];
	// response body
	#in: Uint8Array[] = [];
	#inBytes = 0;
	#reader: { resolve: (b: Uint8Array | undefined) => void; reject: (e: Error) => void } | undefined;
	#sink: { take: (b: Uint8Array) => void; resolve: () => void; reject: (e: unknown) => void } | undefined;
	#started: { resolve: (x: Exchange) => void; reject: (e: Error) => void } | undefined;
	#done: (() => void) | undefined;

	constructor(connection: HttpConnection, highWater: number, req: HttpRequest) {
		this.#connection = connection;
		this.#highWater = highWater;
		this.#req = req;
	}

	start(target: string, done: () => void, failed: (failure: TransportFailure) => void): Promise<Exchange> {
		this.#done = done;
		const req = this.#req;
		return new Promise((resolve, reject) => {
			this.#started = { resolve, reject };
			let body: RequestBody | undefined;
			if (req.body) {
				const length = req.bodyLength;
				if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) throw new RangeError(`bodyLength ${length} is not a byte count`);
				body = { length: length ?? "chunked", pull: (into) => this.#pull(into), rewind: () => this.#produce() };
			}
			try {
				this.#connection.request({ method: req.method, target, ...(req.headers ? { headers: req.headers.map((h) => [h[0], h[1]] as [string, string]) } : {}), ...(body ? { body } : {}) }, {
					onHead: (head) => this.#onHead(head),
					onBody: (bytes, lent) => this.#onBody(bytes, lent),
					lends: () => this.#sink !== undefined,
					onEnd: () => this.#onEnd(),
					onError: (e) => {
						const error = transportError(e);
						failed(error.failure);
						this.fail(error);
					},
				});
			}
			catch (e) {
				// a bad header or a socket that could not even be made: nothing was sent
				this.#connection.close();
				this.#state = State.Failed;
				done();
				reject(e instanceof TransportError || e instanceof TypeError || e instanceof RangeError ? e : transportError(e));
				return;
			}
			if (req.body) this.#produce();
		});
	}

	header(name: string): string | undefined {
		const lower = name.toLowerCase();
		let value: string | undefined;
		const headers = this.#head?.headers ?? [];
		for (let i = 0; i < headers.length; i++) {
			const field = headers[i]!;	// no destructuring: on XS it runs an iterator
			if (field[0] === lower) value = value === undefined ? field[1] : `${value}, ${field[1]}`;
		}
		return value;
	}

	read(): Promise<Uint8Array | undefined> {
		if (this.#reader || this.#sink) return this.#busy();
		const piece = this.#in.shift();
		if (piece) {
			this.#inBytes -= piece.length;
			if (this.#inBytes < this.#highWater && this.#state === State.Body) this.#connection.resume();
			return Promise.resolve(piece);
		}
		if (this.#state === State.Ended) return Promise.resolve(undefined);
		if (this.#state === State.Failed) return Promise.reject(this.#error!);
		return new Promise((resolve, reject) => { this.#reader = { resolve, reject }; });
	}

	/** The rest of the body to `take`, piece by piece as the socket delivers it, in the socket's
	    callback: a piece is a view of the connection's own buffer, valid during the call alone, so
	    the socket reads into that one buffer again and again, and the whole body costs one Promise.
	    A throw from `take` rejects the promise with it and pauses the rest, which a later read()
	    or pull() still gets. */
	pull(take: (bytes: Uint8Array) => void): Promise<void> {
		if (this.#reader || this.#sink) return this.#busy();
		return new Promise((resolve, reject) => {
			try {
				// pieces queued before this pull are buffers of their own
				for (let piece = this.#in.shift(); piece; piece = this.#in.shift()) {
					this.#inBytes -= piece.length;
					take(piece);
				}
			}
			catch (e) {
				reject(e);
				return;
			}
			if (this.#state === State.Ended) { resolve(); return; }
			if (this.#state === State.Failed) { reject(this.#error!); return; }
			this.#sink = { take, resolve, reject };
			if (this.#state === State.Body) this.#connection.resume();
		});
	}

	/** The refusal of a read() or pull() while one is pending: one at a time. */
	#busy(): Promise<never> {
		return Promise.reject(new TypeError(`a ${this.#sink ? "pull()" : "read()"} is already pending: await it before reading again`));
	}

	/** Reads the rest of the body and drops it, if it is short; otherwise gives up the connection. */
	async discard(limit: number): Promise<void> {
		let total = 0;
		for (let b = await this.read(); b; b = await this.read()) {
			total += b.length;
			if (total > limit) { this.abandon(); return; }
		}
	}

	/** The caller wants no more of this response: the connection goes, the session stays. */
	abandon(): void {
		if (this.#state === State.Ended || this.#state === State.Failed) return;
		this.fail(new TransportError(TransportFailure.Closed, "the response was abandoned before its end"));
		this.#connection.close();
	}

	fail(error: Error): void {
		if (this.#state === State.Ended || this.#state === State.Failed) return;
		this.#state = State.Failed;
		this.#error = error;
		this.#in = [];
		this.#inBytes = 0;
		this.#done?.();
		this.#release();
		const started = this.#started, reader = this.#reader, sink = this.#sink;
		this.#started = undefined;
		this.#reader = undefined;
		this.#sink = undefined;
		started?.reject(error);
		reader?.reject(error);
		sink?.reject(error);
	}

	#onHead(head: ResponseHead): void {
		this.#head = head;
		this.status = head.status;
		this.#state = State.Body;
		const started = this.#started;
		this.#started = undefined;
		started?.resolve(this);
	}

	/** bytes: a view of the buffer the socket read into (ResponseCallbacks.onBody), handed on as it
	    is, so the socket's read is the only copy a body byte sees before its reader. A lent view
	    (the connection's own buffer) goes to pull()'s taker during this call; with nobody to take
	    it (the taker threw), it is copied, as the buffer is read into again. */
	#onBody(bytes: Uint8Array, lent: boolean): void {
		const sink = this.#sink;
		if (sink) {
			try {
				sink.take(bytes);
			}
			catch (e) {
				this.#sink = undefined;
				this.#connection.pause();
				sink.reject(e);
			}
			return;
		}
		if (lent) bytes = bytes.slice();
		const reader = this.#reader;
		if (reader && !this.#in.length) {
			this.#reader = undefined;
			reader.resolve(bytes);
			return;
		}
		this.#in.push(bytes);
		this.#inBytes += bytes.length;
		if (this.#inBytes >= this.#highWater) this.#connection.pause();
	}

	#onEnd(): void {
		this.#state = State.Ended;
		this.#done?.();
		this.#release();
		const reader = this.#reader, sink = this.#sink;
		this.#reader = undefined;
		this.#sink = undefined;
		reader?.resolve(undefined);
		sink?.resolve();
	}

	/** Runs the caller's producer (again, for a 401 retry) into the outgoing queue. */
	#produce(): void {
		const generation = ++this.#generation;
		this.#out = [];
		this.#outBytes = 0;
		this.#written = 0;
		this.#produced = false;
		this.#release();
		const writer: BodyWriter = {
			write: (chunk) => this.#write(generation, chunk),
			drain: () => this.#drain(generation),
		};
		let running: Promise<void>;
		try {
			running = Promise.resolve(this.#req.body!(writer));
		}
		catch (e) {
			running = Promise.reject(e);
		}
		running.then(() => {
			if (generation !== this.#generation || this.#state === State.Failed) return;
			const length = this.#req.bodyLength;
			if (length !== undefined && this.#written !== length) throw new RangeError(`the body producer wrote ${this.#written} bytes, bodyLength says ${length}`);
			this.#produced = true;
			this.#wake();
		}).catch((e: unknown) => {
			if (generation !== this.#generation) return;
			// the caller's own failure, passed through as it is; the half-sent request cannot be finished
			this.#connection.close();
			this.fail(e instanceof Error ? e : new Error(String(e)));
		});
	}

	#write(generation: number, chunk: Uint8Array): boolean {
		if (generation !== this.#generation || this.#state === State.Failed || this.#state === State.Ended) return true;	// nobody listens any more: let the producer finish
		if (this.#produced) throw new TypeError("write() after the body producer returned");
		if (!(chunk instanceof Uint8Array)) throw new TypeError("write() takes a Uint8Array");
		if (!chunk.length) return this.#outBytes < this.#highWater;
		const length = this.#req.bodyLength;
		if (length !== undefined && this.#written + chunk.length > length) throw new RangeError(`the body producer wrote more than bodyLength (${length}) bytes`);
		this.#written += chunk.length;
		this.#out.push(chunk.slice());	// the producer may reuse its buffer
		this.#outBytes += chunk.length;
		this.#wake();
		return this.#outBytes < this.#highWater;
	}

	#drain(generation: number): Promise<void> {
		if (generation !== this.#generation || this.#outBytes < this.#highWater || this.#state === State.Failed || this.#state === State.Ended) return Promise.resolve();
		return new Promise((resolve) => this.#drained.push(resolve));
	}

	#pull(into: Uint8Array): number | undefined {
		// whole pieces are copied as they are (no view made for them) and dropped together at the end
		const out = this.#out, room = into.length;
		let n = 0, used = 0;
		while (n < room && used < out.length) {
			const first = out[used]!;
			const take = Math.min(first.length, room - n);
			if (take === first.length) {
				into.set(first, n);
				used++;
			}
			else {
				into.set(first.subarray(0, take), n);
				out[used] = first.subarray(take);
			}
			n += take;
		}
		if (used === out.length) out.length = 0;
		else if (used) out.splice(0, used);
		this.#outBytes -= n;
		if (this.#outBytes < this.#highWater) this.#release();
		if (n) return n;
		if (this.#produced) return 0;
		this.#starved = true;
		return undefined;
	}

	#wake(): void {
		if (!this.#starved) return;
		this.#starved = false;
		// not from inside the producer's write(): the connection may write to the socket and fail
		Promise.resolve().then(() => this.#connection.bodyReady());
	}

	#release(): void {
		const waiting = this.#drained;
		if (!waiting.length) return;	// the common case, at every pull: no array made, no iterator
		this.#drained = [];
		for (let i = 0; i < waiting.length; i++) waiting[i]!();
	}
}
