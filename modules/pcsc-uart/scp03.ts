// GlobalPlatform SCP03 (Card Specification 2.3 Amendment D) with AES-128, -192 or -256 static keys
// (the session keys are as long as the static ones), as Appendix H asks:
// INITIALIZE UPDATE, the card cryptogram checked, EXTERNAL AUTHENTICATE at C-MAC + C-DECRYPTION +
// R-MAC + R-ENCRYPTION (33), then every command wrapped and every answer unwrapped. AES and CMAC
// are mbedTLS through modules/crypto. Any failed check closes the session and wipes its keys; the
// messages never carry key material.
import { constantTimeEqual } from "../bytes/index.js";
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesEcbEncrypt } from "../crypto/index.js";
import type { Command, Response } from "./apdu.js";
import { SECURE_CHUNK_MAX, type Transmitter } from "./card.js";
import { CardError } from "./error.js";

/** The card's static keys: all three AES keys of one length, 16, 24 or 32 bytes (Amendment D 6.1). */
export interface StaticKeys {
	readonly enc: Uint8Array;
	readonly mac: Uint8Array;
	readonly dek: Uint8Array;
}

export type KdfBits = 64 | 128 | 192 | 256;

/** The key length in bits all three static keys share; CardError("command") otherwise. */
export function staticKeyBits(keys: StaticKeys): 128 | 192 | 256 {
	const n = keys.enc.length;
	if ((n !== 16 && n !== 24 && n !== 32) || keys.mac.length !== n || keys.dek.length !== n)
		throw new CardError("command", "give SCP03 keys ENC, MAC and DEK of one AES length: 16, 24 or 32 bytes each");
	return (n * 8) as 128 | 192 | 256;
}

export interface Scp03Options {
	keys: StaticKeys;
	/** key version number, 0 = whichever the card has */
	kvn?: number;
	/** logical channel 0..3 (Appendix H note 1: CLA 80..83) */
	channel?: number;
	/** fills `into` with random bytes: the host challenge */
	random(into: Uint8Array): Uint8Array;
}

/** C-MAC + C-DECRYPTION + R-MAC + R-ENCRYPTION (Appendix H note 2). */
export const LEVEL_FULL = 0x33;
/** Largest plaintext of a short command under level 33. */
export const PLAIN_MAX = SECURE_CHUNK_MAX;

const enum Kdf { CardCryptogram = 0x00, HostCryptogram = 0x01, SEnc = 0x04, SMac = 0x06, SRmac = 0x07 }

/**
 * NIST SP 800-108 KDF in counter mode, PRF = AES-CMAC, laid out as Amendment D 6.2.2 says: L is
 * the output length in bits (64 for a cryptogram, the static key length for a session key) and a
 * 192- or 256-bit output takes two PRF blocks, counters 01 and 02.
 */
export function scp03Kdf(key: Uint8Array, constant: number, bits: KdfBits, context: Uint8Array): Uint8Array {
	const input = new Uint8Array(16 + context.length);
	input[11] = constant;
	input[13] = bits >> 8;
	input[14] = bits & 0xff;
	input.set(context, 16);
	const out = new Uint8Array(bits > 128 ? 32 : 16);
	for (let i = 0; i * 16 < out.length; i++) {
		input[15] = i + 1;
		out.set(aesCmac(key, input), i * 16);
	}
	if (out.length === bits / 8) return out;
	const cut = out.slice(0, bits / 8);
	out.fill(0);
	return cut;
}

/** Constant-time comparison: how long it takes says nothing about where bytes differ. */
function pad(data: Uint8Array): Uint8Array {
	const out = new Uint8Array((data.length + 16) & ~15);
	out.set(data);
	out[data.length] = 0x80;
	return out;
}

function counterBlock(counter: number, first: number): Uint8Array {
	const b = new Uint8Array(16);
	b[0] = first;
	for (let i = 15, c = counter; i > 0 && c > 0; i--, c = Math.floor(c / 256)) b[i] = c & 0xff;
	return b;
}

export class Scp03Session implements Transmitter {
	readonly #t: Transmitter;
	readonly #channel: number;
	#enc: Uint8Array;
	#mac: Uint8Array;
	#rmac: Uint8Array;
	#chain: Uint8Array = new Uint8Array(16);
	#counter = 1;
	#closed: CardError | undefined;
	/** commands wrapped so far (for statistics) */
	wrapped = 0;

	private constructor(t: Transmitter, channel: number, enc: Uint8Array, mac: Uint8Array, rmac: Uint8Array) {
		this.#t = t;
		this.#channel = channel;
		this.#enc = enc;
		this.#mac = mac;
		this.#rmac = rmac;
	}

