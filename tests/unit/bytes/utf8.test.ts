// UTF-8 without TextEncoder (modules/bytes/utf8.ts): the same answers on Node (a JS loop) and on XS (the
// engine's own conversions, with the loop as the fallback for surrogates), and linear on both.
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { hasSurrogate, hasSurrogateReference } from "../../../modules/bytes/utf8.js";
import { assert, describe, it } from "../../harness/index.js";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("codec: UTF-8", () => {
	it("encodes every width, and a pair built from its halves as one code point", () => {
		assert.equal(hex(encodeUtf8("aé€😀")), "61c3a9e282acf09f9880");
		const high = String.fromCharCode(0xd83d), low = String.fromCharCode(0xde00);
		assert.equal(hex(encodeUtf8(high + low)), "f09f9880");
	});

	it("refuses a lone surrogate rather than writing invalid UTF-8", () => {
		for (const text of [String.fromCharCode(0xd800), `a${String.fromCharCode(0xdc00)}b`]) {
			let refused = false;
			try { encodeUtf8(text); } catch (e) { refused = e instanceof TypeError; }
			assert.ok(refused, JSON.stringify(text));
		}
	});

	it("decodes strict UTF-8 and refuses overlong forms, surrogates, code points above U+10FFFF and truncation", () => {
		assert.equal(decodeUtf8(Uint8Array.of(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)), "aé€😀");
		assert.equal(decodeUtf8(new Uint8Array(0)), "");
		assert.equal(decodeUtf8(new Uint8Array(8).subarray(2, 2)), "");
		for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff], [0x80]]) {
			assert.equal(decodeUtf8(Uint8Array.from(bad)), undefined, hex(Uint8Array.from(bad)));
		}
	});

	it("keeps U+0000 as the byte 00 both ways (XS's own conversions keep it as C0 80, or end the text there)", () => {
		assert.deepEqual(Array.from(encodeUtf8("a\u0000b")), [0x61, 0x00, 0x62]);
		assert.equal(decodeUtf8(Uint8Array.of(0x61, 0x00, 0x62)), "a\u0000b");
		assert.equal(decodeUtf8(Uint8Array.of(0x00)), "\u0000");
		assert.equal(decodeUtf8(Uint8Array.of(0x61, 0xc0, 0x80)), undefined, "C0 80 is an overlong form");
	});

	it("round-trips 64 KiB of mixed text, also from a view into a larger buffer", () => {
		const text = "ascii, é, €, 😀 / ".repeat(3700);
		const bytes = encodeUtf8(text);
		assert.ok(bytes.length > 65536);
		assert.equal(decodeUtf8(bytes), text);
		const framed = new Uint8Array(bytes.length + 10);
		framed.set(bytes, 5);
		assert.equal(decodeUtf8(framed.subarray(5, 5 + bytes.length)), text);
	});

	it("finds an encoded surrogate (ED A0..BF) as its one-byte-at-a-time reference does, wherever it sits", () => {
		const cases: number[][] = [[], [0xed], [0xed, 0xa0], [0xed, 0x9f], [0x61, 0xed], [0xed, 0xed, 0xa0], [0xed, 0xbf, 0x80], [0x61, 0x62, 0xed, 0x9f, 0xbf, 0xed], [0xed, 0xc0]];
		let seed = 7;
		for (let n = 0; n < 200; n++) {
			const c: number[] = [];
			for (let k = n % 9; k > 0; k--) { seed = (seed * 1103515245 + 12345) >>> 0; c.push([0xed, 0xa0, 0x9f, 0xbf, 0x61, 0xc0][seed % 6]!); }
			cases.push(c);
		}
		for (const c of cases) {
			const bytes = Uint8Array.from(c), framed = new Uint8Array(c.length + 2);
			framed.set(bytes, 1);
			assert.equal(hasSurrogate(bytes), hasSurrogateReference(bytes), hex(bytes));
			assert.equal(hasSurrogate(framed.subarray(1, 1 + c.length)), hasSurrogateReference(bytes), hex(bytes));
		}
		assert.equal(hasSurrogate(Uint8Array.of(0x61, 0xed, 0xa0, 0x80)), true);
		assert.equal(hasSurrogate(Uint8Array.of(0x61, 0xed, 0x9f, 0xbf)), false);
	});
});
