// npm run bench: runs the XS benchmarks on the simulator host, prints a table, and writes
// bench/out/figures.json (one object: snake_case name → number; times in µs, heap in bytes,
// ratios measured within one run). Nothing here gates CI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled, heapReport, root, runXsdm } from "../tests/host/xsdm.js";
import { mergeFigures } from "./figures.js";
import { sessionAllocFigures } from "./alloc.js";
import { copiesFigures } from "./copies.js";
import { consoleUpdateFigures, fleetBenchFigures } from "./fleet.js";
import { fumoFigures } from "./fumo.js";
import { sessionInstructionFigures } from "./instructions.js";
import { linFigures } from "./lin.js";
import { pcscFigures } from "./pcsc.js";
import { sessionCpuFigures, sessionFigures, sessionHeapLimitFigures } from "./session.js";
import { startFigures } from "./start.js";
import { tlsFigures } from "./tls.js";

const figures: Record<string, number> = {};

/** The ISO 7816-3 line core's timing figures (`npm run bench -- iso7816`): rates, etu, waiting times, activation, echo filter cost. */
function iso7816Figures(): Record<string, number> {
	const r = spawnSync(join(root, "build/sim/iso7816-line-test"), ["--bench"], { encoding: "utf8", timeout: 120000 });
	if (r.status !== 0) throw new Error(`build/sim/iso7816-line-test --bench failed: ${r.stderr || r.error?.message}`);
	return JSON.parse(r.stdout.trim()) as Record<string, number>;
}

/** modules/crypto's natives per call (`npm run bench -- crypto`): SHA-256, HMAC, AES-128 ECB/CBC, CMAC. */
async function cryptoFigures(): Promise<Record<string, number>> {
	const r = await runXsdm(compiled("bench/xs/crypto.ts"), [], { timeoutMs: 300000 });
	if (r.code !== 0) throw new Error(`bench/xs/crypto failed:\n${r.stderr}`);
	return JSON.parse(r.stdout.trim()) as Record<string, number>;
}

/** The parts `npm run bench -- PART` runs alone; each merges into the figures already written. */
const PARTS: Readonly<Record<string, () => Promise<Record<string, number>>>> = Object.freeze({
	"session-heap": sessionHeapLimitFigures,
	"session-cpu": sessionCpuFigures,
	// the I.1 session's instructions under callgrind, repeatable where its CPU time is not (skips without valgrind)
	"session-instructions": () => sessionInstructionFigures(),
	// what the I.1 session allocates on XS (String objects, closures, slots, chunk bytes), by function
	"session-alloc": () => sessionAllocFigures(),
	// the peak heap of one I.1 session over the modules alone, with a short soak (the full run soaks 1000)
	"session-peak": () => sessionFigures(20),
	iso7816: async () => iso7816Figures(),
	crypto: cryptoFigures,
	pcsc: pcscFigures,
	store: storeFigures,
	tls: tlsFigures,
	copies: copiesFigures,
	console: consoleUpdateFigures,
	// the SDK's Linux build next to xsdm (skips without MODDABLE)
	lin: linFigures,
	fleet: async () => ({ ...await consoleUpdateFigures(), ...await fleetBenchFigures(Number(process.argv[3] ?? 200)) }),
	fumo: fumoFigures,
});

