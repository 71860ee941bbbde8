// xsdm bench/xs/crypto.js: the native crypto binding (modules/crypto) per call, in µs: SHA-256
// one-shot and incremental, HMAC-SHA-256, AES-128 ECB/CBC and AES-CMAC at the sizes SCP03 and
// the DM session use (one block, a 255-byte APDU, 1 KiB, 64 KiB). Prints one JSON line.
import { random } from "embedded:sim/host";
import { aesCbcEncrypt, aesCmac, aesEcbEncrypt, createSha256, hmacSha256, sha256 } from "../../modules/crypto/index.js";
import { perOp } from "./timing.js";

const figures: Record<string, number> = {};
const key = random(new Uint8Array(16));
const iv = random(new Uint8Array(16));
for (const [name, size] of [["16", 16], ["256", 256], ["1k", 1024], ["64k", 65536]] as const) {
	const data = random(new Uint8Array(size));
	figures[`crypto_sha256_${name}_us`] = perOp(() => sha256(data), 200);
	figures[`crypto_sha256_incremental_${name}_us`] = perOp(() => createSha256().update(data).digest(), 200);
	figures[`crypto_hmac_sha256_${name}_us`] = perOp(() => hmacSha256(key, data), 200);
	figures[`crypto_aes128_ecb_${name}_us`] = perOp(() => aesEcbEncrypt(key, data), 200);
	figures[`crypto_aes128_cbc_${name}_us`] = perOp(() => aesCbcEncrypt(key, iv, data), 200);
	figures[`crypto_aes128_cmac_${name}_us`] = perOp(() => aesCmac(key, data), 200);
}
console.log(JSON.stringify(figures));
