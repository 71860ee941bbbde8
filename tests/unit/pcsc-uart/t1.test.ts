// T=1 (ISO 7816-3 section 11) against scripted card blocks, byte by byte as they come off the
// line; extended-length APDUs (ISO 7816-4 5.1); the T=1 and extended-length parts of the ATR and
// PPS. Blocks are NAD PCB LEN INF LRC; the card's are built here with their LRC.
//
//   reader                                card
//   I(N(S), M) ─────────────────────────▶
//              ◀───────────────────────── R(N(R)) ack while the reader chains
//              ◀───────────────────────── I(N(S), M) the answer, chained: the reader acks with R
//   R(N(R), error) after an invalid block or a time-out; S(RESYNCH) after three; S(IFS), S(WTX)
import { CardError, IFSD_MAX, Step, T1Exchange, T1State, decodeResponse, encodeCommand, extendedLength, parseAtr, ppsAccepted, ppsRequest } from "../../../modules/pcsc-uart/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { fuzzT1 } from "../../fuzz/pcsc.js";

const { fromHex: h, toHex } = assert;
const fault = (kind: string, text?: RegExp) => (e: unknown) => e instanceof CardError && e.fault === kind && (!text || text.test(e.message));

/** A block with its LRC: NAD 00, `pcb`, INF from hex. */
function blk(pcb: number, inf = ""): string {
	const i = h(inf);
	const b = new Uint8Array(4 + i.length);
	b[1] = pcb; b[2] = i.length; b.set(i, 3);
	let x = 0;
	for (let k = 0; k < 3 + i.length; k++) x ^= b[k]!;
	b[3 + i.length] = x;
	return toHex(b);
}

/** Raw block bytes with their LRC appended (for a NAD other than 00). */
function withLrc(hex: string): string {
	const b = h(hex);
	let x = 0;
	for (const v of b) x ^= v;
	return toHex(b) + x.toString(16).padStart(2, "0");
}

interface Turn { sent: string; card?: string; timeout?: boolean }

/** Runs the script; returns the response APDU bytes, or the exchange when `open` (not Done yet). */
function drive(ex: T1Exchange, turns: Turn[]): Uint8Array {
	for (let i = 0; i < turns.length; i++) {
		const t = turns[i]!;
		assert.equal(toHex(ex.take()), t.sent.replace(/\s+/g, "").toLowerCase(), `turn ${i}: reader sends`);
		if (t.timeout) { assert.equal(ex.timeout(), Step.Send, `turn ${i}: a time-out asks again`); continue; }
		const bytes = h(t.card!);
		for (let j = 0; j < bytes.length; j++) {
			const step = ex.feed(bytes[j]!);
			const last = j === bytes.length - 1;
			if (step === Step.Done) { assert.ok(last && i === turns.length - 1, `turn ${i}: done too early`); return ex.response(); }
			if (step === Step.Send) assert.ok(last, `turn ${i}: send asked at byte ${j}`);
			else assert.ok(!last, `turn ${i}: the card's block left the exchange waiting`);
		}
	}
	throw new Error("script ended before the exchange");
}

const READ = h("00B0000004");

describe("pcsc-uart: T=1 blocks", () => {
	it("one I-block each way, N(S) and N(R) kept from one exchange to the next", () => {
		const s = new T1State();
		const r = drive(new T1Exchange(s, READ), [{ sent: blk(0x00, "00B0000004"), card: blk(0x00, "010203049000") }]);
		assert.bytes(r, "010203049000");
		assert.equal(s.ns, 1);
		assert.equal(s.nr, 1);
		const again = drive(new T1Exchange(s, READ), [{ sent: blk(0x40, "00B0000004"), card: blk(0x40, "6A82") }]);
		assert.equal(decodeResponse(again).sw, 0x6a82);
		assert.equal(s.ns, 0);
	});

	it("chains a command longer than IFSC (M bit), each block acknowledged by an R-block", () => {
		const s = new T1State(4);
		const apdu = h("00D600000501020304 05");
		const r = drive(new T1Exchange(s, apdu), [
			{ sent: blk(0x20, "00D60000"), card: blk(0x90) },
			{ sent: blk(0x60, "05010203"), card: blk(0x80) },
			{ sent: blk(0x00, "0405"), card: blk(0x00, "9000") },
		]);
		assert.bytes(r, "9000");
		assert.equal(s.ns, 1);
	});

	it("collects a chained answer, acknowledging each block with R(N(R))", () => {
		const s = new T1State();
		s.ifsd = IFSD_MAX;
		const r = drive(new T1Exchange(s, READ), [
			{ sent: blk(0x00, "00B0000004"), card: blk(0x20, "0102") },
			{ sent: blk(0x90), card: blk(0x60, "0304") },
			{ sent: blk(0x80), card: blk(0x00, "9000") },
		]);
		assert.bytes(r, "010203049000");
		assert.equal(s.nr, 1);
	});

	it("the card asks for our block again (R with N(R) = our N(S)): the same block goes out", () => {
		const s = new T1State();
		const ex = new T1Exchange(s, READ);
		drive(ex, [
			{ sent: blk(0x00, "00B0000004"), card: blk(0x81) },
			{ sent: blk(0x00, "00B0000004"), card: blk(0x00, "9000") },
		]);
		assert.equal(ex.retransmits, 1);
	});
});