	/** Mutual authentication on `channel`; the PKCS#15 application must be selected there already. */
	static async open(t: Transmitter, o: Scp03Options): Promise<Scp03Session> {
		const channel = o.channel ?? 0;
		if (!Number.isInteger(channel) || channel < 0 || channel > 3) throw new CardError("command", "SCP03 runs here on logical channels 0..3");
		const bits = staticKeyBits(o.keys);
		const hostChallenge = o.random(new Uint8Array(8));
		const init = await t.transmit({ cla: 0x80 | channel, ins: 0x50, p1: o.kvn ?? 0, p2: 0, data: hostChallenge, le: 256 });
		if (init.sw !== 0x9000) throw new CardError("security", "INITIALIZE UPDATE refused: the card has no SCP03 keys of that version", init.sw);
		const r = init.data;
		if ((r.length !== 29 && r.length !== 32) || r[11] !== 0x03) throw new CardError("security", "INITIALIZE UPDATE answer is not SCP03 (29 or 32 bytes, protocol 03)");
		if (o.kvn && r[10] !== o.kvn) throw new CardError("security", "the card answered with another key version");
		const context = new Uint8Array(16);
		context.set(hostChallenge, 0);
		context.set(r.subarray(13, 21), 8);
		const session = new Scp03Session(t, channel,
			scp03Kdf(o.keys.enc, Kdf.SEnc, bits, context),
			scp03Kdf(o.keys.mac, Kdf.SMac, bits, context),
			scp03Kdf(o.keys.mac, Kdf.SRmac, bits, context));
		if (!constantTimeEqual(scp03Kdf(session.#mac, Kdf.CardCryptogram, 64, context), r.subarray(21, 29))) {
			session.close();
			throw new CardError("security", "card cryptogram mismatch: the card does not hold our keys; secure channel aborted");
		}
		const host = scp03Kdf(session.#mac, Kdf.HostCryptogram, 64, context);
		// EXTERNAL AUTHENTICATE is MACed from a zero chaining value and never encrypted
		const header = Uint8Array.of(0x84, 0x82, LEVEL_FULL, 0x00, 16);
		const macInput = new Uint8Array(16 + 5 + 8);
		macInput.set(header, 16);
		macInput.set(host, 21);
		session.#chain = aesCmac(session.#mac, macInput);
		const data = new Uint8Array(16);
		data.set(host);
		data.set(session.#chain.subarray(0, 8), 8);
		const auth = await t.transmit({ cla: 0x84 | channel, ins: 0x82, p1: LEVEL_FULL, p2: 0, data });
		if (auth.sw !== 0x9000) {
			session.close();
			throw new CardError("security", "EXTERNAL AUTHENTICATE refused: host cryptogram or level not accepted", auth.sw);
		}
		return session;
	}

	/** Wraps, sends, unwraps. Only channel `channel` commands of the interindustry or GP class. */
	async transmit(c: Command): Promise<Response> {
		if (this.#closed) throw this.#closed;
		if ((c.cla & 0x03) !== this.#channel || (c.cla & 0x7c) !== 0) throw new CardError("command", "the secure channel carries class 00..03 / 80..83 commands on its own channel");
		const plain = c.data ?? new Uint8Array(0);
		if (plain.length > PLAIN_MAX) throw new CardError("command", `at most ${PLAIN_MAX} bytes per command under SCP03 level 33`);
		const counter = this.#counter++;
		let body: Uint8Array = new Uint8Array(0);
		if (plain.length) {
			const padded = pad(plain);
			body = aesCbcEncrypt(this.#enc, aesEcbEncrypt(this.#enc, counterBlock(counter, 0)), padded);
			padded.fill(0); // may hold a PIN
		}
		const cla = c.cla | 0x04;
		const macInput = new Uint8Array(16 + 5 + body.length);
		macInput.set(this.#chain);
		macInput.set([cla & 0xfc, c.ins, c.p1, c.p2, body.length + 8], 16);
		macInput.set(body, 21);
		const chain = aesCmac(this.#mac, macInput);
		this.#chain = chain;
		const data = new Uint8Array(body.length + 8);
		data.set(body);
		data.set(chain.subarray(0, 8), body.length);
		this.wrapped++;
		// every answer may carry an R-MAC: ask for response data even for a case 3 command (VERIFY)
		const r = await this.#t.transmit({ cla, ins: c.ins, p1: c.p1, p2: c.p2, data, le: c.le ?? 256 });
		return this.#unwrap(r, chain, counter);
	}

	/** True once the session keys are all zero (after close() or an aborted check). */
	get wiped(): boolean {
		for (const k of [this.#enc, this.#mac, this.#rmac]) for (const b of k) if (b) return false;
		return true;
	}

	/** Wipes the session keys; the session refuses every later command. */
	close(): void {
		this.#enc.fill(0);
		this.#mac.fill(0);
		this.#rmac.fill(0);
		this.#chain.fill(0);
		this.#closed ??= new CardError("security", "the secure channel is closed: open a new one");
	}

	#abort(message: string): never {
		this.close();
		const e = new CardError("security", `${message}; secure channel aborted`);
		this.#closed = e;
		throw e;
	}

	#unwrap(r: Response, chain: Uint8Array, counter: number): Response {
		const sw1 = r.sw >> 8;
		if (r.sw !== 0x9000 && sw1 !== 0x62 && sw1 !== 0x63) {
			if (r.data.length) this.#abort("data with an error status under R-MAC");
			return r;
		}
		if (r.data.length < 8 || (r.data.length - 8) % 16) this.#abort("an answer without a well-formed R-MAC");
		const enc = r.data.subarray(0, r.data.length - 8);
		const macInput = new Uint8Array(16 + enc.length + 2);
		macInput.set(chain);
		macInput.set(enc, 16);
		macInput[16 + enc.length] = sw1;
		macInput[17 + enc.length] = r.sw & 0xff;
		// a replayed or altered answer fails here: the chaining value binds it to this command
		if (!constantTimeEqual(aesCmac(this.#rmac, macInput).subarray(0, 8), r.data.subarray(enc.length))) this.#abort("R-MAC mismatch: the answer was altered or replayed");
		if (!enc.length) return Object.freeze({ data: new Uint8Array(0), sw: r.sw });
		const padded = aesCbcDecrypt(this.#enc, aesEcbEncrypt(this.#enc, counterBlock(counter, 0x80)), enc);
		let end = padded.length;
		while (end > 0 && padded[end - 1] === 0) end--;
		if (end === 0 || padded[end - 1] !== 0x80) this.#abort("bad padding in an encrypted answer");
		const data = padded.slice(0, end - 1);
		padded.fill(0);
		return Object.freeze({ data, sw: r.sw });
	}
}
