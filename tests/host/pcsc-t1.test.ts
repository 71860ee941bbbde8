// T=1 end to end: xsdm against the UICC simulator offering T=1 and extended lengths (uicc.py --t1,
// the card's block layer in t1.py, written apart from the reader's). PPS selects T=1, the reader
// raises IFSD to 254, the bootstrap comes off the card in long READ BINARYs chained in blocks,
// plainly and under SCP03; each injected line fault (bad LRC, a lost block, WTX, the card's IFS
// request) is recovered within the exchange, and one the reader cannot recover (every block
// corrupted) goes through RESYNCH to a typed error, after which a fresh activation reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, describe, it } from "../harness/index.js";
import { root } from "./xsdm.js";
import { UICC_KEYS as KEYS, bootstrapOfSize as bootstrapOf, withUicc, type Step } from "./uicc-peer.js";

const SCRIPT = "tests/xs/host/pcsc-bootstrap.ts";
const FIXTURE = join(root, "hosts/sim/peers/uicc/fixtures/bootstrap.json");
const fixture = readFileSync(FIXTURE, "utf8");

function read(step: Step | undefined, text: string, what: string): void {
	assert.ok(step, `${what}: no result`);
	assert.equal(step.error, undefined, `${what}: ${String(step.message)}`);
	assert.equal(step.text, text, what);
	assert.equal(step.protocol, 1, `${what}: T=1 in use`);
	assert.equal(step.extended, true, `${what}: extended lengths in use`);
}

describe("pcsc-uart T=1 on xsdm ↔ UICC simulator (pty)", () => {
	it("PPS selects T=1, IFSD 254, the bootstrap in extended READ BINARYs chained over blocks", async () => {
		const doc = bootstrapOf(1500);
		const { run, steps, peer } = await withUicc(SCRIPT, ["--t1", "--bootstrap", doc.file, "--bootstrap-size", "3000"], ["3g"]);
		assert.equal(run.code, 0, run.stderr);
		read(steps[0], doc.text, "plain T=1");
		assert.ok(peer.includes("pps FF119678 accepted") && peer.includes("protocol 1") && peer.includes("t1 ifsd 254"), peer.join("\n"));
		// files selected without their FCP, read up to their end (6282), the bootstrap in one command
		assert.ok(peer.includes("apdu 01B00000000201 sw 6282"), "ODF read whole with Le 513");
		// 1500 bytes: three reads of 512 (extended Le), the last stopping at the JSON's end
		assert.equal(peer.filter((l) => l.startsWith("apdu 01B0")).length, 5, peer.join("\n"));
		assert.ok(peer.includes("apdu 01B00000000200 sw 9000") && peer.includes("apdu 01B00400000200 sw 9000"), "bootstrap read with extended Le 512");
		assert.ok(!peer.some((l) => l.startsWith("t1 invalid") || l.startsWith("t1 retransmit")), "a clean line needs no retransmission");
	});

	it("under SCP03: wrapped commands with extended Le, answers longer than a short APDU under one R-MAC", async () => {
		const doc = bootstrapOf(3000);
		const { steps, peer } = await withUicc(SCRIPT, ["--t1", "--bootstrap", doc.file, "--bootstrap-size", "4200", "--scp03", KEYS], ["3g", "-", KEYS]);
		read(steps[0], doc.text, "SCP03 over T=1");
		assert.ok(peer.includes("scp03 authenticated 33"));
		// 3000 bytes: six wrapped READ BINARYs of 512, each answer (512 + 16 + 8 + 2 bytes) over 3 blocks
		const reads = peer.filter((l) => /^apdu 05B0/.test(l));
		assert.equal(reads.length, 8, reads.join("\n"));
		assert.match(reads[2]!, /^apdu 05B00000000008[0-9A-F]{16}0200 sw 9000$/);
		assert.match(reads[7]!, /^apdu 05B00A00000008[0-9A-F]{16}0200 sw 9000$/);
	});

	for (const [fault, at, expect] of [
		["t1-bad-lrc", 2, "t1 retransmit"],
		["t1-lost", 12, "t1 retransmit"],
		["t1-wtx", 12, "t1 wtx granted"],
		["t1-ifs", 7, "t1 ifsc 16"],
	] as const) {
		it(`${fault} on APDU ${at} under SCP03 is recovered within the exchange`, async () => {
			const doc = bootstrapOf(2500);
			const { steps, peer } = await withUicc(SCRIPT, ["--t1", "--bwi", "1", "--bootstrap", doc.file, "--bootstrap-size", "4200", "--scp03", KEYS, "--fault", `${fault}:${at}`], ["3g", "-", KEYS]);
			read(steps[0], doc.text, fault);
			assert.ok(peer.includes(`fault ${fault}`), peer.join("\n"));
			assert.ok(peer.some((l) => l.startsWith(expect)), `${expect}:\n${peer.join("\n")}`);
			assert.equal(peer.filter((l) => l.startsWith("reset 1")).length, 1, "no reset needed");
			assert.ok(!peer.includes("t1 unexpected I-block"), "the reader's blocks kept within the card's IFSC");
			// WTX gave the card the time it asked for: the reader did not time out meanwhile
			if (fault === "t1-wtx") assert.ok(!peer.some((l) => l.startsWith("t1 retransmit")), peer.join("\n"));
		});
	}

	it("every block of an answer corrupted: R-blocks, RESYNCH, a typed error; a fresh activation reads", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--t1", "--bwi", "1", "--bootstrap", FIXTURE, "--scp03", KEYS, "--fault", "t1-noise:8"], ["3g", "-", KEYS, "2"]);
		assert.equal(steps[0]!.error, "protocol", JSON.stringify(steps[0]));
		assert.match(String(steps[0]!.message), /resynchronised/);
		assert.ok(peer.includes("t1 resynch"), peer.join("\n"));
		assert.ok(!String(steps[0]!.message).includes("4041424344"), "no key material in the message");
		read(steps[1], fixture, "after a reset");
	});

	it("the card aborting its answer (S(ABORT)) is a typed error; a fresh activation reads", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--t1", "--bootstrap", FIXTURE, "--fault", "t1-abort:2"], ["3g", "-", "-", "2"]);
		assert.equal(steps[0]!.error, "protocol", JSON.stringify(steps[0]));
		assert.match(String(steps[0]!.message), /ABORT/);
		assert.ok(peer.includes("fault t1-abort"), peer.join("\n"));
		read(steps[1], fixture, "after a reset");
	});

	it("a card that refuses the PPS for T=1 is read over T=0 after the reset; a T=0-only card stays on T=0", async () => {
		const refused = await withUicc(SCRIPT, ["--t1", "--refuse-pps", "--bootstrap", FIXTURE], ["3g"]);
		assert.equal(refused.steps[0]!.text, fixture);
		assert.equal(refused.steps[0]!.protocol, 0);
		assert.equal(refused.steps[0]!.pps, "refused");
		const t0 = await withUicc(SCRIPT, ["--bootstrap", FIXTURE], ["3g"]);
		assert.equal(t0.steps[0]!.protocol, 0);
		assert.equal(t0.steps[0]!.extended, false);
		assert.ok(t0.peer.includes("pps FF109679 accepted"), t0.peer.join("\n"));
	});
});
