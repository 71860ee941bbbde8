// modules/bytes' UTF-8 validator against the definition (RFC 3629) on every case of utf8-cases.ts,
// whole and split at every byte; and the JSON reader's own UTF-8 checks (TypeScript path) give the
// same verdict on the same cases inside a string.
import { Utf8Validator, Utf8Verdict, isUtf8 } from "../../../modules/bytes/index.js";
import { JsonError, JsonReader, type JsonHandler } from "../../../modules/dm/codec/index.js";
import { assert, describe, it } from "../../harness/index.js";
import { forEachUtf8Case, hexOf, utf8ByDefinition } from "./utf8-cases.js";

const h = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe("bytes: the strict UTF-8 validator", () => {
	it("refuses each bad class by name and accepts the edges of each range", () => {
		for (const bad of [[0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
			[0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]) {
			assert.equal(isUtf8(Uint8Array.from(bad)), false, hexOf(Uint8Array.from(bad)));
		}
		for (const good of [[0x00], [0x7f], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xee, 0x80, 0x80], [0xef, 0xbf, 0xbf],
			[0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf]]) {
			assert.equal(isUtf8(Uint8Array.from(good)), true, hexOf(Uint8Array.from(good)));
		}
	});

	it("agrees with the definition on every 1- and 2-byte sequence, every 3-byte lead/second pair and the 4-byte boundaries", () => {
		let wrong = "";
		const count = forEachUtf8Case((b) => { if (!wrong && isUtf8(b) !== utf8ByDefinition(b)) wrong = hexOf(b); });
		assert.equal(wrong, "", "first disagreement");
		assert.ok(count > 400000, `${count} cases`);
	}, 120000);

	it("gives the same verdict in pieces split at every byte: Incomplete at a cut, Invalid at the end of input", () => {
		let wrong = "";
		const v = new Utf8Validator();
		forEachUtf8Case((b) => {
			if (wrong || b.length < 2) return;
			const whole = utf8ByDefinition(b);
			for (let cut = 1; cut < b.length; cut++) {
				v.reset();
				const first = v.feed(b, 0, cut);
				if (whole && first === Utf8Verdict.Invalid) { wrong = `${hexOf(b)} cut at ${cut}: Invalid early`; return; }
				if (first === Utf8Verdict.Valid && !utf8ByDefinition(b.subarray(0, cut))) { wrong = `${hexOf(b)} cut at ${cut}: Valid`; return; }
				v.feed(b.subarray(cut));
				if ((v.end() === Utf8Verdict.Valid) !== whole) { wrong = `${hexOf(b)} cut at ${cut}`; return; }
			}
		}, [0x41, 0x80, 0xbf, 0xc0]);
		assert.equal(wrong, "");
	}, 120000);

	it("says Incomplete for a sequence cut by a piece's end, and continues it with the next piece", () => {
		const v = new Utf8Validator();
		assert.equal(v.feed(h(0x61, 0xf0, 0x9f)), Utf8Verdict.Incomplete);
		assert.equal(v.feed(h(0x98)), Utf8Verdict.Incomplete);
		assert.equal(v.feed(h(0x80, 0x62)), Utf8Verdict.Valid);
		assert.equal(v.end(), Utf8Verdict.Valid);
		v.reset();
		assert.equal(v.feed(h(0xe2, 0x82)), Utf8Verdict.Incomplete);
		assert.equal(v.end(), Utf8Verdict.Invalid, "cut at the end of input");
		v.reset();
		assert.equal(v.feed(h(0xed)), Utf8Verdict.Incomplete);
		assert.equal(v.feed(h(0xa0, 0x80)), Utf8Verdict.Invalid, "a surrogate across two pieces");
		assert.equal(v.feed(h(0x61)), Utf8Verdict.Invalid, "Invalid stays");
	});
});

/** No byte that JSON treats apart inside a string (quote, backslash, control): those end or escape it. */
function plain(b: Uint8Array): boolean {
	for (let i = 0; i < b.length; i++) if (b[i] === 0x22 || b[i] === 0x5c || b[i]! < 0x20) return false;
	return true;
}

const quiet: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {} };

describe("bytes: the JSON reader's UTF-8 checks are the validator's", () => {
	it("refuses a string with a Utf8 error exactly when the validator refuses its bytes (TypeScript reader)", () => {
		const reader = new JsonReader(quiet, { native: false });
		const doc = new Uint8Array(6);
		let wrong = "";
		forEachUtf8Case((b) => {
			if (wrong || !plain(b)) return;
			doc[0] = 0x22;
			doc.set(b, 1);
			doc[b.length + 1] = 0x22;
			reader.reset();
			const r = reader.feed(doc.subarray(0, b.length + 2), true);
			if ((r === JsonError.Utf8) === isUtf8(b)) wrong = `${hexOf(b)}: reader ${r}`;
		}, [0x41, 0x80, 0xbf, 0xc0]);
		assert.equal(wrong, "");
	}, 120000);
});
