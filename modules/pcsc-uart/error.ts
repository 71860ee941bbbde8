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
	/** secure channel: cryptogram, MAC or counter check failed */
	| "security";

export class CardError extends Error {
	readonly fault: CardFault;
	/** the status word, when the card answered one (fault "status") */
	readonly sw: number | undefined;

	constructor(fault: CardFault, message: string, sw?: number) {
		super(sw === undefined ? message : `${message} (SW ${hex16(sw)})`);
		this.name = "CardError";
		this.fault = fault;
		this.sw = sw;
	}
}

export function hex8(b: number): string {
	return (b & 0xff).toString(16).toUpperCase().padStart(2, "0");
}

export function hex16(w: number): string {
	return (w & 0xffff).toString(16).toUpperCase().padStart(4, "0");
}
