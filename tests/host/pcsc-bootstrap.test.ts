// Appendix G end to end on xsdm: the simulated UICC (2G and 3G profiles) holds EF.DIR, the PKCS#15
// DF/ADF, ODF, DODF (a foreign object first) and DM_Bootstrap padded with FF; the reader walks
// them over the pty and streams the JSON out.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, describe, it } from "../harness/index.js";
import { root } from "./xsdm.js";
import { withUicc } from "./uicc-peer.js";

const SCRIPT = "tests/xs/host/pcsc-bootstrap.ts";
const FIXTURE = join(root, "hosts/sim/peers/uicc/fixtures/bootstrap.json");
const fixture = readFileSync(FIXTURE, "utf8");

/** A bootstrap document of about `size` bytes (a long Name), written to a temporary file. */
function bigBootstrap(size: number): { file: string; text: string } {
	const doc = JSON.parse(fixture);
	doc[0].Nodes.Name = "";
	const base = JSON.stringify(doc).length;
	doc[0].Nodes.Name = "n".repeat(size - base);
	const text = JSON.stringify(doc);
	const file = join(mkdtempSync(join(tmpdir(), "uicc-")), "bootstrap.json");
	writeFileSync(file, text);
	return { file, text };
}

describe("pcsc-uart PKCS#15 bootstrap on xsdm ↔ UICC simulator (pty)", () => {
	it("3G: MANAGE CHANNEL, SELECT by AID, ODF, DODF, DM_Bootstrap without its FF padding", async () => {
		const { run, steps, peer } = await withUicc(SCRIPT, ["--bootstrap", FIXTURE, "--bootstrap-size", "1024"], ["3g"]);
		assert.equal(run.code, 0, run.stderr);
		const r = steps[0]!;
		assert.equal(r.error, undefined, String(r.message));
		assert.equal(r.text, fixture);
		assert.equal(r.label, "DM Bootstrap");
		assert.equal(r.needsPin, false);
		assert.ok(peer.includes("channel open 1") && peer.includes("channel close 1"), peer.join("\n"));
		assert.ok(peer.some((l) => /^apdu 01A4040C0CA000000063504B43532D3135 sw 9000/.test(l)), "SELECT by AID on channel 1, no FCP asked");
		assert.ok(peer.includes("select 5208"));
		// the document ends within the first chunk: the FF tail is never read
		assert.equal(peer.slice(peer.indexOf("select 5208")).filter((l) => l.startsWith("apdu 01B0")).length, 1);
	});

	it("2G: class A0, indirect selection of 3F00/5015, GSM responses for file sizes", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--profile", "2g", "--bootstrap", FIXTURE, "--bootstrap-size", "600"], ["2g"]);
		const r = steps[0]!;
		assert.equal(r.error, undefined, String(r.message));
		assert.equal(r.text, fixture);
		assert.ok(peer.includes("apdu A0A40000025015 sw 9F16"), peer.join("\n"));
		assert.ok(!peer.some((l) => l.startsWith("channel")));
	});

	for (const profile of ["3g", "2g"]) {
		it(`${profile}: a private bootstrap object needs the PIN: none given, a wrong one (tries left, never retried), the right one`, async () => {
			const args = ["--profile", profile, "--bootstrap", FIXTURE, "--pin", "1234"];
			const none = await withUicc(SCRIPT, args, [profile]);
			assert.equal(none.steps[0]!.error, "pin-required");
			assert.ok(!none.peer.some((l) => /^apdu (A0|0[0-3])20/.test(l)), "no VERIFY without a PIN");
			// two attempts allowed by the script: the wrong PIN is still presented only once
			const wrong = await withUicc(SCRIPT, args, [profile, "9999", "-", "2"]);
			for (const step of wrong.steps) {
				assert.equal(step.error, "pin-wrong", JSON.stringify(step));
				assert.ok(!String(step.message).includes("9999"), "the PIN is not in the message");
			}
			assert.equal(wrong.steps[0]!.sw, profile === "2g" ? 0x9804 : 0x63c2);
			assert.equal(wrong.steps[0]!.triesLeft, profile === "2g" ? undefined : 2);
			// the second attempt (after a reset) found 2 tries left and presented the PIN again: one per read
			assert.deepEqual(wrong.peer.filter((l) => l.startsWith("pin wrong")), ["pin wrong 2", "pin wrong 1"]);
			const good = await withUicc(SCRIPT, args, [profile, "1234"]);
			assert.equal(good.steps[0]!.text, fixture);
			assert.equal(good.steps[0]!.needsPin, true);
			assert.ok(good.peer.includes("pin ok"));
			assert.ok(!good.peer.some((l) => l.includes("31323334") && !/^apdu (A0|0[0-3])20/.test(l)), "the PIN crosses the line only in VERIFY");
		});

		it(`${profile}: a blocked PIN is not presented; nor is the last try spent automatically`, async () => {
			const args = ["--profile", profile, "--bootstrap", FIXTURE, "--pin", "1234"];
			const blocked = await withUicc(SCRIPT, [...args, "--pin-tries", "0"], [profile, "1234"]);
			assert.equal(blocked.steps[0]!.error, "pin-blocked", JSON.stringify(blocked.steps[0]));
			assert.equal(blocked.steps[0]!.triesLeft, 0);
			assert.ok(!blocked.peer.some((l) => l.includes("31323334")), "the PIN never went to the card");
			assert.ok(!String(blocked.steps[0]!.message).includes("1234"));
			const last = await withUicc(SCRIPT, [...args, "--pin-tries", "1"], [profile, "1234"]);
			assert.equal(last.steps[0]!.error, "pin-last-try", JSON.stringify(last.steps[0]));
			assert.ok(!last.peer.some((l) => l.includes("31323334")), "the last try was not spent");
			const two = await withUicc(SCRIPT, [...args, "--pin-tries", "2"], [profile, "1234"]);
			assert.equal(two.steps[0]!.text, fixture, "two tries left: the right PIN is presented and reads");
		});
	}

	it("streams a 4 KiB bootstrap in 256-byte chunks after PPS", async () => {
		const { file, text } = bigBootstrap(4096);
		const { steps } = await withUicc(SCRIPT, ["--bootstrap", file, "--bootstrap-size", "4200"], ["3g"]);
		const r = steps[0]!;
		assert.equal(r.error, undefined, String(r.message));
		assert.equal(r.pps, "accepted");
		assert.equal(r.length, 4096);
		assert.equal(r.chunks, 16);
		assert.equal(r.text, text);
	});

	it("a document that runs past 32 KiB: a typed error at offset 32768, no READ BINARY beyond what B0 addresses", async () => {
		const { file } = bigBootstrap(33000);
		const { steps, peer } = await withUicc(SCRIPT, ["--bootstrap", file], ["3g", "-", "-", "1", "count"]);
		assert.equal(steps[0]!.error, "format", JSON.stringify(steps[0]));
		assert.match(String(steps[0]!.message), /past 32768 bytes, where READ BINARY \(B0\) stops/);
		const reads = peer.slice(peer.indexOf("select 5208")).filter((l) => l.startsWith("apdu 01B0"));
		assert.equal(reads.length, 128, "32 KiB in 256-byte reads, then nothing");
		assert.ok(reads.every((l) => parseInt(l.slice(9, 11), 16) < 0x80), "no offset with P1 bit 8 (an SFI) was sent");
	});

	it("a card without the PKCS#15 application says so", async () => {
		// TA1 11 and a bare card: the 2G profile with a DIR record that is not PKCS#15 is simulated by a wrong profile
		const { steps } = await withUicc(SCRIPT, ["--profile", "2g", "--bootstrap", FIXTURE], ["3g"]);
		assert.equal(steps[0]!.error, "status");
		assert.equal(steps[0]!.sw, 0x6e00, "a 2G card refuses 3G class bytes");
	});
});
