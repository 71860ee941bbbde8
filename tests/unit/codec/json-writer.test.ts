// The streaming JSON writer: output equal to JSON.stringify for plain values, bounded buffer,
// streamed strings and base64, and misuse caught.
import { JsonWriter, decodeJson, type JsonValue } from "../../../modules/dm/codec/index.js";
import { assert, describe, it } from "../../harness/index.js";
import { utf8 } from "./json-events.js";

function collect(bufferSize = 16): { writer: JsonWriter; bytes: () => Uint8Array; flushes: number[] } {
	const parts: Uint8Array[] = [];
	const flushes: number[] = [];
	const writer = new JsonWriter((b) => { flushes.push(b.length); parts.push(b.slice()); }, bufferSize);
	return {
		writer, flushes,
		bytes: () => {
			const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
			let at = 0;
			for (const p of parts) { out.set(p, at); at += p.length; }
			return out;
		},
	};
}

function write(w: JsonWriter, v: JsonValue): void {
	if (v === null) w.null();
	else if (typeof v === "boolean") w.boolean(v);
	else if (typeof v === "number") w.number(v);
	else if (typeof v === "string") w.string(v);
	else if (Array.isArray(v)) { w.startArray(); for (const x of v) write(w, x); w.endArray(); }
	else { w.startObject(); for (const k of Object.keys(v)) { w.key(k); write(w, v[k]!); } w.endObject(); }
}

function text(bytes: Uint8Array): string {
	// decode through our own reader: it validates the UTF-8 as well
	return JSON.stringify(decodeJson(bytes));
}

describe("JSON writer (streaming)", () => {
	const samples: JsonValue[] = [
		{ a: 1, b: [true, false, null], c: { d: "e" }, "": -1.5e-7 },
		["quote\" backslash\\ slash/ tab\t nl\n cr\r ff\f bs\b nul\u0000 us\u001f", "é € 😀 \u{10FFFF}"],
		"plain", 0, [], {}, [[[[]]]],
		// names: escaped, non-ASCII, longer than the buffer, after a comma and not
		{ "quo\"te": 1, "é😀": [{ x: null, y: true }], "a name longer than the sixteen-byte buffer": false, "\u0001": "" },
	];
	for (const v of samples) {
		it(`writes ${JSON.stringify(v).slice(0, 40)} as JSON.stringify would, through a 16-byte buffer`, () => {
			const c = collect();
			write(c.writer, v);
			c.writer.end();
			const bytes = c.bytes();
			assert.equal(text(bytes), JSON.stringify(v));
			assert.bytes(bytes, utf8(JSON.stringify(v)));
			assert.ok(c.flushes.every((n) => n <= 16));
		});
	}

	it("streams a string in pieces, surrogate pairs split across pieces included", () => {
		const c = collect();
		c.writer.startArray().beginString().stringChunk("ab\"c").stringChunk("\ud83d").stringChunk("\ude00x").stringBytes(utf8("é\n")).endString().endArray().end();
		assert.deepEqual(decodeJson(c.bytes()), ["ab\"c😀xé\n"]);
	});

	it("streams base64 (RFC 4648 vectors) from pieces of any size", () => {
		const vectors: [string, string][] = [["", ""], ["f", "Zg=="], ["fo", "Zm8="], ["foo", "Zm9v"], ["foob", "Zm9vYg=="], ["fooba", "Zm9vYmE="], ["foobar", "Zm9vYmFy"]];
		for (const [plain, encoded] of vectors) {
			for (let step = 1; step <= 4; step++) {
				const c = collect();
				c.writer.beginBase64();
				const data = utf8(plain);
				for (let i = 0; i < data.length; i += step) c.writer.base64Chunk(data.subarray(i, i + step));
				c.writer.endBase64().end();
				assert.equal(decodeJson(c.bytes()), encoded, `"${plain}" in steps of ${step}`);
			}
		}
	});

	it("catches misuse", () => {
		assert.throws(() => collect().writer.startObject().string("x"), TypeError);
		assert.throws(() => collect().writer.startArray().key("k"), TypeError);
		assert.throws(() => collect().writer.startObject().key("k").endObject(), TypeError);
		assert.throws(() => collect().writer.startArray().endObject(), TypeError);
		assert.throws(() => collect().writer.number(NaN), TypeError);
		assert.throws(() => collect().writer.number(Infinity), TypeError);
		assert.throws(() => collect().writer.string("\ud800"), TypeError);
		assert.throws(() => collect().writer.string("a").string("b"), TypeError);
		assert.throws(() => collect().writer.startArray().end(), TypeError);
		assert.throws(() => collect().writer.beginString().number(1), TypeError);
		assert.throws(() => collect().writer.beginString().stringChunk("\ud800").endString(), TypeError);
	});
});
