// The acceptance script: imports @noble/hashes, uses timers, prints a digest; run with --heap-report.
import { sha256 } from "@noble/hashes/sha2.js";

function hex(b: Uint8Array): string {
	return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

setTimeout(() => {
	const data = new Uint8Array(3);
	data.set([0x61, 0x62, 0x63]);
	console.log(hex(sha256(data)));
}, 5);
