// What the session and its commands need from HTTP: the narrow contract between dm/ (which uses
// it) and modules/transport (which implements it over TCP or mbedTLS). It lives in a room of its
// own that imports nothing, so neither side depends on the other: nothing in dm/ sees a socket,
// and transport knows nothing of DM.
//
// Bodies stream both ways with back-pressure and nothing held whole: a request body is written
// by an async producer that waits on drain() when write() says the send buffer is full; a
// response body is pulled chunk by chunk.

export type HttpMethod = "GET" | "PUT" | "POST";

export interface BodyWriter {
	/** Queues bytes to send; false means "await drain() before writing more". */
	write(chunk: Uint8Array): boolean;
	drain(): Promise<void>;
}

export interface HttpRequest {
	method: HttpMethod;
	/** absolute http: or https: URL */
	url: string;
	headers?: readonly (readonly [string, string])[];
	/** produces the body; absent, the request has none. Sent chunked unless bodyLength is given. */
	body?: (out: BodyWriter) => Promise<void>;
	bodyLength?: number;
}

export interface HttpResponse {
	status: number;
	/** a response header by case-insensitive name; repeated headers joined with ", " */
	header(name: string): string | undefined;
	/** the next piece of the body, undefined at its end */
	read(): Promise<Uint8Array | undefined>;
	/** the rest of the body to `take`, piece by piece as it arrives, resolved at its end: a piece
	    is lent (valid during the call alone: copy what is kept), so the transport reads into one
	    buffer of its own and awaits nothing per piece. A throw from `take` rejects with it (the
	    piece it threw on counts as read); the rest of the body stays for a later read() or pull(). Optional: without it, read(). */
	pull?(take: (bytes: Uint8Array) => void): Promise<void>;
}

/** Why an exchange failed below HTTP; the session treats every one as 5.6's "expired" request. */
export const enum TransportFailure { Connect = 1, Tls = 2, Timeout = 3, Closed = 4, Malformed = 5, Refused = 6 }

export class TransportError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "TransportError";
	constructor(readonly failure: TransportFailure, message: string) {
		super(message);
	}
}

export interface HttpClient {
	/** Sends the request and resolves once the response head has arrived. Rejects with a
	    TransportError on connection, TLS, time-out or framing failures. Requests to the same
	    origin reuse one keep-alive connection (and its TLS session). */
	request(req: HttpRequest): Promise<HttpResponse>;
}
