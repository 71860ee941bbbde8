// Command and response APDUs (ISO 7816-4 5.1): short form (all T=0 carries), and extended Lc/Le
// for a T=1 card whose historical bytes say it takes them.
import { CardError, hex8 } from "./error.js";

export interface Command {
	readonly cla: number;
	readonly ins: number;
	readonly p1: number;
	readonly p2: number;
	/** command data, 1..255 bytes, 1..65535 extended (absent: case 1 or 2) */
	readonly data?: Uint8Array;
	/** expected response length 1..256, 1..65536 extended (absent: case 1 or 3) */
	readonly le?: number;
}

export interface Response {
	readonly data: Uint8Array;
	/** SW1 SW2 as one number, e.g. 0x9000 */
	readonly sw: number;
}

/** Checks a command before anything is sent; CardError("command") names what is wrong. */
export function checkCommand(c: Command, extended = false): void {
	for (const [name, v] of [["CLA", c.cla], ["INS", c.ins], ["P1", c.p1], ["P2", c.p2]] as const) {
		if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new CardError("command", `${name} must be a byte, got ${v}`);
	}
	if (c.cla === 0xff) throw new CardError("command", "CLA FF is reserved for PPS");
	// ISO 7816-3 10.3.2: INS 6X and 9X are procedure bytes, a card cannot tell them from SW1
	if ((c.ins & 0xf0) === 0x60 || (c.ins & 0xf0) === 0x90) throw new CardError("command", `INS ${hex8(c.ins)} is invalid under T=0`);
	const lcMax = extended ? 65535 : 255, leMax = extended ? 65536 : 256;
	if (c.data !== undefined && (c.data.length < 1 || c.data.length > lcMax)) throw new CardError("command", `Lc must be 1..${lcMax}${extended ? "" : " (short APDU: this card or protocol takes no extended lengths)"}, got ${c.data.length}`);
	if (c.le !== undefined && (!Number.isInteger(c.le) || c.le < 1 || c.le > leMax)) throw new CardError("command", `Le must be 1..${leMax}${extended ? "" : " (short APDU)"}, got ${c.le}`);
}

/**
 * The command APDU's bytes (ISO 7816-4 5.1): short fields when both fit, else extended ones
 * (Lc 00 hi lo, Le hi lo, or 00 hi lo without data; 0000 means 65536), as T=1 carries them.
 */
export function encodeCommand(c: Command, extended = false): Uint8Array {
	checkCommand(c, extended);
	const n = c.data ? c.data.length : 0;
	const long = n > 255 || (c.le ?? 0) > 256;
	const out = new Uint8Array(4 + (n ? (long ? 3 : 1) + n : 0) + (c.le === undefined ? 0 : long ? (n ? 2 : 3) : 1));
	out[0] = c.cla; out[1] = c.ins; out[2] = c.p1; out[3] = c.p2;
	let at = 4;
	if (n) {
		if (long) { out[at++] = 0; out[at++] = n >> 8; }
		out[at++] = n & 0xff;
		out.set(c.data!, at);
		at += n;
	}
	if (c.le !== undefined) {
		if (long) {
			if (!n) out[at++] = 0;
			out[at++] = (c.le >> 8) & 0xff;
		}
		out[at] = c.le & 0xff;
	}
	return out;
}

/** A response APDU's bytes (data, SW1, SW2) as a Response; CardError("protocol") when under 2 bytes. */
export function decodeResponse(r: Uint8Array): Response {
	if (r.length < 2) throw new CardError("protocol", `a response APDU of ${r.length} bytes has no status word`);
	return Object.freeze({ data: r.slice(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! });
}

/** SW 9000, 61xx (more data) or 9Fxx (2G: response waiting): the command was performed. */
export function isSuccess(sw: number): boolean {
	return sw === 0x9000 || (sw >> 8) === 0x61 || (sw >> 8) === 0x9f || (sw >> 8) === 0x91;
}

/** The CLA a GET RESPONSE after `cla` uses: A0 for 2G, else the same logical channel, no SM. */
export function getResponseCla(cla: number): number {
	if (cla === 0xa0) return 0xa0;
	if (cla & 0x40) return 0x40 | (cla & 0x0f); // further interindustry class: channels 4..19
	return cla & 0x03;
}
