// The firmware envelope's streaming reader (modules/firmware/envelope.ts): the header checked
// before any payload byte is handed on, the same result whole and byte by byte, a resume from a
// kept header and the slot's bytes, and each bad package refused with its kind (FUMO 402/403/404/501).
// Real ECDSA signatures: tests/unit-xs/firmware-envelope.test.ts.
import { EnvelopeFault, EnvelopeReader, checkHeader, compareVersions, type EnvelopeExpectations } from "../../../modules/firmware/index.js";
import { TEST_KEY, payloadOf, testEnvelope, testVerify } from "../../fixtures/firmware.js";
import { assert, describe, it } from "../../harness/index.js";

const expect: EnvelopeExpectations = { model: "acme-sensor", running: "1.0", publicKey: TEST_KEY, maxPayload: 65536, verify: testVerify };

/** Appends bytes one by one (a spread of thousands of arguments overflows XS's stack). */
function push(to: number[], bytes: Uint8Array): void {
	for (let i = 0; i < bytes.length; i++) to.push(bytes[i]!);
}

function readAll(envelope: Uint8Array, step: number, e = expect): { payload: Uint8Array; version: string; firstPayloadAt: number } {
	const r = EnvelopeReader.start(e);
	const out: number[] = [];
	let firstPayloadAt = -1;
	for (let at = 0; at < envelope.length; at += step) {
		r.feed(envelope.subarray(at, at + step), (p) => { if (firstPayloadAt < 0) firstPayloadAt = at; push(out, p); });
	}
	const h = r.finish();
	return { payload: Uint8Array.from(out), version: h.version, firstPayloadAt };
}

function kindOf(fn: () => unknown): string {
	try { fn(); } catch (e) { if (e instanceof EnvelopeFault) return e.kind; throw e; }
	return "accepted";
}

describe("firmware envelope", () => {
	const payload = payloadOf(5000);
	const good = testEnvelope({ model: "acme-sensor", version: "1.1", payload });

	it("hands on the payload unchanged, whole and byte by byte", () => {
		for (const step of [good.length, 4096, 333, 1]) {
			const r = readAll(good, step);
			assert.bytes(r.payload, payload, `step ${step}`);
			assert.equal(r.version, "1.1");
		}
	});

	it("checks the header before the first payload byte is handed on", () => {
		const foreign = testEnvelope({ model: "other-board", version: "1.1", payload });
		let handed = 0;
		const r = EnvelopeReader.start(expect);
		assert.equal(kindOf(() => { for (let at = 0; at < foreign.length; at += 1) r.feed(foreign.subarray(at, at + 1), () => { handed++; }); }), "mismatch");
		assert.equal(handed, 0);
	});

	it("refuses each bad package with its kind: digest, signature, model, version, size, format", () => {
		const cases: [string, Uint8Array, string][] = [
			["a payload whose digest differs", testEnvelope({ model: "acme-sensor", version: "1.1", payload, digest: new Uint8Array(32) }), "corrupt"],
			["a bad signature", testEnvelope({ model: "acme-sensor", version: "1.1", payload, signature: new Uint8Array(64).fill(1) }), "signature"],
			["another model", testEnvelope({ model: "acme-gateway", version: "1.1", payload }), "mismatch"],
			["the running version", testEnvelope({ model: "acme-sensor", version: "1.0", payload }), "mismatch"],
			["an older version", testEnvelope({ model: "acme-sensor", version: "0.9.9", payload }), "mismatch"],
			["a payload larger than the slot", testEnvelope({ model: "acme-sensor", version: "1.1", payload: payloadOf(70000) }), "too-large"],
			["no magic", Uint8Array.from([0x50, 0x4b, 3, 4, 1, 1, 1, 0]), "corrupt"],
			["bytes after the payload", (() => { const b = new Uint8Array(good.length + 1); b.set(good); return b; })(), "corrupt"],
			["a payload cut short", good.subarray(0, good.length - 1), "corrupt"],
		];
		for (const [what, bytes, kind] of cases) assert.equal(kindOf(() => readAll(bytes, 700)), kind, what);
		const flipped = good.slice();
		flipped[flipped.length - 10] ^= 1;
		assert.equal(kindOf(() => readAll(flipped, 700)), "corrupt", "one payload bit flipped");
	});

	it("takes a version not newer when the server allows it", () => {
		const same = testEnvelope({ model: "acme-sensor", version: "1.0", payload });
		assert.bytes(readAll(same, 512, { ...expect, allowOlder: true }).payload, payload);
	});

	it("resumes from a kept header and the payload bytes already in the slot", () => {
		const first = EnvelopeReader.start(expect);
		const slot: number[] = [];
		first.feed(good.subarray(0, 3000), (p) => push(slot, p));
		const header = first.headerBytes()!;
		const committed = 2048;
		const again = EnvelopeReader.resume(header, expect);
		again.skip(Uint8Array.from(slot.slice(0, committed)));
		assert.equal(again.offset, header.length + committed);
		const rest: number[] = [];
		again.feed(good.subarray(again.offset), (p) => push(rest, p));
		assert.equal(again.finish().payloadLength, payload.length);
		assert.bytes(Uint8Array.from(slot.slice(0, committed).concat(rest)), payload);
	});

	it("checkHeader reads a kept header alone", () => {
		const h = checkHeader(good, expect);
		assert.deepEqual([h.model, h.version, h.payloadLength, h.length], ["acme-sensor", "1.1", 5000, 44 + 11 + 3 + 64]);
	});

	it("orders dotted versions numerically", () => {
		assert.ok(compareVersions("1.10", "1.9") > 0);
		assert.ok(compareVersions("1.1", "1.1.0") < 0);
		assert.equal(compareVersions("2.0", "2.0"), 0);
		assert.ok(compareVersions("1.0-rc2", "1.0-rc1") > 0);
	});
});
