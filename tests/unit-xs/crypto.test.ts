// The native crypto binding (mbedTLS) against published known answers, and against @noble/hashes.
import { hmac } from "@noble/hashes/hmac.js";
import { md5 as nobleMd5 } from "@noble/hashes/legacy.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { random } from "embedded:sim/host";
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesEcbDecrypt, aesEcbEncrypt, createHmacSha256, createSha256, hasNativeSha256, hmacSha256, md5, sha256 } from "../../modules/crypto/index.js";
import { decodePackage0, encodePackage0, package0Digest } from "../../modules/dm/codec/index.js";
import { assert, describe, it } from "../harness/index.js";

const { fromHex: h } = assert;

function ascii(s: string): Uint8Array {
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

describe("native SHA-256 (FIPS 180-4)", () => {
	it("hashes \"abc\", the two-block message and the empty message", () => {
		assert.bytes(sha256(ascii("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		assert.bytes(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
		assert.bytes(sha256(new Uint8Array(0)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	});
	it("hashes one million 'a' streamed in uneven chunks", () => {
		const d = createSha256();
		const chunk = new Uint8Array(7777).fill(0x61);
		for (let left = 1000000; left > 0; left -= chunk.length) d.update(chunk.subarray(0, Math.min(left, chunk.length)));
		assert.bytes(d.digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	});
	it("accepts an ArrayBuffer and a subarray view alike", () => {
		const whole = ascii("xxabcxx");
		assert.bytes(sha256(whole.subarray(2, 5)), sha256(ascii("abc")));
		assert.bytes(sha256(ascii("abc").buffer as ArrayBuffer), sha256(ascii("abc")));
	});
	it("refuses a finished digest", () => {
		const d = createSha256();
		d.digest();
		assert.throws(() => d.update(ascii("x")), /finished/);
	});
	it("agrees with @noble/hashes for every length 0..300 and a few KiB", () => {
		const data = random(new Uint8Array(4200));
		for (let n = 0; n <= 300; n++) assert.bytes(sha256(data.subarray(0, n)), nobleSha256(data.subarray(0, n)), `length ${n}`);
		for (const n of [1023, 1024, 1025, 4200]) assert.bytes(sha256(data.subarray(0, n)), nobleSha256(data.subarray(0, n)));
	});
});

describe("native HMAC-SHA-256 (RFC 4231)", () => {
	const cases: [string, Uint8Array, Uint8Array, string][] = [
		["1", new Uint8Array(20).fill(0x0b), ascii("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"],
		["2", ascii("Jefe"), ascii("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"],
		["3", new Uint8Array(20).fill(0xaa), new Uint8Array(50).fill(0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"],
		["4", h("0102030405060708090a0b0c0d0e0f10111213141516171819"), new Uint8Array(50).fill(0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"],
		["6", new Uint8Array(131).fill(0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First"), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"],
		["7", new Uint8Array(131).fill(0xaa), ascii("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."), "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"],
	];
	for (const [name, key, data, mac] of cases) {
		it(`test case ${name}`, () => {
			assert.bytes(hmacSha256(key, data), mac);
			assert.bytes(createHmacSha256(key).update(data.subarray(0, 3)).update(data.subarray(3)).digest(), mac);
		});
	}
	it("test case 5 (output truncated to 128 bits)", () => {
		assert.bytes(hmacSha256(new Uint8Array(20).fill(0x0c), ascii("Test With Truncation")).subarray(0, 16), "a3b6167473100ee06e0c796c2955552b");
	});
	it("agrees with @noble/hashes on random keys and data", () => {
		const bytes = random(new Uint8Array(600));
		for (let n = 0; n < 40; n++) {
			const key = bytes.subarray(n, n + (n * 7) % 100), data = bytes.subarray(100, 100 + n * 12);
			assert.bytes(hmacSha256(key, data), hmac(nobleSha256, key, data));
		}
	});
	it("takes an empty key, one-shot and incremental (PSA refuses empty key material: the binding gives the same HMAC key as one zero byte)", () => {
		const data = ascii("empty key");
		const expected = hmac(nobleSha256, new Uint8Array(0), data);
		assert.bytes(hmacSha256(new Uint8Array(0), data), expected);
		assert.bytes(createHmacSha256(new Uint8Array(0)).update(data).digest(), expected);
		assert.bytes(hmacSha256(new Uint8Array(1), data), expected, "RFC 2104 pads short keys with zeros");
	});
	it("survives more unfinished incremental HMACs than the crypto library has key slots (dropped ones are collected)", () => {
		const key = ascii("key"), data = ascii("data");
		for (let n = 0; n < 100; n++) createHmacSha256(key).update(data);
		assert.bytes(createHmacSha256(key).update(data).digest(), hmac(nobleSha256, key, data));
		assert.bytes(aesCmac(new Uint8Array(16), new Uint8Array(0)), aesCmac(new Uint8Array(16), new Uint8Array(0)));
	});
});

describe("native AES-128 (FIPS-197, SP 800-38A)", () => {
	const key = h("2b7e151628aed2a6abf7158809cf4f3c");
	const plain = h("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
	it("FIPS-197 C.1 block", () => {
		const k = h("000102030405060708090a0b0c0d0e0f"), p = h("00112233445566778899aabbccddeeff");
		assert.bytes(aesEcbEncrypt(k, p), "69c4e0d86a7b0430d8cdb78070b4c55a");
		assert.bytes(aesEcbDecrypt(k, h("69c4e0d86a7b0430d8cdb78070b4c55a")), p);
	});
	it("SP 800-38A F.1.1/F.1.2 ECB", () => {
		const c = "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4";
		assert.bytes(aesEcbEncrypt(key, plain), c);
		assert.bytes(aesEcbDecrypt(key, h(c)), plain);
	});
	it("SP 800-38A F.2.1/F.2.2 CBC", () => {
		const iv = h("000102030405060708090a0b0c0d0e0f");
		const c = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";
		assert.bytes(aesCbcEncrypt(key, iv, plain), c);
		assert.bytes(aesCbcDecrypt(key, iv, h(c)), plain);
		assert.bytes(iv, "000102030405060708090a0b0c0d0e0f", "the caller's IV is not modified");
	});
	it("refuses a wrong key length, a wrong IV length, and data that is not whole blocks", () => {
		assert.throws(() => aesEcbEncrypt(new Uint8Array(15), new Uint8Array(16)), /16, 24 or 32 bytes/);
		assert.throws(() => aesEcbEncrypt(new Uint8Array(20), new Uint8Array(16)), RangeError);
		assert.throws(() => aesCmac(new Uint8Array(33), new Uint8Array(16)), RangeError);
		assert.throws(() => aesCbcEncrypt(key, new Uint8Array(8), new Uint8Array(16)), /IV/);
		assert.throws(() => aesCbcEncrypt(key, new Uint8Array(16), new Uint8Array(17)), /multiple of 16/);
		assert.throws(() => aesCmac(new Uint8Array(0), new Uint8Array(1)), RangeError);
		assert.throws(() => sha256("abc" as unknown as Uint8Array), Error);
	});
});

describe("native AES-192 and AES-256 (SCP03's longer static keys)", () => {
	it("FIPS-197 C.2 and C.3 blocks", () => {
		const p = h("00112233445566778899aabbccddeeff");
		const k192 = h("000102030405060708090a0b0c0d0e0f1011121314151617"), k256 = h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
		assert.bytes(aesEcbEncrypt(k192, p), "dda97ca4864cdfe06eaf70a0ec0d7191");
		assert.bytes(aesEcbDecrypt(k192, h("dda97ca4864cdfe06eaf70a0ec0d7191")), p);
		assert.bytes(aesEcbEncrypt(k256, p), "8ea2b7ca516745bfeafc49904b496089");
		assert.bytes(aesCbcDecrypt(k256, new Uint8Array(16), h("8ea2b7ca516745bfeafc49904b496089")), p, "CBC with a zero IV on one block is ECB");
	});
	it("SP 800-38B D.3 / D.4 CMAC examples", () => {
		const k192 = h("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
		const k256 = h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
		assert.bytes(aesCmac(k192, new Uint8Array(0)), "d17ddf46adaacde531cac483de7a9367");
		assert.bytes(aesCmac(k256, new Uint8Array(0)), "028962f61b7bf89efc6b551f4667d983");
		assert.bytes(aesCmac(k256, h("6bc1bee22e409f96e93d7e117393172a")), "28a7023f452e8f82bd4bf28d8c37c35c");
	});
});

describe("native AES-CMAC (SP 800-38B / RFC 4493)", () => {
	const key = h("2b7e151628aed2a6abf7158809cf4f3c");
	const m = h("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
	const cases: [number, string][] = [
		[0, "bb1d6929e95937287fa37d129b756746"],
		[16, "070a16b46b4d4144f79bdd9dd04a287c"],
		[40, "dfa66747de9ae63030ca32611497c827"],
		[64, "51f0bebf7e3b9d92fc49741779363cfe"],
	];
	for (const [length, tag] of cases) {
		it(`example with a ${length}-byte message`, () => assert.bytes(aesCmac(key, m.subarray(0, length)), tag));
	}
});

describe("modules/crypto: the native and @noble/hashes on the same inputs", () => {
	it("uses the native SHA-256 here", () => {
		assert.ok(hasNativeSha256);
	});
	it("the incremental native SHA-256 equals noble's for every split of random data", () => {
		const data = random(new Uint8Array(3000));
		for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 3000]) {
			const whole = data.subarray(0, n);
			for (const piece of [1, 3, 64, 100, 4096]) {
				const d = createSha256();
				for (let at = 0; at < n; at += piece) d.update(whole.subarray(at, Math.min(n, at + piece)));
				assert.bytes(d.digest(), nobleSha256(whole), `length ${n}, pieces of ${piece}`);
			}
		}
	});
	it("the Package#0 digest and the card's hash go through the native: same bytes as noble computed them before", () => {
		const secret = random(new Uint8Array(16)), body = random(new Uint8Array(200)), data = random(new Uint8Array(8));
		const p0 = encodePackage0({ serverId: "srv", notificationId: 1, requestMos: false, withDigest: true });
		const { digestOffset } = decodePackage0(p0);
		const expect = nobleSha256.create().update(secret).update(p0.subarray(0, digestOffset!)).update(new Uint8Array(32)).update(p0.subarray(digestOffset! + 32)).update(data).digest();
		assert.bytes(package0Digest(p0, digestOffset!, secret, data), expect);
		assert.bytes(sha256(body), nobleSha256(body));
	});
	it("MD5 has no native here: modules/crypto's md5 is @noble/hashes'", () => {
		assert.throws(() => native("xs_crypto_md5"), /xs_crypto_md5/);
		const data = random(new Uint8Array(300));
		assert.bytes(md5(data), nobleMd5(data));
	});
});
