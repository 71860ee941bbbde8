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

/** PPSS PPS0 PPS1 PCK for T=0 with PPS1 = ta1. */
export function ppsRequest(ta1: number): Uint8Array {
	const r = Uint8Array.of(0xff, 0x10, ta1, 0);
	r[3] = r[0]! ^ r[1]! ^ r[2]!;
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
	if (answer[2] !== request[2]) throw new CardError("protocol", "PPS answer names other Fi/Di");
	return request[2]!;
}
