// modules/pcsc-uart's link on xsdm against the UICC simulator over a real pty: reset and ATR in
// both conventions, PPS accepted and refused, the baud change the simulator checks on the tty,
// every procedure-byte path, 2G class A0, and each injected fault ending in a typed error after
// which a reset brings the link back.
import { assert, describe, it } from "../harness/index.js";
import { withUicc, type Step } from "./uicc-peer.js";

const SCRIPT = "tests/xs/host/pcsc-link.ts";
const SELECT_MF = "apdu:00,a4,00,04,3f00,256";
const SELECT_DIR = "apdu:00,a4,00,04,2f00,256";
const READ_DIR_1 = "apdu:00,b2,01,04,,34";
const DIR_RECORD = "611C4F0CA000000063504B43532D313550064F4D4120444D51043F005015FFFFFFFF";

function ok(steps: Step[]): void {
	for (const s of steps) assert.equal(s.error, undefined, `${s.step}: ${s.message}`);
}

describe("pcsc-uart link on xsdm ↔ UICC simulator (pty)", () => {
	it("activates with PPS 512/32 (223 200 baud), changes the UART's rate, and exchanges APDUs", async () => {
		const { run, steps, peer } = await withUicc(SCRIPT, [], ["activate", SELECT_MF, SELECT_DIR, READ_DIR_1]);
		assert.equal(run.code, 0, run.stderr);
		ok(steps);
		assert.deepEqual(steps[0], { step: "activate", pps: "accepted", baud: 223200, convention: "direct", atr: "3B9F96801FC78031E073FE211B65444D3230830090CA" });
		assert.equal(steps[1]!.sw, "9000");
		assert.ok(String(steps[1]!.data).startsWith("6208"), "FCP of the MF through 61xx + GET RESPONSE");
		assert.equal(steps[3]!.data, DIR_RECORD);
		assert.ok(peer.includes("pps FF109679 accepted"), peer.join("\n"));
		assert.ok(peer.includes("baud 223200"));
		assert.ok(!peer.some((l) => l.startsWith("baud mismatch")), "every APDU arrived at the negotiated rate");
		assert.ok(peer.includes("apdu 00C000000A sw 9000"), "GET RESPONSE for the 10-byte FCP");
	});

	it("asks for the fastest Di the UART allows when the card offers more", async () => {
		// TA1 97 = 512/64: 446 400 baud is over the UART's 250 000, so 512/32 is proposed
		const { steps, peer } = await withUicc(SCRIPT, ["--ta1", "97"], ["activate", SELECT_MF]);
		ok(steps);
		assert.equal(steps[0]!.baud, 223200);
		assert.ok(peer.includes("pps FF109679 accepted"), peer.join("\n"));
	});

	it("falls back to 9600 baud after a warm reset when the card refuses PPS", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--refuse-pps"], ["activate", SELECT_DIR, READ_DIR_1]);
		ok(steps);
		assert.equal(steps[0]!.pps, "refused");
		assert.equal(steps[0]!.baud, 9600);
		assert.equal(steps[2]!.data, DIR_RECORD);
		assert.deepEqual(peer.filter((l) => l.startsWith("reset ")), ["reset 0", "reset 1", "reset 0", "reset 1"]);
		assert.ok(!peer.some((l) => l.startsWith("baud mismatch")));
	});

	it("stays at the default rate without PPS when the card offers only 372/1", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--ta1", "11"], ["activate", SELECT_DIR]);
		ok(steps);
		assert.equal(steps[0]!.pps, "not-offered");
		assert.ok(!peer.some((l) => l.startsWith("pps")));
	});

	it("speaks the inverse convention (TS 3F arrives as 03) both ways", async () => {
		const { steps } = await withUicc(SCRIPT, ["--convention", "inverse"], ["activate", SELECT_DIR, READ_DIR_1]);
		ok(steps);
		assert.equal(steps[0]!.convention, "inverse");
		assert.ok(String(steps[0]!.atr).startsWith("3F9F96"));
		assert.equal(steps[0]!.pps, "accepted");
		assert.equal(steps[2]!.data, DIR_RECORD);
	});

	for (const mode of ["single", "null"]) {
		it(`gives the same answers when the card uses ${mode === "single" ? "INS^FF byte by byte" : "NULL bytes"}`, async () => {
			const { steps } = await withUicc(SCRIPT, ["--procedure", mode], ["activate", SELECT_DIR, READ_DIR_1]);
			ok(steps);
			assert.equal(steps[2]!.data, DIR_RECORD);
		});
	}

	it("re-issues READ BINARY with the card's length after 6Cxx", async () => {
		// EF.ODF is 32 bytes; asking for 64 gets 6C20, then the 32 bytes
		const { steps, peer } = await withUicc(SCRIPT, [], ["activate", "apdu:00,a4,08,0c,50155031,", "apdu:00,b0,00,00,,64"]);
		ok(steps);
		assert.equal(steps[2]!.sw, "9000");
		assert.equal(String(steps[2]!.data).length, 32 * 2);
		assert.ok(String(steps[2]!.data).startsWith("A806300404024401A706"));
		assert.ok(peer.includes("apdu 00B0000040 sw 6C20") && peer.includes("apdu 00B0000020 sw 9000"), peer.join("\n"));
	});

	it("2G card: class A0, 9Fxx passed on, or fetched with A0 C0 when a response is wanted", async () => {
		const { steps } = await withUicc(SCRIPT, ["--profile", "2g"], ["activate", "apdu:a0,a4,00,00,3f00,", "apdu:a0,a4,00,00,2f00,256", "apdu:00,a4,00,00,3f00,"]);
		ok(steps.slice(0, 3));
		assert.equal(steps[1]!.sw, "9F16");
		assert.equal(steps[2]!.sw, "9000");
		assert.equal(String(steps[2]!.data).slice(8, 12), "2F00", "GSM response names the file");
		assert.equal(steps[3]!.sw, "6E00", "a 2G card refuses class 00");
	});

	it("a card that stops answering gives a timeout; reset() brings it back", async () => {
		// the line's third command header: SELECT MF takes two (SELECT, GET RESPONSE)
		const { steps } = await withUicc(SCRIPT, ["--fault", "silent:3"], ["activate", SELECT_MF, SELECT_DIR, SELECT_DIR, "activate", SELECT_DIR, READ_DIR_1]);
		assert.equal(steps[1]!.sw, "9000");
		assert.equal(steps[2]!.error, "timeout");
		assert.equal(steps[3]!.error, "timeout", "no exchange before a reset");
		assert.ok(/reset/.test(String(steps[3]!.message)));
		assert.equal(steps[4]!.pps, "accepted");
		assert.equal(steps[6]!.data, DIR_RECORD);
	});

	it("garbage instead of a procedure byte is a protocol error; reset() recovers", async () => {
		const { steps } = await withUicc(SCRIPT, ["--fault", "garbage:1"], ["activate", SELECT_MF, "reset", SELECT_DIR, READ_DIR_1]);
		assert.equal(steps[1]!.error, "protocol");
		assert.ok(/no procedure byte/.test(String(steps[1]!.message)));
		assert.equal(steps[2]!.convention, "direct");
		assert.equal(steps[4]!.data, DIR_RECORD);
	});

	it("a card removed mid-command (EOF on the line) is CardError removed, and stays so", async () => {
		const { run, steps } = await withUicc(SCRIPT, ["--fault", "eof:2"], ["activate", SELECT_MF, SELECT_DIR, "reset"]);
		assert.equal(run.code, 0, run.stderr);
		assert.equal(steps[2]!.error, "removed");
		assert.equal(steps[3]!.error, "removed");
	});

	it("a card that sends NULL bytes forever is cut off by the exchange limit; reset() recovers", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--fault", "null-flood:1"], ["limit=1500", "activate", SELECT_DIR, "activate", SELECT_DIR]);
		assert.equal(steps[1]!.error, "timeout");
		assert.ok(/1500 ms/.test(String(steps[1]!.message)), String(steps[1]!.message));
		assert.ok(peer.includes("fault null-flood"));
		assert.equal(steps[3]!.sw, "9000");
	});

	it("an ATR corrupted on the line (TCK) is CardError atr; the next reset reads a good one", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--fault", "bad-tck:0"], ["activate", SELECT_DIR, "activate", SELECT_DIR]);
		assert.equal(steps[0]!.error, "atr");
		assert.ok(/TCK/.test(String(steps[0]!.message)));
		assert.equal(steps[1]!.error, "atr", "no exchange before a good reset");
		assert.ok(peer.includes("fault bad-tck"));
		assert.equal(steps[2]!.pps, "accepted");
		assert.equal(steps[3]!.sw, "9000");
	});

	it("a corrupted PPS answer counts as a refusal: warm reset, default rate", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--fault", "pps-garbage:0"], ["activate", SELECT_DIR, READ_DIR_1]);
		ok(steps);
		assert.equal(steps[0]!.pps, "refused");
		assert.equal(steps[0]!.baud, 9600);
		assert.ok(peer.includes("fault pps-garbage"));
		assert.equal(steps[2]!.data, DIR_RECORD);
	});

	it("no ATR after reset is a timeout", async () => {
		const { steps } = await withUicc(SCRIPT, ["--fault", "mute-atr:0"], ["activate", SELECT_MF]);
		assert.equal(steps[0]!.error, "timeout");
		assert.equal(steps[1]!.error, "timeout");
	});
});
