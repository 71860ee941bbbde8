// Protocol and parameters selection (ISO 7816-3 section 9): which Fi/Di to ask for, the request
// bytes, and the check of the card's answer. A card accepts by echoing the request.
import { fiDi, type Atr } from "./atr.js";
import { CardError } from "./error.js";

/** Di codes from fastest to slowest: with the card's Fi, the reader may ask for any Di up to the card's. */
const DI_BY_SPEED: readonly number[] = Object.freeze([7, 6, 9, 5, 8, 4, 3, 2]);

/**
 * The TA1-style byte to propose: the card's Fi with the largest Di the card offers whose baud
 * rate the UART can run at clockHz; undefined when nothing beats the default 372/1.
 */
export function choosePps(atr: Atr, clockHz: number, maxBaud: number): number | undefined {
	if (atr.specific || clockHz > atr.fMaxHz) return undefined;
	const fiCode = atr.ta1 >> 4;
	for (const diCode of DI_BY_SPEED) {
		const ta1 = (fiCode << 4) | diCode;
		const f = fiDi(ta1);
		if (!f || f.di > atr.di) continue;
		const baud = clockHz * f.di / f.fi;
		if (baud <= maxBaud && baud > clockHz / 372) return ta1;
	}
	return undefined;
}

/**
 * PPSS PPS0 [PPS1] PCK for `protocol` (T=0 unless given) with PPS1 = ta1; without ta1 the request
 * only selects the protocol (the rate stays at the default).
 */
export function ppsRequest(ta1: number | undefined, protocol = 0): Uint8Array {
	const r = ta1 === undefined ? Uint8Array.of(0xff, protocol, 0) : Uint8Array.of(0xff, 0x10 | protocol, ta1, 0);
	let x = 0;
	for (let i = 0; i < r.length - 1; i++) x ^= r[i]!;
	r[r.length - 1] = x;
	return r;
}

/** The length of a PPS answer once PPS0 (byte 1) is known. */
export function ppsLength(pps0: number): number {
	return 3 + ((pps0 >> 4) & 1) + ((pps0 >> 5) & 1) + ((pps0 >> 6) & 1);
}

/**
 * The Fi/Di byte the card's answer settles on: the request's when echoed, 0x11 when the card left
 * PPS1 out (ISO 7816-3 9.3: keep the default). Throws CardError("protocol") for anything else.
 */
export function ppsAccepted(request: Uint8Array, answer: Uint8Array): number {
	let x = 0;
	for (const b of answer) x ^= b;
	if (answer[0] !== 0xff || x !== 0) throw new CardError("protocol", "PPS answer corrupted (PPSS or PCK)");
	if ((answer[1]! & 0x0f) !== (request[1]! & 0x0f)) throw new CardError("protocol", "PPS answer names another protocol");
	if (!(answer[1]! & 0x10)) return 0x11;
	if (!(request[1]! & 0x10)) throw new CardError("protocol", "PPS answer names a rate nobody asked for");
	if (answer[2] !== request[2]) throw new CardError("protocol", "PPS answer names other Fi/Di");
	return request[2]!;
}
