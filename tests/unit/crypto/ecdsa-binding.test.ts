// ECDSA P-256 verification has no JavaScript fallback (no @noble/curves): on Node it refuses with
// what to do; on xsdm the native verifies (tests/unit-xs/ecdsa.test.ts has the full vectors).
import { sha256, verifyEcdsaP256 } from "../../../modules/crypto/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";

const { fromHex: h } = assert;

// RFC 6979 A.2.5: P-256, SHA-256, message "sample"
const key = h("0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
const signature = h("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
const hash = sha256(Uint8Array.from("sample", (c) => c.charCodeAt(0)));

describe("crypto: ECDSA P-256 verification is native only", () => {
	it(engine === "xs" ? "verifies RFC 6979 A.2.5 on xsdm" : "throws \"use a host with native crypto\" on Node", () => {
		if (engine === "xs") assert.equal(verifyEcdsaP256(key, hash, signature), true);
		else assert.throws(() => verifyEcdsaP256(key, hash, signature), /use a host with native crypto/);
	});
});
