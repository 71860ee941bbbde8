// Answer-To-Reset (ISO 7816-3 section 8): TS, T0, interface bytes TAi..TDi, historical bytes, TCK.
// The bytes here are values (the line convention already undone; TS is 3B or 3F). scanAtr tells
// the link, byte by byte, when the ATR is complete, so it never waits for bytes that will not come.
import { CardError, hex8 } from "./error.js";
import type { Convention } from "./convention.js";

/** ISO 7816-3 Table 7: clock rate conversion Fi indexed by FI (0 = RFU). */
const FI: readonly number[] = Object.freeze([372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0]);
/** Maximum clock frequency (kHz) per FI. */
const F_MAX_KHZ: readonly number[] = Object.freeze([4000, 5000, 6000, 8000, 12000, 16000, 20000, 0, 0, 5000, 7500, 10000, 15000, 20000, 0, 0]);
/** ISO 7816-3 Table 8: baud rate adjustment Di indexed by DI (0 = RFU). */
const DI: readonly number[] = Object.freeze([0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0]);

export const ATR_MAX = 33;
/** The default TA1 (Fi/Di 372/1) and WI. */
export const TA1_DEFAULT = 0x11;
export const WI_DEFAULT = 10;

export interface Atr {
	readonly convention: Convention;
	/** TA1 as sent (0x11 when absent): FI in the high nibble, DI in the low one */
	readonly ta1: number;
	readonly fi: number;
	readonly di: number;
	/** highest clock the card allows with this Fi, Hz */
	readonly fMaxHz: number;
	/** extra guard time N from TC1 (0..255) */
	readonly extraGuard: number;
	/** waiting time integer from TC2 (T=0), default 10 */
	readonly wi: number;
	/** TA2: the card runs in specific mode with this protocol; PPS is not allowed then */
	readonly specific: { readonly protocol: number; readonly useTa1: boolean } | undefined;
	/** protocols offered in TD1, TD2... in order; [0] when there is no TD1 */
	readonly protocols: readonly number[];
	/** T=1 parameters from the first interface bytes after a TD naming T=1 (TA3, TB3, TC3), with their defaults */
	readonly t1: T1Parameters;
	/** the historical bytes' card capabilities say "extended Lc and Le fields" (ISO 7816-4 8.1.1.2.7) */
	readonly extendedLength: boolean;
	readonly historical: Uint8Array;
	/** the whole ATR, TS first */
	readonly bytes: Uint8Array;
}

export interface T1Parameters {
	/** IFSC, TA3 (default 32) */
	readonly ifsc: number;
	/** BWI and CWI, TB3 (default 4 and 13) */
	readonly bwi: number;
	readonly cwi: number;
	/** TC3 bit 1: the card checks blocks with a CRC instead of the LRC */
	readonly crc: boolean;
}

export const NEED_MORE = -1;

/**
 * How long the ATR that starts with bytes[0..count) is: its total length once the bytes seen
 * determine it, NEED_MORE before. Throws CardError("atr") on a bad TS or a length over 33.
 */
export function scanAtr(bytes: Uint8Array, count: number = bytes.length): number {
	if (count < 1) return NEED_MORE;
	if (bytes[0] !== 0x3b && bytes[0] !== 0x3f) throw new CardError("atr", `TS is ${hex8(bytes[0]!)}, neither 3B nor 3F: not a card, or the line is misconfigured`);
	if (count < 2) return NEED_MORE;
	let y = bytes[1]! >> 4;
	const k = bytes[1]! & 0x0f;
	let at = 2;
	let tck = false;
	for (;;) {
		const td = (y & 0x8) !== 0;
		const n = ((y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1) + (td ? 1 : 0));
		if (at + n > ATR_MAX) throw new CardError("atr", "interface bytes run past the 33-byte ATR limit");
		if (!td) { at += n; break; }
		const tdAt = at + n - 1;
		if (count <= tdAt) return NEED_MORE;
		const t = bytes[tdAt]! & 0x0f;
		if (t !== 0) tck = true;
		y = bytes[tdAt]! >> 4;
		at += n;
	}
	const total = at + k + (tck ? 1 : 0);
	if (total > ATR_MAX) throw new CardError("atr", `ATR would be ${total} bytes, over the 33-byte limit`);
	return total;
}

