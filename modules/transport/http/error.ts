// What can go wrong with an HTTP exchange, as values the DM session maps per section 5.6
// (any of them aborts the session; interpretation 13).

export const HttpErrorKind = Object.freeze({
	/** bytes that are not HTTP/1.1 as RFC 9112 frames it */
	Malformed: 1,
	/** a status line, header block, header count or chunk size beyond the configured bound */
	TooLarge: 2,
	/** the connection ended before the response did */
	Closed: 3,
	/** the server did not answer within the time allowed */
	Timeout: 4,
	/** the server wants credentials the client does not have, or refused the ones it sent */
	Unauthorized: 5,
} as const);
export type HttpErrorKind = (typeof HttpErrorKind)[keyof typeof HttpErrorKind];

export class HttpError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "HttpError";
	readonly kind: HttpErrorKind;
	constructor(kind: HttpErrorKind, message: string) {
		super(message);
		this.kind = kind;
	}
}
