// The command APDUs the bootstrap needs, for 3G (TS 102 221, ISO 7816-4 classes with the logical
// channel in CLA) and 2G (TS 51.011, class A0, basic channel only).
import type { Command } from "./apdu.js";
import { CardError } from "./error.js";

export type Profile = "3g" | "2g";

/** CLA for a channel: 0-3 in bits 1-2 of the first interindustry class, 4-19 in the further one. */
export function classByte(profile: Profile, channel: number): number {
	if (profile === "2g") {
		if (channel !== 0) throw new CardError("command", "a 2G card has no logical channels");
		return 0xa0;
	}
	if (!Number.isInteger(channel) || channel < 0 || channel > 19) throw new CardError("command", `logical channel ${channel} is outside 0..19`);
	return channel < 4 ? channel : 0x40 | (channel - 4);
}

const fid = (id: number): Uint8Array => Uint8Array.of(id >> 8, id & 0xff);

/**
 * SELECT's answer: "fcp" fetches the file's description (3G FCP, 2G GSM response, through
 * 61xx / 9Fxx and GET RESPONSE); "none" saves that round trip when the size is not needed.
 */
export type SelectAnswer = "fcp" | "none";

function select(profile: Profile, channel: number, p1: number, data: Uint8Array, answer: SelectAnswer): Command {
	const cla = classByte(profile, channel);
	if (profile === "2g") return answer === "fcp" ? { cla, ins: 0xa4, p1, p2: 0x00, data, le: 256 } : { cla, ins: 0xa4, p1, p2: 0x00, data };
	return answer === "fcp" ? { cla, ins: 0xa4, p1, p2: 0x04, data, le: 256 } : { cla, ins: 0xa4, p1, p2: 0x0c, data };
}

/** SELECT by file identifier (2G and 3G). */
export function selectFid(profile: Profile, channel: number, id: number, answer: SelectAnswer = "fcp"): Command {
	return select(profile, channel, 0x00, fid(id), answer);
}

/** SELECT by path from the MF (3G only; path without 3F00). */
export function selectPath(channel: number, path: Uint8Array, answer: SelectAnswer = "fcp"): Command {
	return select("3g", channel, 0x08, path, answer);
}

/** SELECT by DF name (AID), first or only occurrence (3G only). */
export function selectAid(channel: number, aid: Uint8Array, answer: SelectAnswer = "fcp"): Command {
	return select("3g", channel, 0x04, aid, answer);
}

export function readBinary(profile: Profile, channel: number, offset: number, length: number): Command {
	if (offset < 0 || offset > 0x7fff) throw new CardError("command", `READ BINARY offset ${offset} is outside 0..32767`);
	return { cla: classByte(profile, channel), ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le: length };
}

/** READ RECORD n of the current EF (absolute mode). */
export function readRecord(profile: Profile, channel: number, record: number, length: number): Command {
	return { cla: classByte(profile, channel), ins: 0xb2, p1: record, p2: 0x04, le: length };
}

/**
 * VERIFY (ISO 7816-4 11.5.6): the PIN as ASCII digits padded with FF to 8 bytes, the format of
 * CHV1 on a SIM (TS 51.011 9.2.9, 2G) and of PINs on a UICC (TS 102 221 9.5.1, 3G); key reference
 * 01 (CHV1, or PIN Appl 1: the PKCS#15 ADF's application PIN). The message never holds the PIN.
 */
export function verifyPin(profile: Profile, channel: number, pin: Uint8Array, reference = 0x01): Command {
	let digits = pin.length >= 4 && pin.length <= 8;
	for (const b of pin) if (b < 0x30 || b > 0x39) digits = false;
	if (!digits) throw new CardError("command", "a card PIN has 4 to 8 decimal digits: give it as such");
	const data = new Uint8Array(8).fill(0xff);
	data.set(pin);
	return { cla: classByte(profile, channel), ins: 0x20, p1: 0x00, p2: reference, data };
}

/** VERIFY without data (3G, TS 102 221 11.1.9): the retry counter (63Cx), or 9000 when verified; spends no try. */
export function pinStatus(channel: number, reference = 0x01): Command {
	return { cla: classByte("3g", channel), ins: 0x20, p1: 0x00, p2: reference };
}

export function openChannel(): Command {
	return { cla: 0x00, ins: 0x70, p1: 0x00, p2: 0x00, le: 1 };
}

/** Closes `channel` from the basic channel (P2 names it), outside any secure channel on it. */
export function closeChannel(channel: number): Command {
	if (!Number.isInteger(channel) || channel < 1 || channel > 19) throw new CardError("command", `logical channel ${channel} cannot be closed`);
	return { cla: 0x00, ins: 0x70, p1: 0x80, p2: channel };
}
