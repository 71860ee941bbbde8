// json-scan.c keeps its own UTF-8 loop (utf8Sequence): here it is called directly, the way
// json-reader.ts calls it, on a string holding each case of tests/unit/bytes/utf8-cases.ts, and its
// verdict must be modules/bytes' on every one. C accepts a string by delivering it whole; it
// refuses by giving the string up to the TypeScript reader (the Replay register), which is what it
// does with any byte sequence it does not take as valid UTF-8.
import { Utf8Validator, Utf8Verdict, isUtf8 } from "../../../modules/bytes/index.js";
import { JsonError, JsonReader, hasNativeScan, type JsonHandler } from "../../../modules/dm/codec/index.js";
import { assert, describe, it } from "../../harness/index.js";
import { forEachUtf8Case, hexOf } from "../../unit/bytes/utf8-cases.js";

type Scan = (chunk: Uint8Array, from: number, registers: Uint8Array, stack: Uint8Array, handler: JsonHandler, carry: Uint8Array) => number;
// the registers of json-scan.c, in its order (json-reader.ts's R)
const State = 0, MaxDepth = 2, MaxKeyLength = 3, MaxNumberLength = 4, StringChunk = 5, Carry = 6, Replay = 7, Open = 8, Count = 9;
const VALUE = 1;   // json-reader.ts's S.Value

function plain(b: Uint8Array): boolean {
	for (let i = 0; i < b.length; i++) if (b[i] === 0x22 || b[i] === 0x5c || b[i]! < 0x20) return false;
	return true;
}

describe("json-scan.c's UTF-8 loop against modules/bytes", () => {
	it("is bound on this host", () => {
		assert.ok(hasNativeScan, "xsdm binds xs_json_scan");
	});

	it("takes a string whole exactly when the validator accepts its bytes, on every case", () => {
		const scan = native("xs_json_scan") as Scan;
		const registers = new Int32Array(Count), registerBytes = new Uint8Array(registers.buffer);
		const stack = new Uint8Array(65), carry = new Uint8Array(1024);
		let delivered = false;
		const handler: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, number() {}, literal() {}, string(_s, final) { if (final) delivered = true; } };
		let wrong = "", compared = 0;
		forEachUtf8Case((b) => {
			if (wrong || !plain(b)) return;
			const doc = new Uint8Array(b.length + 2);
			doc[0] = 0x22;
			doc.set(b, 1);
			doc[b.length + 1] = 0x22;
			registers.fill(0);
			registers[State] = VALUE; registers[MaxDepth] = 64; registers[MaxKeyLength] = 256; registers[MaxNumberLength] = 64; registers[StringChunk] = 256;
			delivered = false;
			scan(doc, 0, registerBytes, stack, handler, carry);
			const accepted = delivered && registers[Replay] === 0 && registers[Open] === 0 && registers[Carry] === 0;
			if (accepted !== isUtf8(b)) wrong = `${hexOf(b)}: C ${accepted ? "accepts" : "refuses"}`;
			compared++;
		});
		assert.equal(wrong, "", "first disagreement");
		assert.ok(compared > 300000, `${compared} cases compared`);
	}, 300000);

	it("reports a Utf8 error through the native reader exactly when the validator refuses, a piece at a time", () => {
		const handler: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {} };
		const reader = new JsonReader(handler, { native: true });
		const v = new Utf8Validator();
		let wrong = "";
		forEachUtf8Case((b) => {
			if (wrong || !plain(b) || b.length < 2) return;
			// the document split inside the sequence: C meets a sequence cut by the chunk's end
			const doc = Uint8Array.from([0x5b, 0x22, ...b, 0x22, 0x5d]);
			reader.reset();
			v.reset();
			const r1 = reader.feed(doc.subarray(0, 3), false);
			const r2 = r1 < 0 ? r1 : reader.feed(doc.subarray(3), true);
			v.feed(b);
			const valid = v.end() === Utf8Verdict.Valid;
			if ((r2 === JsonError.Utf8) === valid) wrong = `${hexOf(b)}: reader ${r2}`;
		}, [0x41, 0x80, 0xbf, 0xc0]);
		assert.equal(wrong, "");
	}, 300000);
});
