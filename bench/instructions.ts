// Issue 18's repeatable figure: instructions per I.1 session on xsdm32, counted by valgrind's
// callgrind. Timing on a shared machine varies ±30 %; an instruction count of the same work does
// not. Two runs, N and M sessions, in one process each: their difference over N−M is what one
// (resumed) session costs, with start-up, module preloading and the first, full handshake cancelled out.
// The sessions are session-cpu's (the test driver with --cpu-trace), so the figures sit beside its times.
// XS collects when its heap fills, not per session: the collector's share is that of N−M sessions, averaged.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xsdm32 } from "../tests/host/xsdm.js";
import { cpuRows } from "./session.js";

/** Instructions of a whole run (the callgrind file's totals) and those inside XS's collector
    (fxCollect's inclusive cost, from callgrind_annotate; NaN without it). */
function counts(file: string): { total: number; gc: number } {
	// "totals:" (or "summary:" from older callgrinds) holds the run's events; Ir is the only one collected
	const line = readFileSync(file, "utf8").split("\n").find((l) => /^(totals|summary):/.test(l));
	const total = Number(line?.split(/\s+/)[1]);
	if (!Number.isFinite(total)) throw new Error(`no totals in ${file}`);
	const a = spawnSync("callgrind_annotate", ["--inclusive=yes", "--threshold=100", "--auto=no", file], { encoding: "utf8", maxBuffer: 64 << 20 });
	// a row is "1,234,567 (12.34%)  /path/xsMemory.c:fxCollect [/path/xsdm32.bin]" (--auto=no: no
	// annotated source, whose rows look alike); fxCollect does not recurse
	const row = a.status === 0 ? a.stdout.split("\n").find((l) => /:fxCollect( |$)/.test(l)) : undefined;
	return { total, gc: row ? Number(row.trim().split(/\s/)[0]!.replaceAll(",", "")) : NaN };
}

/** One run of dm-device's test driver with --sessions n under callgrind. */
async function measure(sessions: number): Promise<{ total: number; gc: number }> {
	const dir = mkdtempSync(join(tmpdir(), "dm-bench-callgrind-"));
	try {
		const file = join(dir, "callgrind.out");
		// the binary itself: build/sim/xsdm32 is a shell script, which callgrind would count instead
		await cpuRows(sessions, { binary: "valgrind", options: ["--tool=callgrind", `--callgrind-out-file=${file}`, `${xsdm32}.bin`] });
		return counts(file);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function sessionInstructionFigures(n = 12, m = 2): Promise<Record<string, number>> {
	if (spawnSync("valgrind", ["--version"]).error) {
		console.log("session-instructions: skipped, valgrind is not installed");
		return {};
	}
	// where the kernel runs no i386 binaries, xsdm32 runs under qemu-i386, and callgrind would count qemu
	if (spawnSync(`${xsdm32}.bin`, ["--probe-32"]).status !== 0) {
		console.log("session-instructions: skipped, build/sim/xsdm32.bin does not run natively here");
		return {};
	}
	const started = Date.now();
	const many = await measure(n), few = await measure(m);
	const per = (many.total - few.total) / (n - m), gc = (many.gc - few.gc) / (n - m);
	const figures: Record<string, number> = { session_instructions_per_session: Math.round(per) };
	if (Number.isFinite(gc)) figures["session_instructions_outside_gc_per_session"] = Math.round(per - gc);
	console.log(`session-instructions: ${(per / 1e6).toFixed(3)} M instructions per I.1 session` +
		(Number.isFinite(gc) ? `, ${((per - gc) / 1e6).toFixed(3)} M outside XS's collector (fxCollect)` : ", collector not separated (no callgrind_annotate)") +
		` (callgrind on xsdm32, ${n} − ${m} sessions, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
	return figures;
}
