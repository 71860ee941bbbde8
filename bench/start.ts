// The `npm start` demonstration as a figure: its wall time (card, bootstrap, both sessions, the
// SUB report, the Package#0) and the device's peak XS heap on the 32-bit host, whole and over the
// heap of its modules alone (the sim host compiles modules into the heap; a device has them in ROM).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../tests/host/xsdm.js";

export async function startFigures(): Promise<Record<string, number>> {
	const dir = mkdtempSync(join(tmpdir(), "dm-bench-start-"));
	try {
		const record = join(dir, "record.json");
		const child = spawn(process.execPath, [join(root, "build/js/tools/start.js"), "--record", record], { stdio: ["ignore", "ignore", "inherit"] });
		const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
		if (code !== 0) throw new Error(`npm start failed (exit ${code}): run it to see why`);
		const r = JSON.parse(readFileSync(record, "utf8")) as { wallMs: number; heap: { peak: number; modules: number } };
		return {
			start_demo_wall_ms: r.wallMs,
			start_demo_peak_heap_32bit_bytes: r.heap.peak,
			start_demo_peak_heap_over_modules_32bit_bytes: r.heap.peak - r.heap.modules,
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
