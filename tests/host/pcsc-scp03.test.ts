// Appendix H end to end: xsdm (mbedTLS through modules/crypto) and the UICC simulator (Python
// `cryptography`) agree on SCP03 over the pty, the bootstrap comes off the card encrypted, and each
// injected fault (wrong cryptogram, bad R-MAC, replayed answer, wrong keys) is a typed error after
// which a fresh activation reads the bootstrap. Also checks that the XS unit test's vectors are
// still what the Python implementation computes.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assert, describe, it } from "../harness/index.js";
import { compiled, root } from "./xsdm.js";
import { UICC_KEYS as KEYS, bootstrapOfSize as bootstrapOf, withUicc } from "./uicc-peer.js";

const SCRIPT = "tests/xs/host/pcsc-bootstrap.ts";
const FIXTURE = join(root, "hosts/sim/peers/uicc/fixtures/bootstrap.json");
const WRONG = "404142434445464748494A4B4C4D4E4F:505152535455565758595A5B5C5D5E50:606162636465666768696A6B6C6D6E6F";
/** static keys of each AES length GP Amendment D allows */
const KEYS_BY_LENGTH: Record<string, string> = {
	"AES-128": KEYS,
	"AES-192": "404142434445464748494A4B4C4D4E4F5051525354555657:505152535455565758595A5B5C5D5E5F6061626364656667:606162636465666768696A6B6C6D6E6F7071727374757677",
	"AES-256": "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F:505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F:606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F",
};

describe("pcsc-uart SCP03 on xsdm ↔ UICC simulator (pty)", () => {
	it("the XS unit vectors are what Python cryptography computes", async () => {
		const py = spawnSync("python3", [join(root, "tests/host/scp03-vectors.py")], { encoding: "utf8" });
		assert.equal(py.status, 0, py.stderr);
		const { vectors } = await import(compiled("tests/unit-xs/pcsc-uart/scp03-vectors.ts")) as { vectors: unknown };
		assert.deepEqual(vectors, JSON.parse(py.stdout));
	});

	it("the simulator's SCP03 (Python cryptography) reproduces osmocom/pysim's published AES-128/192/256 transcripts", async () => {
		const { published } = await import(compiled("tests/unit-xs/pcsc-uart/scp03-published-vectors.ts")) as { published: { name: string }[] };
		const py = spawnSync("python3", [join(root, "tests/host/scp03-published.py")], { input: JSON.stringify(published), encoding: "utf8" });
		assert.equal(py.status, 0, py.stderr);
		assert.deepEqual(py.stdout.trim().split("\n"), published.map((t) => `ok ${t.name}`));
	});

	for (const [name, keys] of Object.entries(KEYS_BY_LENGTH)) {
		it(`${name} static keys: the bootstrap comes through level 33; the other lengths' keys are refused`, async () => {
			const { file, text } = bootstrapOf(700);
			const { steps, peer } = await withUicc(SCRIPT, ["--bootstrap", file, "--scp03", keys], ["3g", "-", keys]);
			assert.equal(steps[0]!.error, undefined, String(steps[0]!.message));
			assert.equal(steps[0]!.text, text);
			assert.ok(peer.includes("scp03 authenticated 33"), peer.join("\n"));
			// keys of another length (same bytes, cut or extended) fail the card cryptogram, typed
			const other = Object.values(KEYS_BY_LENGTH).find((k) => k !== keys)!;
			const wrong = await withUicc(SCRIPT, ["--bootstrap", file, "--scp03", keys], ["3g", "-", other]);
			assert.equal(wrong.steps[0]!.error, "security");
			assert.ok(/card cryptogram/.test(String(wrong.steps[0]!.message)));
		});
	}

	it("reads a 4 KiB bootstrap through SCP03 level 33 after PPS", async () => {
		const { file, text } = bootstrapOf(4096);
		const { run, steps, peer } = await withUicc(SCRIPT, ["--bootstrap", file, "--bootstrap-size", "4200", "--scp03", KEYS], ["3g", "-", KEYS]);
		assert.equal(run.code, 0, run.stderr);
		const r = steps[0]!;
		assert.equal(r.error, undefined, String(r.message));
		assert.equal(r.text, text);
		assert.equal(r.pps, "accepted");
		assert.equal(r.chunks, Math.ceil(4096 / 239));
		assert.ok(peer.includes("scp03 authenticated 33"), peer.join("\n"));
		// nothing of the document crosses the line in clear: no plain READ BINARY answers after EXTERNAL AUTHENTICATE
		const after = peer.slice(peer.indexOf("scp03 authenticated 33") + 1);
		// (GET RESPONSE stays plain: it is T=0's, below the secure channel)
		assert.equal(after.filter((l) => /^apdu 01(?!C0)/.test(l)).length, 0, "no plain commands on the secure channel");
		const body = peer.slice(peer.lastIndexOf("select 5208"));
		assert.equal(body.filter((l) => l.startsWith("apdu 05B0")).length, r.chunks, "one wrapped READ BINARY per chunk");
	});

	it("the same under the inverse convention with INS^FF byte-by-byte procedure bytes", async () => {
		const { file, text } = bootstrapOf(1500);
		const { steps } = await withUicc(SCRIPT, ["--convention", "inverse", "--procedure", "single", "--bootstrap", file, "--scp03", KEYS], ["3g", "-", KEYS]);
		assert.equal(steps[0]!.error, undefined, String(steps[0]!.message));
		assert.equal(steps[0]!.text, text);
	});

	it("PIN-protected bootstrap: VERIFY travels encrypted inside the channel", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--bootstrap", FIXTURE, "--pin", "2468", "--scp03", KEYS], ["3g", "2468", KEYS]);
		assert.equal(steps[0]!.error, undefined, String(steps[0]!.message));
		assert.ok(peer.includes("pin ok"));
		assert.ok(!peer.some((l) => l.includes("32343638")), "the PIN digits never appear on the line");
	});

	for (const [fault, pattern] of [["scp-bad-cryptogram:0", /card cryptogram/], ["scp-bad-rmac:3", /R-MAC mismatch/], ["scp-replay:4", /replayed/]] as const) {
		it(`${fault.split(":")[0]}: a typed security error, then a fresh activation succeeds`, async () => {
			const { steps, peer } = await withUicc(SCRIPT, ["--bootstrap", FIXTURE, "--scp03", KEYS, "--fault", fault], ["3g", "-", KEYS, "2"]);
			assert.equal(steps[0]!.error, "security", JSON.stringify(steps[0]));
			assert.ok(pattern.test(String(steps[0]!.message)), String(steps[0]!.message));
			assert.ok(!String(steps[0]!.message).includes(KEYS.slice(0, 32)));
			assert.ok(peer.includes(`fault ${fault.split(":")[0]}`));
			assert.equal(steps[1]!.text, readFileSync(FIXTURE, "utf8"), "the retry reads the bootstrap");
		});
	}

	it("wrong static keys on the device: card cryptogram mismatch, EXTERNAL AUTHENTICATE never sent", async () => {
		const { steps, peer } = await withUicc(SCRIPT, ["--bootstrap", FIXTURE, "--scp03", KEYS], ["3g", "-", WRONG]);
		assert.equal(steps[0]!.error, "security");
		assert.ok(/card cryptogram/.test(String(steps[0]!.message)));
		assert.ok(!peer.some((l) => l.startsWith("apdu 8582")), "no EXTERNAL AUTHENTICATE");
		assert.ok(peer.includes("channel close 1"), "the logical channel is closed after the failure");
	});
});
