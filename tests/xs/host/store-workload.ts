// A deterministic workload of DM-command-sized transactions for the store's power-cut tests, shared
// by the RAM sweep (tests/unit/store) and the xsdm sweep (tests/host/store-powercut.test.ts).
// expected(k) is the state after the first k transactions.
import type { Store } from "../../../modules/dm/store/index.js";

export interface Step { puts: [string, number, number][]; deletes: string[] }   // [key, length, fill seed]

export function workload(count: number, seed = 3): Step[] {
	let s = seed;
	const r = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
	const steps: Step[] = [];
	for (let t = 0; t < count; t++) {
		const puts: [string, number, number][] = [];
		const deletes: string[] = [];
		for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
			const key = `./DMAcc/acc${Math.floor(r() * 12)}/Node${Math.floor(r() * 6)}`;
			if (r() < 0.15) deletes.push(key);
			else puts.push([key, r() < 0.05 ? 1500 + Math.floor(r() * 3000) : Math.floor(r() * 120), t * 31 + k]);
		}
		steps.push({ puts, deletes });
	}
	return steps;
}

export function valueOf(length: number, fill: number): Uint8Array {
	const v = new Uint8Array(length);
	for (let i = 0; i < length; i++) v[i] = (fill + i * 7) & 0xff;
	return v;
}

export function run(store: Store, steps: readonly Step[], onCommitted?: (done: number) => void): void {
	steps.forEach((step, i) => {
		const t = store.begin();
		for (const [key, length, fill] of step.puts) t.put(key, valueOf(length, fill));
		for (const key of step.deletes) t.delete(key);
		t.commit();
		onCommitted?.(i + 1);
	});
}

// A state is key → "length:first byte"; every workload value is determined by those two.
function describe(length: number, fill: number): string {
	return `${length}:${length ? fill & 0xff : "-"}`;
}

export function expected(steps: readonly Step[], k: number): Map<string, string> {
	const state = new Map<string, string>();
	for (const step of steps.slice(0, k)) {
		for (const [key, length, fill] of step.puts) state.set(key, describe(length, fill));
		for (const key of step.deletes) state.delete(key);
	}
	return state;
}

/** The store's contents in expected()'s form; a value that no workload step wrote reads "corrupt". */
export function observed(store: Store): Map<string, string> {
	const state = new Map<string, string>();
	for (const key of store.keys()) {
		const v = store.get(key)!;
		const fill = v.length ? v[0]! : 0;
		state.set(key, v.every((b, i) => b === ((fill + i * 7) & 0xff)) ? describe(v.length, fill) : "corrupt");
	}
	return state;
}

export function sameState(a: Map<string, string>, b: Map<string, string>): boolean {
	if (a.size !== b.size) return false;
	for (const [k, v] of a) if (b.get(k) !== v) return false;
	return true;
}
