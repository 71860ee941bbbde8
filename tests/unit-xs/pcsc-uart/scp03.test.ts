// SCP03 (GP Amendment D, Appendix H) with mbedTLS's AES/CMAC against vectors computed by an
// independent implementation (Python `cryptography`, tests/host/scp03-vectors.py): the KDF, and a
// whole session played against the recorded card answers, then each way the card can lie.
//
//   reader                                   card (recorded)
//   81 50 00 00 08 host challenge   ───────▶
//                                   ◀─────── div data, KVN, 03, i, card challenge, card cryptogram, seq
//   85 82 33 00 10 host crypto ‖ C-MAC ────▶ 9000
//   05 A4 00 04 18 enc(5208) ‖ C-MAC ──────▶
//                                   ◀─────── enc(FCP) ‖ R-MAC 9000
import { aesCmac } from "../../../modules/crypto/index.js";
import { CardError, type Command, type Response, type Transmitter } from "../../../modules/pcsc-uart/index.js";
import { PLAIN_MAX, Scp03Session, scp03Kdf, type KdfBits } from "../../../modules/pcsc-uart/scp03.js";
import { assert, describe, it } from "../../harness/index.js";
import { published } from "./scp03-published-vectors.js";
import { vectors } from "./scp03-vectors.js";

const { fromHex: h, toHex } = assert;
const keys = { enc: h(vectors.keys.enc), mac: h(vectors.keys.mac), dek: h(vectors.keys.dek) };
const security = (re: RegExp) => (e: unknown) => e instanceof CardError && e.fault === "security" && re.test(e.message);

function encode(c: Command): string {
	return toHex(Uint8Array.of(c.cla, c.ins, c.p1, c.p2)) + (c.data ? toHex(c.data) : "");
}

/** Plays the recorded card; `tamper` may change the answer to step i. */
class RecordedCard implements Transmitter {
	sent: string[] = [];
	constructor(readonly tamper: (i: number, r: Response) => Response = (_i, r) => r) {}
	async transmit(c: Command): Promise<Response> {
		const i = this.sent.length;
		const step = vectors.session[i];
		this.sent.push(encode(c));
		assert.ok(step, `no recorded step ${i}`);
		assert.equal(encode(c), step.command, `command ${i} as the independent implementation builds it`);
		return this.tamper(i, { data: h(step.response), sw: step.sw });
	}
}

const open = (card: Transmitter): Promise<Scp03Session> =>
	Scp03Session.open(card, { keys, channel: 1, random: (into) => { into.set(h(vectors.hostChallenge)); return into; } });

describe("pcsc-uart: SCP03 KDF (NIST SP 800-108, AES-CMAC)", () => {
	it("lays out 11 × 00 ‖ constant ‖ 00 ‖ L ‖ counter ‖ context, as Amendment D 6.2.2 says", () => {
		const ctx = h("000102030405060708090a0b0c0d0e0f");
		const input = h("0000000000000000000000 04 00 0080 01" + toHex(ctx));
		assert.bytes(scp03Kdf(keys.enc, 0x04, 128, ctx), aesCmac(keys.enc, input));
		// L is part of the input: a 64-bit output is no truncation of the 128-bit one
		const input64 = h("0000000000000000000000 00 00 0040 01" + toHex(ctx));
		assert.bytes(scp03Kdf(keys.enc, 0x00, 64, ctx), aesCmac(keys.enc, input64).subarray(0, 8));
	});

	it("agrees with Python cryptography for S-ENC, S-MAC, S-RMAC and both cryptograms", () => {
		for (const v of vectors.kdf) assert.bytes(scp03Kdf(h(v.key), v.constant, v.bits as KdfBits, h(v.context)), v.out, `constant ${v.constant}, ${v.key.length * 4}-bit key`);
	});

	it("a 192- or 256-bit session key is two PRF blocks (counters 01, 02) with L = 00C0 / 0100", () => {
		const key = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
		const ctx = h("000102030405060708090a0b0c0d0e0f");
		const block = (l: string, counter: string) => aesCmac(key, h("0000000000000000000000 04 00" + l + counter + toHex(ctx)));
		const k256 = scp03Kdf(key, 0x04, 256, ctx);
		assert.bytes(k256.subarray(0, 16), block("0100", "01"));
		assert.bytes(k256.subarray(16), block("0100", "02"));
		const k192 = scp03Kdf(key, 0x04, 192, ctx);
		assert.equal(k192.length, 24);
		assert.bytes(k192, toHex(block("00c0", "01")) + toHex(block("00c0", "02").subarray(0, 8)));
	});
});

