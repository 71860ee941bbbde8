// The one error type of the card link: a kind the caller can act on (reset and retry, give up,
// ask for a PIN) and a message for logs. Never put key material, a PIN or card secrets into it.

export type CardFault =
	/** the ATR is malformed (bad TS, truncated, too long, TCK mismatch) */
	| "atr"
	/** the card sent a byte the protocol does not allow at that point */
	| "protocol"
	/** no byte within the work waiting time (or no ATR within its time) */
	| "timeout"
	/** the port reported an error or the far end went away (card removed) */
	| "removed"
	/** a caller's command cannot be encoded (Lc > 255, Le > 256, bad channel) */
	| "command"
	/** the card answered with a status word that ends the operation */
	| "status"
	/** PKCS#15 / DER structures on the card are malformed or missing */
	| "format"
	/** the card is readable and carries no DM bootstrap (no PKCS#15 application, no bootstrap
	    object): unlike every other fault, a definite answer about the card's content */
	| "absent"
	/** secure channel: cryptogram, MAC or counter check failed */
	| "security"
	/** the bootstrap object is PIN-protected (G.2.4, G.3.4) and no PIN was given */
	| "pin-required"
	/** the card refused the PIN (63Cx, 9804); `triesLeft` says how many tries remain when the card told */
	| "pin-wrong"
	/** the PIN is blocked (6983, 9840, 63C0): only the issuer's unblocking (PUK) mends that */
	| "pin-blocked"
	/** one PIN try is left: the reader does not spend it without being asked to (a wrong PIN given
	    at every start would otherwise block the card) */
	| "pin-last-try";

export class CardError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "CardError";
	readonly fault: CardFault;
	/** the status word, when the card answered one (fault "status") */
	readonly sw: number | undefined;
	/** PIN faults: the tries the card says remain, when it says */
	readonly triesLeft: number | undefined;

	constructor(fault: CardFault, message: string, sw?: number, triesLeft?: number) {
		super(sw === undefined ? message : `${message} (SW ${hex16(sw)})`);
		this.fault = fault;
		this.sw = sw;
		this.triesLeft = triesLeft;
	}
}

export function hex8(b: number): string {
	return (b & 0xff).toString(16).toUpperCase().padStart(2, "0");
}

export function hex16(w: number): string {
	return (w & 0xffff).toString(16).toUpperCase().padStart(4, "0");
}
