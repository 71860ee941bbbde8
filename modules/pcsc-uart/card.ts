// File access on a card through any transmitter (the T=0 link, or later a secure channel over it):
// SELECT with the file size taken from the FCP (3G) or the GSM response (2G), READ BINARY in
// chunks, READ RECORD, VERIFY, logical channels. A status word that ends the operation becomes
// CardError("status") with the SW.
import { isSuccess, type Command, type Response } from "./apdu.js";
import * as cmd from "./commands.js";
import { findTlv, readTlv } from "./der.js";
import { CardError } from "./error.js";

export interface Transmitter {
	transmit(command: Command): Promise<Response>;
}

export interface Selected {
	/** size of a transparent EF, or record count × length of a linear fixed one; 0 for a DF */
	readonly size: number;
	/** record length of a linear fixed EF, 0 otherwise */
	readonly recordLength: number;
	/** 2G DF: CHV1's remaining tries from the GSM response (TS 51.011 9.2.1 byte 19), when initialised */
	readonly pinTries?: number;
}

const NOTHING: Selected = Object.freeze({ size: 0, recordLength: 0 });

/** The largest READ BINARY: 256 under plain T=0 (Le 00). */
export const CHUNK_MAX = 256;
/**
 * The largest plaintext a short APDU carries under SCP03 level 33, either way: the response data
 * (at most 256) holds the R-ENC cryptogram and the 8-byte R-MAC, the cryptogram is whole 16-byte
 * blocks of plaintext padded with 80 00.. (at least one byte), so 15 blocks minus the pad byte.
 * (A command: 255 - 8 bytes of C-MAC leaves the same 15 blocks.)
 */
export const SECURE_CHUNK_MAX = Math.floor((256 - 8) / 16) * 16 - 1;
/**
 * The largest READ BINARY with extended Le (T=1, a card that takes extended lengths), plain or
 * under SCP03: bounded by what the reader holds, not by the card. An answer is held several
 * times over while it is reassembled from T=1 blocks, checked and deciphered (about 5 copies at
 * the peak), so 2 KiB costs some 10 KiB of the ESP32's ~100 KiB XS heap for that moment.
 */
export const EXTENDED_CHUNK_MAX = 2048;
/**
 * The READ BINARY the bootstrap uses with extended lengths unless told otherwise. Where a document
 * ends in its file is unknown, and a long read past the end fetches up to its whole length of FF
 * padding, while each further command costs ~50 bytes of framing under SCP03 (header, padding,
 * R-MAC, SW, block prologues): framing f against half a chunk of padding on average is least near
 * sqrt(2 f D), about 450 for a 2 KiB document. Measured on the simulator under SCP03 (line bytes,
 * documents of 209 / 1000 / 2048 / 2100 / 3000 bytes in a 4200-byte file): 2048-byte reads
 * 2715 / 2715 / 2715 / 3294 / 3873, 512-byte reads 1131 / 1710 / 2868 / 3447 / 4026, T=0
 * 831 / 1919 / 3007 / 3007 / 4095. 2048 wins only where a document fills its read exactly.
 */
export const EXTENDED_CHUNK_DEFAULT = 512;
/** READ BINARY B0 addresses offsets 0..7FFF (P1 bit 8 set means an SFI). */
export const OFFSET_MAX = 0x7fff;

export class CardFiles {
	readonly profile: cmd.Profile;
	readonly channel: number;
	readonly #t: Transmitter;
	readonly #chunk: number;

	constructor(t: Transmitter, profile: cmd.Profile, channel = 0, chunk = CHUNK_MAX) {
		this.#t = t;
		this.profile = profile;
		this.channel = channel;
		this.#chunk = chunk;
	}

