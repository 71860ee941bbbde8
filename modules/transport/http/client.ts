// The HttpClient of modules/dm/session/http.ts over HttpConnection: one keep-alive connection per
// origin (the DM session's packages share one, and so its TLS session), request bodies taken from
// an asynchronous producer through a bounded queue (write() says "wait" past `sendBuffer` bytes,
// pull() says "not yet" when the producer is behind and the connection resumes when it catches
// up), response bodies handed to read() as they arrive. Every failure below HTTP is a
// TransportError, which the session treats as 5.6's expired request.
import { TransportError, TransportFailure, type BodyWriter, type HttpClient, type HttpRequest, type HttpResponse } from "../../dm/session/http.js";
import { HttpConnection, type SocketCallbacks, type StreamSocket } from "./connection.js";
import { HttpError, HttpErrorKind } from "./error.js";
import type { ParserLimits, ResponseHead } from "./response-parser.js";

export interface Origin { readonly scheme: "http" | "https"; readonly host: string; readonly port: number }

export interface HttpClientOptions {
	/** opens a socket to the origin: a SecureSocket for https, TCP for http (development) */
	connect(origin: Origin, callbacks: SocketCallbacks): StreamSocket;
	/** ms an exchange may go without progress (default 30000) */
	timeout?: number;
	limits?: ParserLimits;
	/** request body bytes queued ahead of the socket before write() says wait (default 2048) */
	sendBuffer?: number;
}

/** Splits an absolute http(s) URL; undefined for anything else. */
export function splitUrl(url: string): { origin: Origin; target: string; hostHeader: string } | undefined {
	const m = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/?#:@[\]]+)(?::([0-9]{1,5}))?([/?][^\s#]*)?(?:#.*)?$/i.exec(url);
	if (!m) return undefined;
	const scheme = m[1]!.toLowerCase() as "http" | "https";
	const port = m[3] ? Number(m[3]) : scheme === "https" ? 443 : 80;
	if (port < 1 || port > 65535) return undefined;
	let target = m[4] ?? "/";
	if (target.charAt(0) === "?") target = "/" + target;
	const host = m[2]!;
	return { origin: { scheme, host: host.replace(/^\[|\]$/g, ""), port }, target, hostHeader: m[3] ? `${host}:${port}` : host };
}

function transportError(e: unknown): TransportError {
	if (e instanceof TransportError) return e;
	if (e instanceof HttpError) {
		const failure = e.kind === HttpErrorKind.Timeout ? TransportFailure.Timeout
			: e.kind === HttpErrorKind.Closed ? TransportFailure.Closed
			: e.kind === HttpErrorKind.Unauthorized ? TransportFailure.Refused
			: TransportFailure.Malformed;
		return new TransportError(failure, e.message);
	}
	const message = e instanceof Error ? e.message : String(e);
	return new TransportError(/tls|handshake|ssl|psk/i.test(message) ? TransportFailure.Tls : TransportFailure.Connect, message);
}

/** A request body between an async producer and the connection's synchronous pull(). */
class BodyQueue {
	private readonly chunks: Uint8Array[] = [];
	private offset = 0;
	private queued = 0;
	private done = false;
	private starved = false;
	private readonly drains: (() => void)[] = [];

	constructor(private readonly limit: number, private readonly resume: () => void) {}

	readonly writer: BodyWriter = {
		write: (chunk) => {
			if (this.done) throw new TypeError("the request body has ended");
			if (chunk.length) { this.chunks.push(chunk); this.queued += chunk.length; }
			this.wake();
			return this.queued < this.limit;
		},
		drain: () => (this.queued < this.limit ? Promise.resolve() : new Promise<void>((resolve) => { this.drains.push(resolve); })),
	};

	end(): void {
		this.done = true;
		this.wake();
	}

	private wake(): void {
		if (!this.starved) return;
		this.starved = false;
		this.resume();
	}

	pull(into: Uint8Array): number {
		if (!this.chunks.length) {
			if (this.done) return 0;
			this.starved = true;
			return -1;
		}
		let n = 0;
		while (n < into.length && this.chunks.length) {
			const c = this.chunks[0]!;
			const take = Math.min(into.length - n, c.length - this.offset);
			into.set(c.subarray(this.offset, this.offset + take), n);
			n += take;
			this.offset += take;
			if (this.offset === c.length) { this.chunks.shift(); this.offset = 0; }
		}
		this.queued -= n;
		if (this.queued < this.limit) while (this.drains.length) this.drains.shift()!();
		return n;
	}
}

