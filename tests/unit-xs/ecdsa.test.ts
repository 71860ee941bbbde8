// The native ECDSA P-256 verification against signatures made by other implementations: RFC 6979's
// deterministic example (A.2.5) and signatures made by OpenSSL through node:crypto
// (crypto.sign("sha256", m, {key, dsaEncoding: "ieee-p1363"})), typed in here. tests/host/ecdsa.test.ts
// adds fresh ones from node:crypto on every run.
import { sha256, verifyEcdsaP256 } from "../../modules/crypto/index.js";
import { assert, describe, it } from "../harness/index.js";

const { fromHex: h } = assert;

function ascii(s: string): Uint8Array {
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function flipped(bytes: Uint8Array, index: number, bit = 1): Uint8Array {
	const copy = bytes.slice();
	copy[index]! ^= bit;
	return copy;
}

// RFC 6979 A.2.5: the P-256 key and its SHA-256 signature of "sample"
const rfcKey = h("04" + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6" + "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
const rfcR = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
const rfcS = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
const rfcSignature = h(rfcR + rfcS);
const sample = sha256(ascii("sample"));

// made by OpenSSL 3 (node:crypto) with a fresh key
const opensslKey = h("044b9e3c0325ff720b8a0c28fde9da27ab551159554c3cf5021b229e4e7e4d89cc0a59ea8fa93027af2123f2b3d3831d5ea9ea019959927445ed6a8d8ca637e094");
const opensslSigned: [string, string][] = [
	["firmware 1.1", "f01771df2b7abc31fae15297c6405dd1482ad7c10cad026765df6b4050a19296efa69da403f9036406d37df2ed9e9400caa4862e4dafdf99d325cd45c0cd63a8"],
	["", "6ff7f1dbb838202dc53469d875780aee75a00072f53391aff9bde0789270072bed07675d8524c74c6c7adc556c3372046c2304674bb711b768acc3430a73656a"],
];
const otherKey = h("043e354d4c341f7ddd71e108ce8b497e96c1c56f17cdf749421f0ba163d9a473575534d3eda93e2af9edbb64470ff29eccae88f6878840e8873c2eb7b5d084bbf0");
const order = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

describe("native ECDSA P-256 verification (PSA)", () => {
	it("accepts RFC 6979 A.2.5's signature of \"sample\"", () => {
		assert.equal(verifyEcdsaP256(rfcKey, sample, rfcSignature), true);
	});
	it("accepts signatures OpenSSL made, the empty message's included", () => {
		for (const [message, signature] of opensslSigned) assert.equal(verifyEcdsaP256(opensslKey, sha256(ascii(message)), h(signature)), true, JSON.stringify(message));
	});
	it("takes ArrayBuffers and subarray views alike", () => {
		const padded = new Uint8Array(70);
		padded.set(rfcKey, 3);
		assert.equal(verifyEcdsaP256(padded.subarray(3, 68), sample.buffer as ArrayBuffer, rfcSignature.slice().buffer as ArrayBuffer), true);
	});
	it("refuses a signature under another key", () => {
		assert.equal(verifyEcdsaP256(otherKey, sha256(ascii("firmware 1.1")), h(opensslSigned[0]![1])), false);
		assert.equal(verifyEcdsaP256(opensslKey, sample, rfcSignature), false);
	});
	it("refuses a signature of another message (one bit of the hash flipped, at every byte)", () => {
		for (let i = 0; i < 32; i++) assert.equal(verifyEcdsaP256(rfcKey, flipped(sample, i, 1 << (i % 8)), rfcSignature), false, `byte ${i}`);
		assert.equal(verifyEcdsaP256(rfcKey, sha256(ascii("samplf")), rfcSignature), false);
	});
	it("refuses a signature with one bit flipped in r or in s", () => {
		for (const i of [0, 13, 31, 32, 47, 63]) assert.equal(verifyEcdsaP256(rfcKey, sample, flipped(rfcSignature, i, 0x10)), false, `byte ${i}`);
	});
	it("refuses r or s of zero or of the group order (out of range), and r and s swapped", () => {
		const zero = "00".repeat(32);
		for (const sig of [zero + rfcS, rfcR + zero, order + rfcS, rfcR + order, "ff".repeat(64), rfcS + rfcR]) assert.equal(verifyEcdsaP256(rfcKey, sample, h(sig)), false, sig);
	});
	it("accepts (r, n - s) as OpenSSL does: an ECDSA signature is not unique, so nothing may key on its bytes", () => {
		assert.equal(verifyEcdsaP256(rfcKey, sample, h(rfcR + "0834e36ad29a83bf2bc9385e491d6099c8fdf9d1ed67aa7ea5f51f93782857a9")), true);
	});
	it("refuses malformed input with a RangeError that says what to give", () => {
		const cases: [Uint8Array, Uint8Array, Uint8Array, RegExp][] = [
			[rfcKey.subarray(0, 64), sample, rfcSignature, /65-byte uncompressed/],
			[h("02" + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"), sample, rfcSignature, /65-byte uncompressed/],
			[flipped(rfcKey, 0, 0x03), sample, rfcSignature, /65-byte uncompressed/],
			[new Uint8Array(0), sample, rfcSignature, /65-byte uncompressed/],
			[rfcKey, sample.subarray(0, 31), rfcSignature, /32-byte SHA-256/],
			[rfcKey, new Uint8Array(64), rfcSignature, /32-byte SHA-256/],
			[rfcKey, sample, rfcSignature.subarray(0, 63), /64-byte raw r\|\|s/],
			[rfcKey, sample, h("3044022001"), /64-byte raw r\|\|s/],
		];
		for (const [key, hash, signature, message] of cases) assert.throws(() => verifyEcdsaP256(key, hash, signature), message);
	});
	it("refuses a key that is not a point on the curve (a flipped coordinate bit, all zeros, a coordinate past p) with a RangeError", () => {
		for (const key of [flipped(rfcKey, 64), h("04" + "00".repeat(64)), h("04" + "ff".repeat(64))]) {
			let error: unknown;
			try { verifyEcdsaP256(key, sample, rfcSignature); } catch (e) { error = e; }
			assert.ok(error instanceof RangeError, `a RangeError, not ${String(error)}`);
			assert.match((error as Error).message, /not a point on the curve/);
		}
	});
	it("verifies a thousand times without running out of key slots", () => {
		for (let n = 0; n < 1000; n++) if (!verifyEcdsaP256(rfcKey, sample, rfcSignature)) throw new Error(`verify ${n} failed`);
		assert.equal(verifyEcdsaP256(rfcKey, sample, rfcSignature), true);
	});
});
