// span.ts's scan and its sets: the reference on Node, the C core on XS (tests/unit-xs/bytes/span.test.ts
// compares the two over many more texts).
import { span, spanBytes, unitRange, unitSet } from "../../../modules/bytes/span.js";
import { assert, describe, it } from "../../harness/index.js";

describe("bytes: span", () => {
	it("stops at the first unit not in the set, from a start", () => {
		const authority = unitSet("/?#", true);
		assert.equal(span("host:80/path", authority), 7);
		// 7 on Node; XS counts U+1F600 as one unit, as its indexOf and charCodeAt do
		const text = "h\u00e9\u20ac\u{1f600}st?q";
		assert.equal(span(text, authority), text.indexOf("?"));
		assert.equal(span("host", authority), -1);
		assert.equal(span("a/b/c", authority, 2), 3);
		assert.equal(span("a/b/c", authority, -4), 1);
		assert.equal(span("a/b/c", authority, 9), -1);
		const name = unitSet("abc");
		assert.equal(span("abcabc", name), -1);
		assert.equal(span("ab\u0000c", name), 2);
		assert.equal(span("ab\u00e9", name), 2);
		assert.equal(span("", name), -1);
	});

	it("holds units above 0xff only in a complement", () => {
		assert.equal(unitSet("a").above, false);
		assert.equal(unitSet("a", true).above, true);
		assert.equal(span("\u0100", unitSet("", true)), -1);
		assert.equal(span("\u0100", unitSet("\u00ff")), 0);
		assert.throws(() => unitSet("\u0100"), /below 0x100/);
	});

	it("makes ranges less exceptions, and refuses what is not a unit below 0x100", () => {
		const plain = unitRange(0x20, 0x7f, "\"\\");
		assert.equal(span("name", plain), -1);
		assert.equal(span("a\"b", plain), 1);
		assert.equal(span("a\\b", plain), 1);
		assert.equal(span("a\tb", plain), 1);
		assert.equal(span("a\u0080", plain), 1);
		assert.throws(() => unitRange(0x20, 0x100), /0\.\.0xff/);
		assert.throws(() => unitRange(0x30, 0x20), /0\.\.0xff/);
	});

	it("scans bytes by the bitmap alone, from a start", () => {
		const plain = unitRange(0x20, 0xff, "\"\\");
		const bytes = new Uint8Array([0x61, 0xc3, 0xa9, 0x22, 0x62, 0x5c, 0x0a]);
		assert.equal(spanBytes(bytes, plain), 3);
		assert.equal(spanBytes(bytes, plain, 4), 5);
		assert.equal(spanBytes(bytes, plain, 6), 6);
		assert.equal(spanBytes(bytes.subarray(0, 3), plain), -1);
		assert.equal(spanBytes(bytes, plain, 9), -1);
		assert.equal(spanBytes(bytes, unitSet("", true)), -1);
	});
});
