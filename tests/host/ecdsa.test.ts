// modules/crypto's ECDSA P-256 on xsdm against fresh signatures from OpenSSL (node:crypto) on every
// run: random keys and messages, each signature checked as made, under another key, over a hash
// with one bit flipped, and with one bit of r||s flipped.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

function rawPublicKey(key: KeyObject): string {
	// an SPKI DER for P-256 ends with the 65-byte uncompressed point
	return key.export({ format: "der", type: "spki" }).subarray(-65).toString("hex");
}

function flipBit(hex: string, bit: number): string {
	const b = Buffer.from(hex, "hex");
	b[bit >> 3]! ^= 1 << (bit & 7);
	return b.toString("hex");
}

describe("ECDSA P-256 on xsdm against OpenSSL's signatures", () => {
	it("verifies 24 fresh signatures and refuses each under another key, another hash and a flipped signature bit", async () => {
		const vectors: string[] = [], expected: string[] = [];
		const other = rawPublicKey(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey);
		for (let n = 0; n < 24; n++) {
			const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
			const message = randomBytes(n * 37);
			const key = rawPublicKey(publicKey);
			const hash = createHash("sha256").update(message).digest("hex");
			const signature = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("hex");
			const bit = randomBytes(2).readUInt16BE(0);
			vectors.push(`${key}:${hash}:${signature}`, `${other}:${hash}:${signature}`, `${key}:${flipBit(hash, bit % 256)}:${signature}`, `${key}:${hash}:${flipBit(signature, bit % 512)}`);
			expected.push("1000");
		}
		const r = await runXsdm(compiled("tests/xs/host/ecdsa-verify.ts"), vectors);
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), expected.join(""));
	});
});