	/** The same card on another logical channel. */
	onChannel(channel: number): CardFiles {
		return new CardFiles(this.#t, this.profile, channel, this.#chunk);
	}

	async send(c: Command, what: string): Promise<Response> {
		const r = await this.#t.transmit(c);
		if (!isSuccess(r.sw) && (r.sw >> 8) !== 0x62 && (r.sw >> 8) !== 0x63) throw new CardError("status", `${what} refused`, r.sw);
		return r;
	}

	/** With answer "none" the returned description is empty (size 0). */
	async selectFid(id: number, answer: cmd.SelectAnswer = "fcp"): Promise<Selected> {
		return this.#describe(await this.send(cmd.selectFid(this.profile, this.channel, id, answer), `SELECT ${id.toString(16)}`));
	}

	/** Selects each FID of `path` in turn (2G indirect selection; 3G by path from the MF). */
	async selectPath(path: Uint8Array, answer: cmd.SelectAnswer = "fcp"): Promise<Selected> {
		if (path.length < 2 || path.length % 2) throw new CardError("format", `a path has whole FIDs, got ${path.length} bytes`);
		if (this.profile === "3g") {
			const from = path[0] === 0x3f && path[1] === 0x00 ? path.subarray(2) : path;
			if (from.length) return this.#describe(await this.send(cmd.selectPath(this.channel, from, answer), "SELECT by path"));
			return this.selectFid(0x3f00, answer);
		}
		let s: Selected = NOTHING;
		for (let i = 0; i < path.length; i += 2) s = await this.selectFid((path[i]! << 8) | path[i + 1]!, i + 2 < path.length ? "none" : answer);
		return s;
	}

	async selectAid(aid: Uint8Array, answer: cmd.SelectAnswer = "fcp"): Promise<Selected> {
		return this.#describe(await this.send(cmd.selectAid(this.channel, aid, answer), "SELECT by AID"));
	}

	/** Reads [offset, offset + length) of the current transparent EF, handing each chunk to `sink`. */
	async readBinary(offset: number, length: number, sink: (chunk: Uint8Array) => boolean | void): Promise<void> {
		for (let at = offset; at < offset + length;) {
			if (at > OFFSET_MAX) throw new CardError("format", `the file goes on past ${OFFSET_MAX + 1} bytes, where READ BINARY (B0) stops: this reader reads no further`);
			const n = Math.min(this.#chunk, offset + length - at);
			const r = await this.send(cmd.readBinary(this.profile, this.channel, at, n), "READ BINARY");
			if (r.data.length === 0) throw new CardError("format", `READ BINARY at ${at} returned no data`);
			// under a secure channel on T=0 the Le is not sent and the card may answer more than asked
			const data = r.data.length > n ? r.data.subarray(0, n) : r.data;
			at += data.length;
			if (sink(data) === false) return;
			// 6282: the end of the file came before Le bytes (ISO 7816-4 11.2.3), nothing more to ask
			if (r.sw === 0x6282) return;
		}
	}

	/**
	 * Reads the current transparent EF whole without knowing its size (extended Le: the card answers
	 * up to its end with 6282); refuses one larger than `max`, asking one byte more to know.
	 */
	async readUpTo(max: number): Promise<Uint8Array> {
		const r = await this.send(cmd.readBinary(this.profile, this.channel, 0, max + 1), "READ BINARY");
		if (r.data.length > max) throw new CardError("format", `file larger than the ${max} bytes this reader holds`);
		return r.data;
	}

	/** Reads a whole small EF (ODF, DODF) into memory; refuses one larger than `max`. */
	async readSmall(size: number, max: number): Promise<Uint8Array> {
		if (size > max) throw new CardError("format", `file of ${size} bytes is larger than the ${max} this reader holds`);
		const out = new Uint8Array(size);
		let at = 0;
		await this.readBinary(0, size, (c) => { out.set(c.subarray(0, size - at), at); at += c.length; });
		return out;
	}

	async readRecord(record: number, length: number): Promise<Response> {
		return this.#t.transmit(cmd.readRecord(this.profile, this.channel, record, length));
	}

	/**
	 * The PIN's retry counter without spending a try (3G: VERIFY without data): the tries left, 0
	 * when blocked, "verified" when the card already accepted it, undefined when the card does not say.
	 */
	async pinTries(): Promise<number | "verified" | undefined> {
		if (this.profile === "2g") return undefined;
		const r = await this.#t.transmit(cmd.pinStatus(this.channel));
		if (r.sw === 0x9000) return "verified";
		if ((r.sw & 0xfff0) === 0x63c0) return r.sw & 0x0f;
		if (r.sw === 0x6983) return 0;
		return undefined;
	}

	/**
	 * VERIFY the PIN once: never again after a refusal (a retry loop would block the card). Typed
	 * faults pin-wrong (with the tries left) and pin-blocked; the PIN bytes are wiped from the
	 * command afterwards and are in no message.
	 */
	async verify(pin: Uint8Array): Promise<void> {
		const c = cmd.verifyPin(this.profile, this.channel, pin);
		let sw: number;
		try {
			sw = (await this.#t.transmit(c)).sw;
		} finally {
			c.data!.fill(0);
		}
		if (sw === 0x9000) return;
		if (sw === 0x6983 || sw === 0x9840 || sw === 0x63c0) throw new CardError("pin-blocked", "the card PIN is now blocked: unblock it with the PUK", sw, 0);
		if ((sw & 0xfff0) === 0x63c0) throw new CardError("pin-wrong", `wrong card PIN, not retried: ${sw & 0x0f} tries left; give the right PIN`, sw, sw & 0x0f);
		if (sw === 0x9804) throw new CardError("pin-wrong", "wrong card PIN (CHV1), not retried: give the right PIN", sw);
		throw new CardError("status", "VERIFY PIN refused", sw);
	}

	async openChannel(): Promise<number> {
		const r = await this.send(cmd.openChannel(), "MANAGE CHANNEL open");
		if (r.data.length !== 1) throw new CardError("format", "MANAGE CHANNEL answered no channel number");
		return r.data[0]!;
	}

	async closeChannel(channel: number): Promise<void> {
		await this.send(cmd.closeChannel(channel), "MANAGE CHANNEL close");
	}

	#describe(r: Response): Selected {
		const d = r.data;
		if (this.profile === "2g") {
			// TS 51.011 9.2.1: file size in bytes 3-4, structure in 14, record length in 15
			if (d.length < 7) return NOTHING;
			const isEf = d[6] === 0x04;
			// a DF's byte 19 (index 18): b8 CHV1 initialised, b4-b1 false presentations remaining
			if (!isEf) return d.length >= 19 && d[18]! & 0x80 ? { size: 0, recordLength: 0, pinTries: d[18]! & 0x0f } : NOTHING;
			return { size: (d[2]! << 8) | d[3]!, recordLength: d.length >= 15 && d[13] !== 0 ? d[14]! : 0 };
		}
		if (d.length === 0) return NOTHING;
		const fcp = readTlv(d, 0);
		if (fcp.tag !== 0x62) throw new CardError("format", "SELECT answered no FCP template (62)");
		const desc = findTlv(d, fcp.start, fcp.end, 0x82);
		const recordLength = desc && desc.end - desc.start >= 4 && (d[desc.start]! & 0x07) === 0x02 ? (d[desc.start + 2]! << 8) | d[desc.start + 3]! : 0;
		const sizeTag = findTlv(d, fcp.start, fcp.end, 0x80);
		let size = 0;
		if (sizeTag) for (let i = sizeTag.start; i < sizeTag.end; i++) size = size * 256 + d[i]!;
		return { size, recordLength };
	}
}
