// modules/bytes/native/span.c against its TypeScript reference, on XS: both count a string's units
// as the engine's charCodeAt does, so every text, set and start must give the same index.
import { random } from "embedded:sim/host";
import { span, spanBytes, spanBytesReference, spanReference, unitSet, type UnitSet } from "../../../modules/bytes/span.js";
import { assert, describe, it } from "../../harness/index.js";

/** Texts over every unit below 0x200 (one at a time and in runs), NUL, surrogates alone and paired,
    astral characters and the edges of the UTF-8 lengths. */
function texts(): string[] {
	const out = ["", "a", "\u0000", "a\u0000b", "\u00ff", "\u0100", "\u07ff", "\u0800", "\uffff", "\ud800", "\udc00x", "\ud83d\ude00", "a\u{1f600}b\ud800c\u00e9"];
	for (let u = 0; u < 0x200; u++) out.push(String.fromCharCode(u), `ab${String.fromCharCode(u)}cd`);
	const bytes = random(new Uint8Array(64 * 24));
	for (let t = 0; t < 64; t++) {
		let s = "";
		for (let i = 0; i < 24; i++) {
			const b = bytes[t * 24 + i]!;
			s += b < 200 ? String.fromCharCode(0x20 + (b % 0x60)) : b < 240 ? String.fromCharCode(0x80 + b) : b < 250 ? "\u20ac" : "\u{1f600}";
		}
		out.push(s);
	}
	return out;
}

function sets(): UnitSet[] {
	const bits = random(new Uint8Array(32));
	return [
		unitSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"),
		unitSet("/?#", true),
		unitSet("\"\\\u0000\u001f", true),
		unitSet(""),
		unitSet("", true),
		{ bits, above: false },
		{ bits, above: true },
		unitSet("\u0080\u00e9\u00ff "),
	];
}

describe("bytes: span's C core", () => {
	it("is the C core on XS, not the TypeScript loop", () => {
		assert.ok(span !== spanReference, "xsdm registers xs_bytes_span");
		assert.ok(spanBytes !== spanBytesReference, "xsdm registers xs_bytes_span_bytes");
	});

	it("finds what the reference finds, on every text, set and start", () => {
		let compared = 0;
		for (const set of sets()) {
			for (const text of texts()) {
				for (const from of [-3, 0, 1, 2, 5, text.length - 1, text.length, text.length + 4]) {
					assert.equal(span(text, set, from), spanReference(text, set, from), `${JSON.stringify(text)} from ${from}`);
					compared++;
				}
			}
		}
		assert.ok(compared > 8000, `compared ${compared}`);
	});

	it("finds over bytes what the reference finds, on views and every start", () => {
		const all = random(new Uint8Array(300));
		for (let b = 0; b < 256; b++) all[b] = b;
		const views = [all, all.subarray(7), all.subarray(100, 140), all.subarray(5, 5), new Uint8Array(0)];
		let compared = 0;
		for (const set of sets()) for (const bytes of views) {
			for (let from = -2; from <= bytes.length + 2; from++) {
				assert.equal(spanBytes(bytes, set, from), spanBytesReference(bytes, set, from), `length ${bytes.length} from ${from}`);
				compared++;
			}
		}
		assert.ok(compared > 200, `compared ${compared}`);
	});

	it("stops where it should on known cases", () => {
		const authority = unitSet("/?#", true);
		assert.equal(span("host:80/path", authority), 7);
		assert.equal(span("h\u00e9\u20ac\u{1f600}st?q", authority), spanReference("h\u00e9\u20ac\u{1f600}st?q", authority));
		assert.equal(span("host", authority), -1);
		assert.equal(span("a/b/c", authority, 2), 3);
		const name = unitSet("abc");
		assert.equal(span("abcabc", name), -1);
		assert.equal(span("ab\u0000c", name), 2);
		assert.equal(span("ab\u00e9", name), 2);
	});

	it("refuses a set that is not 32 bytes", () => {
		assert.throws(() => span("abc", { bits: new Uint8Array(31), above: false }), /32 bytes/);
	});
});
