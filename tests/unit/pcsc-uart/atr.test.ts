// ATR parsing (ISO 7816-3 section 8) on hand-built byte vectors: conventions, interface bytes,
// historical bytes, TCK, the incremental length scan the link uses, and every way to be malformed.
import { CardError, NEED_MORE, baudFor, choosePps, convert, inverseByte, parseAtr, ppsAccepted, ppsRequest, scanAtr, workWaitingMs } from "../../../modules/pcsc-uart/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { fuzzAtr } from "../../fuzz/pcsc.js";

const { fromHex: h } = assert;
const fault = (kind: string) => (e: unknown) => e instanceof CardError && e.fault === kind;

// TA1 96 (512/32), TD1 80 -> TD2 1F (T=15, TA3 C7), 15 historical bytes, TCK CA
const UICC = "3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 65 44 4D 32 30 83 00 90 CA";

describe("pcsc-uart: ATR", () => {
	it("parses a UICC ATR offering T=0 and T=15 with Fi/Di 512/32 and a valid TCK", () => {
		const a = parseAtr(h(UICC));
		assert.equal(a.convention, "direct");
		assert.equal(a.ta1, 0x96);
		assert.equal(a.fi, 512);
		assert.equal(a.di, 32);
		assert.equal(a.fMaxHz, 5000000);
		assert.deepEqual(a.protocols, [0, 15]);
		assert.bytes(a.historical, "8031E073FE211B65444D3230830090");
		assert.equal(a.wi, 10);
		assert.equal(a.specific, undefined);
		assert.equal(a.bytes.length, 22);
	});

	it("parses the two-byte minimum and defaults to 372/1, WI 10, T=0", () => {
		const a = parseAtr(h("3B 00"));
		assert.equal(a.fi, 372);
		assert.equal(a.di, 1);
		assert.deepEqual(a.protocols, [0]);
		assert.equal(a.historical.length, 0);
	});

	it("parses the inverse convention (TS 3F) with TB1, TC1 and no TCK for T=0 alone", () => {
		const a = parseAtr(h("3F 65 25 08 31 04 6C 90 00"));
		assert.equal(a.convention, "inverse");
		assert.equal(a.extraGuard, 8);
		assert.bytes(a.historical, "31046C9000");
	});

	it("reads WI from TC2 and the specific mode from TA2", () => {
		assert.equal(parseAtr(h("3B 80 40 14")).wi, 20);
		const s = parseAtr(h("3B 90 95 10 80")).specific;
		assert.deepEqual(s, { protocol: 0, useTa1: true });
		assert.deepEqual(parseAtr(h("3B 90 95 10 90")).specific, { protocol: 0, useTa1: false });
	});

	it("tells the link when the ATR is complete, byte by byte", () => {
		const b = h(UICC);
		const seen: number[] = [];
		for (let n = 0; n <= b.length; n++) seen.push(scanAtr(b, n));
		// TD1 is byte 3 and TD2 byte 4: once both are in, the length (22) is known
		assert.deepEqual(seen.slice(0, 5), [NEED_MORE, NEED_MORE, NEED_MORE, NEED_MORE, NEED_MORE]);
		assert.ok(seen.slice(5).every((n) => n === 22), String(seen));
		assert.equal(scanAtr(h("3B 00"), 2), 2);
		assert.equal(scanAtr(h("3F 65"), 2), 9);
	});

	it("refuses a bad TS, a truncated ATR, trailing bytes and a corrupted TCK", () => {
		assert.throws(() => parseAtr(h("3C 00")), fault("atr"));
		assert.throws(() => scanAtr(h("00"), 1), /TS is 00/);
		assert.throws(() => parseAtr(h(UICC).subarray(0, 21)), /truncated/);
		assert.throws(() => parseAtr(h(UICC + " 00")), /after the ATR/);
		const bad = h(UICC);
		bad[10]! ^= 0x04;
		assert.throws(() => parseAtr(bad), /TCK/);
	});

	it("refuses reserved Fi/Di, TC2 = 00 and interface bytes past 33 bytes", () => {
		assert.throws(() => parseAtr(h("3B 10 71")), /reserved Fi/);
		assert.throws(() => parseAtr(h("3B 10 1A")), /reserved Fi/);
		assert.throws(() => parseAtr(h("3B 80 40 00")), /TC2/);
		// each TDi announces all four bytes of the next group: the chain outgrows 33 bytes
		const long = [0x3b, 0xf0];
		for (let i = 0; i < 8; i++) long.push(0x11, 0x00, 0x00, 0xf1);
		assert.throws(() => scanAtr(Uint8Array.from(long)), fault("atr"));
	});

	it("maps the inverse convention: 3F arrives as 03 and every byte round-trips", () => {
		assert.equal(inverseByte(0x3f), 0x03);
		for (let b = 0; b < 256; b++) assert.equal(inverseByte(inverseByte(b)), b);
		assert.bytes(convert("inverse", h("03")), "3F");
		assert.bytes(convert("direct", h("3B")), "3B");
	});

	it("computes baud rates and the work waiting time", () => {
		assert.equal(baudFor(0x11, 3571200), 9600);
		assert.equal(baudFor(0x96, 3571200), 223200);
		assert.equal(baudFor(0x96, 4000000), 250000);
		// 960 × 10 × 372 / 3.5712 MHz = 1 s
		assert.equal(workWaitingMs(10, 372, 3571200), 1000);
	});

	it("chooses the fastest Fi/Di both the card (TA1) and the UART allow", () => {
		const f = 3571200;
		assert.equal(choosePps(parseAtr(h(UICC)), f, 250000), 0x96, "512/32: 223 200 baud");
		assert.equal(choosePps(parseAtr(h(UICC)), f, 115200), 0x95, "512/16: 111 600 baud");
		assert.equal(choosePps(parseAtr(h(UICC)), f, 9600), undefined, "nothing beats the default");
		assert.equal(choosePps(parseAtr(h("3B 10 97")), f, 250000), 0x96, "the card's 512/64 is too fast for the UART");
		assert.equal(choosePps(parseAtr(h("3B 00")), f, 250000), undefined, "372/1 only");
		assert.equal(choosePps(parseAtr(h("3B 90 95 10 80")), f, 250000), undefined, "specific mode: no PPS");
		assert.equal(choosePps(parseAtr(h("3B 10 96")), 6000000, 500000), undefined, "clock above the card's f max for Fi 512");
	});

	it("builds PPS requests and checks answers", () => {
		assert.bytes(ppsRequest(0x96), "FF109679");
		assert.equal(ppsAccepted(h("FF109679"), h("FF109679")), 0x96);
		assert.equal(ppsAccepted(h("FF109679"), h("FF00FF")), 0x11, "PPS1 left out: the default stays");
		assert.throws(() => ppsAccepted(h("FF109679"), h("FF109678")), /PCK/);
		assert.throws(() => ppsAccepted(h("FF109679"), h("FF10957A")), /other Fi\/Di/);
		assert.throws(() => ppsAccepted(h("FF109679"), h("FF119678")), /another protocol/);
	});

	const iterations = engine === "xs" ? 10000 : 200000;
	it(`fuzz: ${iterations} random and mutated ATRs parse or fail with CardError("atr")`, () => {
		const stats = fuzzAtr(iterations, 7);
		assert.ok(stats.parsed > 0 && stats.refused > 0, JSON.stringify(stats));
	});
});
