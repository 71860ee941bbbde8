// xsdm bench/xs/sha256.js: SHA-256 of 1 KiB and 64 KiB with @noble/hashes (JS on XS) and with the
// native mbedTLS binding, in the same run. Prints one JSON line of microseconds per digest.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { random } from "embedded:sim/host";
import { sha256 as nativeSha256 } from "../../modules/crypto/index.js";
import { perOp } from "./timing.js";

const figures: Record<string, number> = {};
for (const [name, size] of [["1k", 1024], ["64k", 65536]] as const) {
	const data = random(new Uint8Array(size));
	figures[`sha256_${name}_noble_us`] = perOp(() => nobleSha256(data), 400);
	figures[`sha256_${name}_native_us`] = perOp(() => nativeSha256(data), 200);
}
console.log(JSON.stringify(figures));