/** Parses a complete ATR (values, TS first); CardError("atr") when it is malformed. */
export function parseAtr(bytes: Uint8Array): Atr {
	const total = scanAtr(bytes);
	if (total === NEED_MORE || bytes.length < total) throw new CardError("atr", `ATR truncated: ${bytes.length} bytes`);
	if (bytes.length > total) throw new CardError("atr", `${bytes.length - total} bytes after the ATR's end`);
	const convention: Convention = bytes[0] === 0x3b ? "direct" : "inverse";
	let y = bytes[1]! >> 4;
	const k = bytes[1]! & 0x0f;
	let at = 2;
	let ta1 = TA1_DEFAULT, extraGuard = 0, wi = WI_DEFAULT;
	let specific: Atr["specific"];
	const protocols: number[] = [];
	let tck = false;
	let t1: T1Parameters | undefined;
	let previous = -1;
	for (let i = 1; ; i++) {
		const ta = y & 1 ? bytes[at++]! : -1;
		const tb = y & 2 ? bytes[at++]! : -1; // TB1, TB2: VPP, deprecated
		const tc = y & 4 ? bytes[at++]! : -1;
		const td = y & 8 ? bytes[at++]! : -1;
		if (i === 1) {
			if (ta >= 0) ta1 = ta;
			if (tc >= 0) extraGuard = tc;
		} else if (i === 2) {
			if (ta >= 0) specific = Object.freeze({ protocol: ta & 0x0f, useTa1: (ta & 0x10) === 0 });
			if (tc >= 0) {
				if (tc === 0) throw new CardError("atr", "TC2 = 00 is reserved (WI must be 1..255)");
				wi = tc;
			}
		}
		if (i >= 3 && previous === 1 && !t1) {
			if (ta === 0 || ta === 0xff) throw new CardError("atr", `TA${i} = ${hex8(ta)}: IFSC must be 1..254`);
			const bwi = tb >= 0 ? tb >> 4 : 4;
			if (bwi > 9) throw new CardError("atr", `TB${i} = ${hex8(tb)}: BWI over 9 is reserved`);
			t1 = Object.freeze({ ifsc: ta >= 0 ? ta : 32, bwi, cwi: tb >= 0 ? tb & 0x0f : 13, crc: tc >= 0 && (tc & 1) === 1 });
		}
		if (td < 0) break;
		previous = td & 0x0f;
		protocols.push(td & 0x0f);
		if ((td & 0x0f) !== 0) tck = true;
		y = td >> 4;
	}
	const historical = bytes.slice(at, at + k);
	if (tck) {
		let x = 0;
		for (let i = 1; i < total; i++) x ^= bytes[i]!;
		if (x !== 0) throw new CardError("atr", "TCK check failed: the ATR was corrupted on the line");
	}
	const fiCode = ta1 >> 4, diCode = ta1 & 0x0f;
	const fi = FI[fiCode]!, di = DI[diCode]!;
	if (!fi || !di) throw new CardError("atr", `TA1 = ${hex8(ta1)} names a reserved Fi or Di`);
	return Object.freeze({
		convention, ta1, fi, di, fMaxHz: F_MAX_KHZ[fiCode]! * 1000, extraGuard, wi, specific,
		protocols: Object.freeze(protocols.length ? protocols : [0]), historical, bytes: bytes.slice(0, total),
		t1: t1 ?? T1_DEFAULTS, extendedLength: extendedLength(historical),
	});
}

const T1_DEFAULTS: T1Parameters = Object.freeze({ ifsc: 32, bwi: 4, cwi: 13, crc: false });

/**
 * Card capabilities (COMPACT-TLV tag 7, ISO 7816-4 8.1.1.2.7) in historical bytes of category 80
 * (or 00 with its 3-byte status at the end): the third software function table's b7 says the
 * card takes extended Lc and Le fields. Anything malformed reads as "no".
 */
export function extendedLength(h: Uint8Array): boolean {
	if (h.length < 2 || (h[0] !== 0x80 && h[0] !== 0x00)) return false;
	const end = h[0] === 0x00 ? h.length - 3 : h.length;
	for (let at = 1; at < end;) {
		const tag = h[at]! >> 4, n = h[at]! & 0x0f;
		if (at + 1 + n > end) return false;
		if (tag === 0x7) return n >= 3 && (h[at + 3]! & 0x40) !== 0;
		at += 1 + n;
	}
	return false;
}

/** Fi and Di of a TA1-style byte (FI high nibble, DI low); undefined for reserved values. */
export function fiDi(ta1: number): { fi: number; di: number } | undefined {
	const fi = FI[ta1 >> 4]!, di = DI[ta1 & 0x0f]!;
	return fi && di ? { fi, di } : undefined;
}

/** The baud rate for Fi/Di at clock f: f × Di / Fi, rounded. */
export function baudFor(ta1: number, clockHz: number): number {
	const f = fiDi(ta1);
	if (!f) throw new CardError("atr", `TA1 = ${hex8(ta1)} names a reserved Fi or Di`);
	return Math.round(clockHz * f.di / f.fi);
}

/** T=1 block waiting time in ms (ISO 7816-3 11.4.3: 11 etu + 2^BWI × 960 × 372 / f). */
export function blockWaitingMs(bwi: number, etuS: number, clockHz: number): number {
	return Math.ceil((11 * etuS + (1 << bwi) * 960 * 372 / clockHz) * 1000);
}

/** T=1 character waiting time in ms (11.4.3: (11 + 2^CWI) etu). */
export function charWaitingMs(cwi: number, etuS: number): number {
	return Math.ceil((11 + (1 << cwi)) * etuS * 1000);
}

/** Work waiting time in ms for T=0 (ISO 7816-3 10.2: 960 × WI × Fi / f). */
export function workWaitingMs(wi: number, fi: number, clockHz: number): number {
	return Math.ceil(960 * wi * fi * 1000 / clockHz);
}
