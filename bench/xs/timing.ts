// The one timing loop of the XS benchmarks: microseconds per call of fn, after one warm-up call,
// over at least minMs and at least 3 calls.
import { monotonic } from "embedded:sim/host";

export function perOp(fn: () => void, minMs: number): number {
	fn();   // warm up
	let runs = 0;
	const start = monotonic();
	let elapsed = 0;
	do {
		fn();
		runs++;
		elapsed = monotonic() - start;
	} while (elapsed < minMs || runs < 3);
	return (elapsed * 1000) / runs;
}