/** One APDU in hex (as pysim's vectors write it) as a Command; the trailing Le byte, if any, is kept as le. */
function parseApdu(hex: string): Command {
	const b = h(hex);
	const c = { cla: b[0]!, ins: b[1]!, p1: b[2]!, p2: b[3]! };
	if (b.length === 4) return c;
	if (b.length === 5) return { ...c, le: b[4] || 256 };
	const data = b.subarray(5, 5 + b[4]!);
	return b.length > 5 + data.length ? { ...c, data, le: b[5 + data.length] || 256 } : { ...c, data };
}

/** CLA INS P1 P2 Lc data of a wrapped command, as it crosses a T=0 line (no Le for cases 3 and 4). */
const headerAndData = (hex: string): string => encode(parseApdu(hex));

describe("pcsc-uart: SCP03 against osmocom/pysim's published transcripts (AES-128, -192, -256, level 33)", () => {
	for (const t of published) {
		it(`${t.name}: card cryptogram accepted, EXTERNAL AUTHENTICATE, wrapped commands and the encrypted answer byte-exact`, async () => {
			const init = parseApdu(t.initUpdateCommand);
			const sent: string[] = [];
			let step = 0;
			const card: Transmitter = {
				async transmit(c: Command): Promise<Response> {
					sent.push(encode(c));
					const i = step++;
					if (i === 0) return { data: h(t.initUpdateResponse), sw: 0x9000 };
					if (i === 2) return { data: h(t.getEid[2]), sw: 0x9000 };
					// pysim publishes no answers to the case 1-4 commands: an error status comes back bare
					return { data: new Uint8Array(0), sw: i === 1 ? 0x9000 : 0x6a88 };
				},
			};
			const s = await Scp03Session.open(card, {
				keys: { enc: h(t.enc), mac: h(t.mac), dek: h(t.dek) }, kvn: init.p1,
				random: (into) => { into.set(init.data!); return into; },
			});
			assert.equal(sent[0], encode(init), "INITIALIZE UPDATE");
			assert.equal(sent[1], headerAndData(t.externalAuthenticate), "EXTERNAL AUTHENTICATE: host cryptogram and C-MAC");
			const eid = await s.transmit(parseApdu(t.getEid[0]));
			assert.equal(sent[2], headerAndData(t.getEid[1]), "GET DATA wrapped (C-DECRYPTION + C-MAC)");
			assert.equal(eid.sw, 0x9000);
			assert.bytes(eid.data, t.getEid[3], "R-MAC checked, R-ENC decrypted");
			for (const [i, [plain, wrapped]] of t.cases.entries()) {
				await s.transmit(parseApdu(plain));
				assert.equal(sent[3 + i], headerAndData(wrapped), `case ${i + 1} wrapped`);
			}
			s.close();
		});
	}

	it("refuses static keys of mixed or non-AES lengths before anything is sent", async () => {
		const sent: Command[] = [];
		const card: Transmitter = { async transmit(c) { sent.push(c); return { data: new Uint8Array(0), sw: 0x6a88 }; } };
		const k16 = new Uint8Array(16), k24 = new Uint8Array(24);
		await assert.rejects(Scp03Session.open(card, { keys: { enc: k16, mac: k24, dek: k16 }, random: (b) => b }), (e: unknown) => e instanceof CardError && e.fault === "command" && /16, 24 or 32/.test(e.message));
		await assert.rejects(Scp03Session.open(card, { keys: { enc: new Uint8Array(20), mac: new Uint8Array(20), dek: new Uint8Array(20) }, random: (b) => b }), /16, 24 or 32/);
		assert.equal(sent.length, 0);
	});
});

