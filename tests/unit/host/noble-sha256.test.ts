// @noble/hashes (pure TypeScript SHA-256/HMAC) on both engines, against FIPS 180-4 and RFC 4231.
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { assert, describe, it } from "../../harness/index.js";

function ascii(s: string): Uint8Array {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
	return out;
}

describe("@noble/hashes SHA-256", () => {
	// FIPS 180-4 examples (NIST CSRC "SHA256.pdf" / FIPS 180-2 appendix B)
	it("hashes \"abc\"", () => {
		assert.bytes(sha256(ascii("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	});
	it("hashes the 448-bit two-block message", () => {
		assert.bytes(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	});
	it("hashes the empty message", () => {
		assert.bytes(sha256(new Uint8Array(0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	});
	it("hashes one million 'a' fed in uneven chunks", () => {
		const h = sha256.create();
		const chunk = new Uint8Array(9999).fill(0x61);
		let left = 1000000;
		while (left > 0) {
			const n = Math.min(left, chunk.length);
			h.update(chunk.subarray(0, n));
			left -= n;
		}
		assert.bytes(h.digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	});
	it("computes HMAC-SHA-256 (RFC 4231 test case 2)", () => {
		assert.bytes(hmac(sha256, ascii("Jefe"), ascii("what do ya want for nothing?")),
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	});
});