async function main(): Promise<void> {
	const only = process.argv[2];
	if (only !== undefined) {
		const part = PARTS[only];
		if (!part) throw new Error(`no bench part ${only}: one of ${Object.keys(PARTS).join(", ")}`);
		Object.assign(figures, await part());
		report(true);
		return;
	}
	Object.assign(figures, await sessionFigures(1000));
	Object.assign(figures, await sessionHeapLimitFigures());
	Object.assign(figures, await startFigures());
	Object.assign(figures, await sessionCpuFigures());
	Object.assign(figures, await sessionInstructionFigures());
	Object.assign(figures, await sessionAllocFigures());

	Object.assign(figures, await cryptoFigures());
	Object.assign(figures, iso7816Figures());
	Object.assign(figures, await copiesFigures());

	const sha = await runXsdm(compiled("bench/xs/sha256.ts"), [], { timeoutMs: 300000 });
	if (sha.code !== 0) throw new Error(`bench/xs/sha256 failed:\n${sha.stderr}`);
	Object.assign(figures, JSON.parse(sha.stdout.trim()));
	for (const size of ["1k", "64k"]) figures[`sha256_${size}_noble_over_native`] = figures[`sha256_${size}_noble_us`]! / figures[`sha256_${size}_native_us`]!;

	// @streamparser/json (a devDependency, bench only) from node_modules, or from build/bench-deps
	// where a worktree shares another checkout's node_modules
	const streamparser = ["node_modules", "build/bench-deps/node_modules"].map((d) => join(root, d, "@streamparser/json/dist/mjs/index.js")).find((f) => existsSync(f));
	if (!streamparser) console.error("@streamparser/json is not installed: its figures are left out (npm install)");
	const json = await runXsdm(compiled("bench/xs/json.ts"), streamparser ? [streamparser] : [], { timeoutMs: 900000 });
	if (json.code !== 0) throw new Error(`bench/xs/json failed:\n${json.stderr}`);
	Object.assign(figures, JSON.parse(json.stdout.trim()));
	for (const kind of ["package2", "dmmo"]) {
		for (const size of ["4k", "256k"]) {
			const key = `json_${kind}_${size}`;
			figures[`${key}_stream_speed_vs_native_parse`] = figures[`${key}_native_parse_us`]! / figures[`${key}_stream_us`]!;
			figures[`${key}_stream_ts_speed_vs_native_parse`] = figures[`${key}_native_parse_us`]! / figures[`${key}_stream_ts_us`]!;
			if (streamparser) figures[`${key}_stream_speed_vs_streamparser`] = figures[`${key}_streamparser_us`]! / figures[`${key}_stream_us`]!;
		}
	}

	const p3 = await runXsdm(compiled("bench/xs/package3.ts"), [], { width: 32, options: ["--heap-report"], timeoutMs: 300000 });
	if (p3.code !== 0) throw new Error(`bench/xs/package3 failed:\n${p3.stderr}`);
	Object.assign(figures, JSON.parse(p3.stdout.trim()));
	figures["package3_100_statuses_encode_peak_heap_32bit_bytes"] = heapReport(p3.stderr).peakTotalBytes;

	// Peak heap (32-bit, the ESP32's slot size) decoding 1 KiB and 1 MiB in 512-byte pieces: the
	// streaming reader (C core, TypeScript alone) vs JSON.parse. "_gc" runs collect garbage after
	// every piece: XS otherwise collects only when its chunk blocks are full, so the plain peak of
	// a long run includes uncollected garbage up to the blocks' size (see bench/xs/json-heap.ts).
	for (const mode of ["stream", "stream-ts", "native"]) {
		for (const collect of ["", "gc"]) {
			const tag = `json_${mode.replace("-", "_")}${collect ? "_gc" : ""}`;
			for (const [name, size] of [["1k", 1024], ["1m", 1 << 20]] as const) {
				const r = await runXsdm(compiled("bench/xs/json-heap.ts"), [String(size), mode, ...(collect ? [collect] : [])], { width: 32, options: ["--heap-report"], timeoutMs: 300000 });
				if (r.code !== 0) throw new Error(`json-heap ${mode} ${size} ${collect} failed:\n${r.stderr}`);
				figures[`${tag}_${name}_peak_heap_32bit_bytes`] = heapReport(r.stderr).peakTotalBytes;
			}
			figures[`${tag}_heap_growth_1k_to_1m_bytes`] = figures[`${tag}_1m_peak_heap_32bit_bytes`]! - figures[`${tag}_1k_peak_heap_32bit_bytes`]!;
		}
	}

	Object.assign(figures, await storeFigures());


	// The tree on the 32-bit host (file flash, outside the heap): build, then mount and read everything.
	const dir = mkdtempSync(join(tmpdir(), "tree-bench-"));
	try {
		for (const variant of ["std", "nodes", "value"]) {
			const flash = ["--flash", join(dir, `${variant}.bin`), "--flash-size", String(256 * 4096), "--flash-block", "4096"];
			for (const phase of ["build", "read"]) {
				const r = await runXsdm(compiled("bench/xs/tree.ts"), [phase, variant], { width: 32, options: ["--heap-report", ...flash], timeoutMs: 600000 });
				if (r.code !== 0) throw new Error(`bench/xs/tree ${phase} ${variant} failed:\n${r.stderr}`);
				figures[`tree_${phase}_${variant}_peak_heap_32bit_bytes`] = heapReport(r.stderr).peakTotalBytes;
			}
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	const imports = await runXsdm(compiled("bench/xs/tree.ts"), ["imports", "std"], { width: 32, options: ["--heap-report"] });
	if (imports.code !== 0) throw new Error(`bench/xs/tree imports failed:\n${imports.stderr}`);
	figures["tree_modules_loaded_peak_heap_32bit_bytes"] = heapReport(imports.stderr).peakTotalBytes;
	figures["tree_read_std_over_modules_heap_bytes"] = figures["tree_read_std_peak_heap_32bit_bytes"]! - figures["tree_modules_loaded_peak_heap_32bit_bytes"]!;
	figures["tree_read_heap_per_extra_node_bytes"] = (figures["tree_read_nodes_peak_heap_32bit_bytes"]! - figures["tree_read_std_peak_heap_32bit_bytes"]!) / 1000;
	figures["tree_read_heap_growth_64k_value_bytes"] = figures["tree_read_value_peak_heap_32bit_bytes"]! - figures["tree_read_std_peak_heap_32bit_bytes"]!;

	Object.assign(figures, await pcscFigures());

	for (const width of [32, 64] as const) {
		const r = await runXsdm(compiled("bench/xs/empty.ts"), [], { width, options: ["--heap-report"] });
		if (r.code !== 0) throw new Error(`empty module on ${width}-bit failed:\n${r.stderr}`);
		const heap = heapReport(r.stderr);
		figures[`empty_module_heap_${width}bit_bytes`] = heap.peakTotalBytes;
		figures[`empty_module_chunks_${width}bit_bytes`] = heap.peakChunkBytes;
		figures[`empty_module_slots_${width}bit_bytes`] = heap.peakSlotBytes;
	}

	Object.assign(figures, await tlsFigures());
	Object.assign(figures, await PARTS["fleet"]!());
	report();
}

/** The journal's figures (`npm run bench -- store`): write amplification, wear, mount time. */
async function storeFigures(): Promise<Record<string, number>> {
	const store = await runXsdm(compiled("bench/xs/store.ts"), [], { timeoutMs: 600000 });
	if (store.code !== 0) throw new Error(`bench/xs/store failed:\n${store.stderr}`);
	const out = JSON.parse(store.stdout.trim()) as Record<string, number>;
	// The store's RAM on the 32-bit host, flash in a file: the index after mount, the peak of a
	// compaction, for an empty store and for 1,000 keys (the difference is what the keys cost).
	const flashFile = join(mkdtempSync(join(tmpdir(), "dm-bench-")), "flash.bin");
	for (const keys of [0, 1000]) {
		rmSync(flashFile, { force: true });
		const geometry = ["--flash", flashFile, "--flash-size", String(256 * 4096), "--flash-block", "4096"];
		const fill = await runXsdm(compiled("bench/xs/store-heap.ts"), ["fill", String(keys)], { width: 32, options: geometry, timeoutMs: 300000 });
		if (fill.code !== 0) throw new Error(`store-heap fill failed:\n${fill.stderr}`);
		const compact = await runXsdm(compiled("bench/xs/store-heap.ts"), ["compact"], { width: 32, options: geometry, timeoutMs: 300000 });
		if (compact.code !== 0) throw new Error(`store-heap compact failed:\n${compact.stderr}`);
		const r = JSON.parse(compact.stdout.trim()) as { indexBytes: number; peakBytes: number };
		out[`store_${keys}_keys_mounted_heap_32bit_bytes`] = r.indexBytes;
		out[`store_${keys}_keys_compaction_peak_heap_32bit_bytes`] = r.peakBytes;
	}
	out["store_heap_per_key_32bit_bytes"] = (out["store_1000_keys_mounted_heap_32bit_bytes"]! - out["store_0_keys_mounted_heap_32bit_bytes"]!) / 1000;
	return out;
}

function report(merge = false): void {
	const rows = Object.entries(figures).map(([k, v]) => [k, Number.isInteger(v) ? String(v) : v.toFixed(2)] as const);
	const width = Math.max(...rows.map(([k]) => k.length));
	console.log(`${"figure".padEnd(width)}  value`);
	for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(10)}`);
	if (merge) { console.log(`\nmerged into ${mergeFigures(figures)}`); return; }
	mkdirSync(join(root, "bench/out"), { recursive: true });
	writeFileSync(join(root, "bench/out/figures.json"), JSON.stringify(figures, null, 2) + "\n");
	console.log("\nwritten to bench/out/figures.json");
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exitCode = 1;
});