describe("pcsc-uart: T=1 error handling (11.6)", () => {
	it("bad LRC: R-block with the EDC error asks again for the expected block", () => {
		const bad = blk(0x00, "9000").slice(0, -2) + "00";
		const r = drive(new T1Exchange(new T1State(), READ), [
			{ sent: blk(0x00, "00B0000004"), card: bad },
			{ sent: blk(0x81), card: blk(0x00, "9000") },
		]);
		assert.bytes(r, "9000");
	});

	it("wrong N(S), reserved PCB bits, a non-zero NAD: R-block with 'other error'", () => {
		for (const fixed of [blk(0x40, "9000"), blk(0x01, "9000"), withLrc("21 00 02 90 00")]) {
			const r = drive(new T1Exchange(new T1State(), READ), [
				{ sent: blk(0x00, "00B0000004"), card: fixed },
				{ sent: blk(0x82), card: blk(0x00, "9000") },
			]);
			assert.bytes(r, "9000");
		}
	});

	it("unexpected blocks: an S response nobody asked for, an I-block before our chain is acknowledged", () => {
		drive(new T1Exchange(new T1State(), READ), [
			{ sent: blk(0x00, "00B0000004"), card: blk(0xe3, "01") },
			{ sent: blk(0x82), card: blk(0x00, "9000") },
		]);
		drive(new T1Exchange(new T1State(4), h("00D6000003010203")), [
			{ sent: blk(0x20, "00D60000"), card: blk(0x00, "9000") },
			{ sent: blk(0x82), card: blk(0x90) },
			{ sent: blk(0x40, "03010203"), card: blk(0x00, "9000") },
		]);
	});

	it("an I-block longer than IFSD is refused; LEN FF is swallowed until the waiting time ends it", () => {
		const s = new T1State();
		drive(new T1Exchange(s, READ), [
			{ sent: blk(0x00, "00B0000004"), card: blk(0x00, "00".repeat(33)) },
			{ sent: blk(0x82), card: blk(0x00, "9000") },
		]);
		const ff = new T1Exchange(new T1State(), READ);
		ff.take();
		for (const b of h("0000FF0102030405")) assert.equal(ff.feed(b), Step.More);
		assert.ok(ff.inBlock);
		assert.equal(ff.timeout(), Step.Send);
		assert.equal(toHex(ff.take()), blk(0x82));
		assert.ok(!ff.inBlock);
	});

	it("a lost block (time-out) is asked for again, in the middle of the card's chain too", () => {
		const s = new T1State();
		const r = drive(new T1Exchange(s, READ), [
			{ sent: blk(0x00, "00B0000004"), timeout: true },
			{ sent: blk(0x82), card: blk(0x20, "01") },
			{ sent: blk(0x90), timeout: true },
			{ sent: blk(0x92), card: blk(0x40, "9000") },
		]);
		assert.bytes(r, "019000");
	});

	it("WTX: answered with the same multiplier, which stretches only the next wait", () => {
		const ex = new T1Exchange(new T1State(), READ);
		ex.take();
		const req = h(blk(0xc3, "03"));
		let step = Step.More;
		for (const b of req) step = ex.feed(b);
		assert.equal(step, Step.Send);
		assert.equal(toHex(ex.take()), blk(0xe3, "03"));
		assert.equal(ex.wtx, 3);
		for (const b of h(blk(0x00, "9000"))) step = ex.feed(b);
		assert.equal(step, Step.Done);
		assert.equal(ex.wtx, 1);
		const bad = new T1Exchange(new T1State(), READ);
		drive(bad, [{ sent: blk(0x00, "00B0000004"), card: blk(0xc3, "") }, { sent: blk(0x82), card: blk(0x00, "9000") }]);
	});

	it("IFS: the card's request sets IFSC for our next blocks; the reader's raises IFSD to 254", () => {
		const s = new T1State(4);
		drive(new T1Exchange(s, h("00D6000003010203")), [
			{ sent: blk(0x20, "00D60000"), card: blk(0xc1, "06") },
			{ sent: blk(0xe1, "06"), card: blk(0x90) },
			{ sent: blk(0x40, "03010203"), card: blk(0x00, "9000") },
		]);
		assert.equal(s.ifsc, 6);
		const t = new T1State();
		assert.bytes(drive(new T1Exchange(t), [{ sent: blk(0xc1, "FE"), card: blk(0xe1, "FE") }]), "");
		assert.equal(t.ifsd, 254);
		// an IFS outside 1..254 is an invalid block
		drive(new T1Exchange(new T1State(), READ), [{ sent: blk(0x00, "00B0000004"), card: blk(0xc1, "FF") }, { sent: blk(0x82), card: blk(0x00, "9000") }]);
		// a response naming another IFSD is refused, then the request goes out again
		drive(new T1Exchange(new T1State()), [{ sent: blk(0xc1, "FE"), card: blk(0xe1, "20") }, { sent: blk(0xc1, "FE"), card: blk(0xe1, "FE") }]);
	});

	it("three invalid blocks lead to RESYNCH; once answered, the exchange fails and the sequence restarts", () => {
		const s = new T1State(16);
		s.ns = 1; s.nr = 1; s.ifsd = 254; s.ifsc = 8;
		const bad = blk(0x40, "9000").slice(0, -2) + "00";
		const ex = new T1Exchange(s, READ);
		assert.throws(() => drive(ex, [
			{ sent: blk(0x40, "00B0000004"), card: bad },
			{ sent: blk(0x91), card: bad },
			{ sent: blk(0x91), card: bad },
			{ sent: blk(0xc0), card: blk(0xe0) },
		]), fault("protocol", /resynchronised/));
		assert.deepEqual([s.ns, s.nr, s.ifsc, s.ifsd], [0, 0, 16, 32]);
	});

	it("gives up with CardError when RESYNCH is not answered three times", () => {
		const ex = new T1Exchange(new T1State(), READ);
		assert.throws(() => drive(ex, [
			{ sent: blk(0x00, "00B0000004"), timeout: true },
			{ sent: blk(0x82), timeout: true },
			{ sent: blk(0x82), timeout: true },
			{ sent: blk(0xc0), timeout: true },
			{ sent: blk(0xc0), timeout: true },
			{ sent: blk(0xc0), timeout: true },
		]), fault("protocol", /RESYNCH failed 3 times/));
	});

	it("S(ABORT) from the card fails the exchange; an unanswered IFS request gives up", () => {
		assert.throws(() => drive(new T1Exchange(new T1State(), READ), [{ sent: blk(0x00, "00B0000004"), card: blk(0xc2) }]), fault("protocol", /ABORT/));
		assert.throws(() => drive(new T1Exchange(new T1State()), [
			{ sent: blk(0xc1, "FE"), timeout: true }, { sent: blk(0xc1, "FE"), timeout: true }, { sent: blk(0xc1, "FE"), timeout: true },
		]), fault("protocol", /S\(IFS\) not answered/));
	});

	it("bounds the answer a chain can make the reader hold", () => {
		const s = new T1State();
		s.ifsd = 254;
		const ex = new T1Exchange(s, READ, 300);
		ex.take();
		assert.throws(() => {
			for (let n = 0; ; n++) {
				for (const b of h(blk((n & 1 ? 0x40 : 0) | 0x20, "00".repeat(200)))) ex.feed(b);
				ex.take();
			}
		}, fault("protocol", /longer than 300/));
	});

	it("fuzz: mutated and random card blocks, time-outs: Done within the bound, or CardError(\"protocol\")", () => {
		const runs = engine === "xs" ? 3000 : 30000;
		const stats = fuzzT1(runs, 11);
		assert.equal(stats.parsed + stats.refused, runs);
		assert.ok(stats.parsed > runs / 100 && stats.refused > runs / 10, JSON.stringify(stats));
	});

	it("feeding after the end, or a command under 4 bytes, is refused", () => {
		const ex = new T1Exchange(new T1State(), READ);
		drive(ex, [{ sent: blk(0x00, "00B0000004"), card: blk(0x00, "9000") }]);
		assert.throws(() => ex.feed(0), fault("protocol"));
		assert.throws(() => new T1Exchange(new T1State(), h("00B0")), fault("command"));
		assert.throws(() => new T1State(0), fault("atr"));
	});
});

