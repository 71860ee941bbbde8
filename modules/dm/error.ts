// The one error type of the DM core: a status code of Appendix C the session can answer with,
// and a message for logs. Never put a secret (credential, key, PSK) into a message.

/** The status codes of Appendix C; nothing else is ever sent. */
export type DmStatus =
	| 200 | 202 | 204 | 304
	| 400 | 403 | 404 | 405 | 406 | 415 | 419
	| 500 | 501 | 503 | 506 | 507;

export class DmError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "DmError";
	readonly status: DmStatus;
	/** byte offset in the input where a decoder found the problem, when there is one */
	readonly offset: number | undefined;

	constructor(status: DmStatus, message: string, offset?: number) {
		super(offset === undefined ? message : `${message} (at byte ${offset})`);
		this.status = status;
		this.offset = offset;
	}
}
