// Verifies the vectors given on the command line (KEY:HASH:SIGNATURE in hex, one an argument) with
// modules/crypto's native ECDSA P-256 and prints one character each: 1 verified, 0 refused,
// R a RangeError. tests/host/ecdsa.test.ts makes the vectors with node:crypto.
import { argv } from "embedded:sim/host";
import { verifyEcdsaP256 } from "../../../modules/crypto/index.js";

function hex(s: string): Uint8Array {
	const out = new Uint8Array(s.length >> 1);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
	return out;
}

let line = "";
for (const vector of argv()) {
	const [key, hash, signature] = vector.split(":") as [string, string, string];
	try {
		line += verifyEcdsaP256(hex(key), hex(hash), hex(signature)) ? "1" : "0";
	} catch (e) {
		line += e instanceof RangeError ? "R" : "E";
	}
}
console.log(line);