describe("pcsc-uart: extended-length APDUs, T=1 in the ATR and PPS", () => {
	it("encodes short and extended cases 1-4 (ISO 7816-4 5.1)", () => {
		const c = { cla: 0, ins: 0xb0, p1: 0, p2: 0 };
		assert.bytes(encodeCommand(c), "00B00000");
		assert.bytes(encodeCommand({ ...c, le: 256 }), "00B0000000");
		assert.bytes(encodeCommand({ ...c, data: h("0102") }), "00B00000020102");
		assert.bytes(encodeCommand({ ...c, data: h("0102"), le: 16 }), "00B0000002010210");
		assert.bytes(encodeCommand({ ...c, le: 2048 }, true), "00B00000000800");
		assert.bytes(encodeCommand({ ...c, le: 65536 }, true), "00B00000000000");
		assert.bytes(encodeCommand({ ...c, data: h("0102"), le: 257 }, true), "00B0000000000201020101");
		const big = encodeCommand({ ...c, data: new Uint8Array(300) }, true);
		assert.bytes(big.subarray(0, 7), "00B0000000012C");
		assert.equal(big.length, 307);
		assert.throws(() => encodeCommand({ ...c, le: 257 }), fault("command", /short APDU/));
		assert.throws(() => encodeCommand({ ...c, le: 65537 }, true), fault("command"));
		assert.throws(() => decodeResponse(h("90")), fault("protocol"));
	});

	it("reads TA3/TB3/TC3 after the TD naming T=1, and extended Lc/Le in the card capabilities", () => {
		const a = parseAtr(h("3B 9F 96 80 B1 FE 45 1F C7 80 31 E0 73 FE 21 5B 65 44 4D 32 30 83 00 90 80"));
		assert.deepEqual(a.protocols, [0, 1, 15]);
		assert.deepEqual(a.t1, { ifsc: 254, bwi: 4, cwi: 5, crc: false });
		assert.equal(a.extendedLength, true);
		const uicc = parseAtr(h("3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 65 44 4D 32 30 83 00 90 CA"));
		assert.deepEqual(uicc.t1, { ifsc: 32, bwi: 4, cwi: 13, crc: false });
		assert.equal(uicc.extendedLength, false);
		// TD1 = 81 (T=1), TD2 = 71 (TA3 TB3 TC3 for T=1): TC3 01 asks for CRC
		assert.equal(parseAtr(h("3B 80 81 71 20 54 01 05")).t1.crc, true);
		assert.throws(() => parseAtr(h("3B 80 81 11 FF EF")), fault("atr", /IFSC/));
		assert.equal(extendedLength(h("00 73 00 00 40 90 00 00")), true);
		assert.equal(extendedLength(h("80 73 00 00")), false);
		assert.equal(extendedLength(h("80 75 00 00 40")), false);
	});

	it("PPS selects T=1 with or without a new rate; an answer naming another protocol is refused", () => {
		assert.bytes(ppsRequest(0x96, 1), "FF119678");
		assert.bytes(ppsRequest(undefined, 1), "FF01FE");
		assert.equal(ppsAccepted(h("FF01FE"), h("FF01FE")), 0x11);
		assert.equal(ppsAccepted(h("FF119678"), h("FF119678")), 0x96);
		assert.throws(() => ppsAccepted(h("FF119678"), h("FF109679")), fault("protocol", /another protocol/));
		assert.throws(() => ppsAccepted(h("FF01FE"), h("FF119678")), fault("protocol"));
	});
});