/** A response whose body is pulled; pieces that arrive before read() asks wait in order. */
class PulledResponse implements HttpResponse {
	private readonly pieces: Uint8Array[] = [];
	private ended = false;
	private failure: TransportError | undefined;
	private waiter: { resolve(c: Uint8Array | undefined): void; reject(e: Error): void } | undefined;

	constructor(private readonly head: ResponseHead) {}

	get status(): number { return this.head.status; }

	header(name: string): string | undefined {
		const lower = name.toLowerCase();
		const values = this.head.headers.filter(([n]) => n === lower).map(([, v]) => v);
		return values.length ? values.join(", ") : undefined;
	}

	read(): Promise<Uint8Array | undefined> {
		if (this.pieces.length) return Promise.resolve(this.pieces.shift());
		if (this.failure) return Promise.reject(this.failure);
		if (this.ended) return Promise.resolve(undefined);
		return new Promise((resolve, reject) => { this.waiter = { resolve, reject }; });
	}

	push(piece: Uint8Array): void {
		const w = this.waiter;
		if (w) { this.waiter = undefined; w.resolve(piece); }
		else this.pieces.push(piece);
	}

	end(): void {
		this.ended = true;
		const w = this.waiter;
		this.waiter = undefined;
		w?.resolve(undefined);
	}

	fail(e: TransportError): void {
		this.failure = e;
		const w = this.waiter;
		this.waiter = undefined;
		w?.reject(e);
	}
}

export class PooledHttpClient implements HttpClient {
	readonly #o: HttpClientOptions;
	readonly #connections = new Map<string, HttpConnection>();

	constructor(options: HttpClientOptions) {
		this.#o = options;
	}

	request(req: HttpRequest): Promise<HttpResponse> {
		const where = splitUrl(req.url);
		if (!where) return Promise.reject(new TransportError(TransportFailure.Refused, "not an absolute http(s) URL"));
		const key = `${where.origin.scheme}://${where.hostHeader}`;
		let connection = this.#connections.get(key);
		if (!connection) {
			const origin = where.origin;
			connection = new HttpConnection({
				connect: (callbacks) => this.#o.connect(origin, callbacks), host: where.hostHeader,
				...(this.#o.timeout !== undefined ? { timeout: this.#o.timeout } : {}),
				...(this.#o.limits ? { limits: this.#o.limits } : {}),
			});
			this.#connections.set(key, connection);
		}
		const conn = connection;
		if (conn.busy) return Promise.reject(new TransportError(TransportFailure.Refused, `a request to ${key} is still in flight`));
		return new Promise<HttpResponse>((resolve, reject) => {
			let response: PulledResponse | undefined;
			let settled = false;
			const fail = (e: unknown): void => {
				const error = transportError(e);
				if (response) response.fail(error);
				else if (!settled) { settled = true; reject(error); }
			};
			let body;
			if (req.body) {
				const queue = new BodyQueue(this.#o.sendBuffer ?? 2048, () => conn.resume());
				body = { length: req.bodyLength ?? "chunked" as const, pull: (into: Uint8Array) => queue.pull(into) };
				const produce = req.body;
				Promise.resolve().then(() => produce(queue.writer)).then(() => queue.end(), (e: unknown) => {
					conn.close();   // the request in flight ends without a word: say it here
					fail(e);
				});
			}
			try {
				conn.request({ method: req.method, target: where.target, headers: (req.headers ?? []).map(([n, v]) => [n, v] as [string, string]), ...(body ? { body } : {}) }, {
					onHead: (head) => { response = new PulledResponse(head); settled = true; resolve(response); },
					onBody: (bytes) => response?.push(bytes.slice()),
					onEnd: () => response?.end(),
					onError: (e) => fail(e),
				});
			} catch (e) {
				fail(e);   // the socket could not even be opened
			}
		});
	}

	/** Closes every connection (the end of a session, or of the device's work). */
	close(): void {
		for (const c of this.#connections.values()) c.close();
		this.#connections.clear();
	}
}
