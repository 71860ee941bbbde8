// Command and response APDUs (ISO 7816-4 5.1), short form only: what a UICC over T=0 takes.
import { CardError, hex8 } from "./error.js";

export interface Command {
	readonly cla: number;
	readonly ins: number;
	readonly p1: number;
	readonly p2: number;
	/** command data, 1..255 bytes (absent: case 1 or 2) */
	readonly data?: Uint8Array;
	/** expected response length 1..256 (absent: case 1 or 3) */
	readonly le?: number;
}

export interface Response {
	readonly data: Uint8Array;
	/** SW1 SW2 as one number, e.g. 0x9000 */
	readonly sw: number;
}

/** Checks a command before anything is sent; CardError("command") names what is wrong. */
export function checkCommand(c: Command): void {
	for (const [name, v] of [["CLA", c.cla], ["INS", c.ins], ["P1", c.p1], ["P2", c.p2]] as const) {
		if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new CardError("command", `${name} must be a byte, got ${v}`);
	}
	if (c.cla === 0xff) throw new CardError("command", "CLA FF is reserved for PPS");
	// ISO 7816-3 10.3.2: INS 6X and 9X are procedure bytes, a card cannot tell them from SW1
	if ((c.ins & 0xf0) === 0x60 || (c.ins & 0xf0) === 0x90) throw new CardError("command", `INS ${hex8(c.ins)} is invalid under T=0`);
	if (c.data !== undefined && (c.data.length < 1 || c.data.length > 255)) throw new CardError("command", `Lc must be 1..255 (short APDU), got ${c.data.length}`);
	if (c.le !== undefined && (!Number.isInteger(c.le) || c.le < 1 || c.le > 256)) throw new CardError("command", `Le must be 1..256, got ${c.le}`);
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
