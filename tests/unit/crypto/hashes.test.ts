// modules/crypto's hashes on whichever implementation the engine has: @noble/hashes on Node, the
// native (mbedTLS) SHA-256 on xsdm; MD5 (HTTP Digest) is @noble/hashes on both. Known answers from
// FIPS 180-4 and RFC 1321, whole and in pieces.
import { createSha256, hasNativeSha256, md5, sha256 } from "../../../modules/crypto/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("crypto: the hash each host has", () => {
	it("runs SHA-256 natively on XS (xsdm binds it) and through @noble/hashes on Node", () => {
		assert.equal(hasNativeSha256, engine === "xs");
	});

	it("gives SHA-256's known answers whole, in uneven pieces, and from an ArrayBuffer", () => {
		assert.bytes(sha256(ascii("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		assert.bytes(sha256(new Uint8Array(0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		const text = ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
		const d = createSha256();
		for (let at = 0; at < text.length; at += 7) d.update(text.subarray(at, at + 7));
		assert.bytes(d.digest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
		assert.bytes(sha256(ascii("abc").buffer as ArrayBuffer), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	});

	it("refuses a finished SHA-256 on either implementation", () => {
		const d = createSha256();
		d.digest();
		assert.throws(() => d.update(ascii("x")), /finished/);
	});

	it("gives MD5's RFC 1321 answers", () => {
		assert.bytes(md5(new Uint8Array(0)), "d41d8cd98f00b204e9800998ecf8427e");
		assert.bytes(md5(ascii("abc")), "900150983cd24fb0d6963f7d28e17f72");
		assert.bytes(md5(ascii("12345678901234567890123456789012345678901234567890123456789012345678901234567890")), "57edf4a22be3c955ac49da2e2107b67a");
	});
});