describe("pcsc-uart: SCP03 session at level 33", () => {
	it("authenticates, wraps commands byte-exactly and unwraps R-ENC + R-MAC answers", async () => {
		const card = new RecordedCard();
		const s = await open(card);
		const fcp = await s.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("5208"), le: 256 });
		assert.equal(fcp.sw, 0x9000);
		assert.bytes(fcp.data, vectors.session[2]!.plainResponse!);
		const body = await s.transmit({ cla: 0x01, ins: 0xb0, p1: 0, p2: 0, le: 64 });
		assert.bytes(body.data, vectors.session[3]!.plainResponse!);
		const missing = await s.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("7777"), le: 256 });
		assert.equal(missing.sw, 0x6a82, "error status words come back bare");
		assert.equal(card.sent.length, 5);
		assert.equal(s.wiped, false);
		s.close();
		assert.ok(s.wiped, "session keys are zero after close()");
		await assert.rejects(s.transmit({ cla: 0x01, ins: 0xb0, p1: 0, p2: 0, le: 1 }), security(/closed/));
		assert.bytes(keys.enc, vectors.keys.enc, "the caller's static keys are left alone");
	});

	it("aborts on a wrong card cryptogram before sending EXTERNAL AUTHENTICATE", async () => {
		const card = new RecordedCard((i, r) => { if (i === 0) { const d = r.data.slice(); d[25]! ^= 1; return { data: d, sw: r.sw }; } return r; });
		const e = await assert.rejects(open(card), security(/card cryptogram/));
		assert.equal(card.sent.length, 1);
		for (const k of Object.values(vectors.keys)) assert.ok(!String((e as Error).message).toLowerCase().includes(k), "no key in the message");
	});

	it("aborts when the card refuses EXTERNAL AUTHENTICATE", async () => {
		const card = new RecordedCard((i, r) => (i === 1 ? { data: r.data, sw: 0x6300 } : r));
		await assert.rejects(open(card), (e: unknown) => e instanceof CardError && e.fault === "security" && e.sw === 0x6300);
	});

	it("aborts on a bad R-MAC, wipes the keys and refuses every later command", async () => {
		const card = new RecordedCard((i, r) => { if (i === 2) { const d = r.data.slice(); d[d.length - 1]! ^= 0x80; return { data: d, sw: r.sw }; } return r; });
		const s = await open(card);
		await assert.rejects(s.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("5208"), le: 256 }), security(/R-MAC mismatch/));
		assert.ok(s.wiped);
		await assert.rejects(s.transmit({ cla: 0x01, ins: 0xb0, p1: 0, p2: 0, le: 64 }), security(/aborted/));
	});

	it("aborts on a replayed answer: the chaining value binds each R-MAC to its command", async () => {
		const card = new RecordedCard((i, r) => (i === 3 ? { data: h(vectors.session[2]!.response), sw: 0x9000 } : r));
		const s = await open(card);
		await s.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("5208"), le: 256 });
		await assert.rejects(s.transmit({ cla: 0x01, ins: 0xb0, p1: 0, p2: 0, le: 64 }), security(/replayed/));
	});

	it("aborts on an answer that drops its R-MAC or carries data with an error status", async () => {
		const short = new RecordedCard((i, r) => (i === 2 ? { data: r.data.subarray(0, 4), sw: 0x9000 } : r));
		const s1 = await open(short);
		await assert.rejects(s1.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("5208"), le: 256 }), security(/R-MAC/));
		const errData = new RecordedCard((i, r) => (i === 2 ? { data: h("0102"), sw: 0x6a82 } : r));
		const s2 = await open(errData);
		await assert.rejects(s2.transmit({ cla: 0x01, ins: 0xa4, p1: 0x00, p2: 0x04, data: h("5208"), le: 256 }), security(/error status/));
	});

	it("refuses what level 33 cannot carry: too much data, another channel", async () => {
		const s = await open(new RecordedCard());
		await assert.rejects(s.transmit({ cla: 0x01, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(PLAIN_MAX + 1) }), /at most 239/);
		await assert.rejects(s.transmit({ cla: 0x02, ins: 0xb0, p1: 0, p2: 0, le: 1 }), /own channel/);
		await assert.rejects(Scp03Session.open(new RecordedCard(), { keys, channel: 4, random: (b) => b }), /channels 0..3/);
	});
});
