// Node side: runs a compiled script on the simulator host and collects what it did.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

export const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");
export const xsdm64 = resolve(root, "build/sim/xsdm");
export const xsdm32 = resolve(root, "build/sim/xsdm32");

/** The compiled JavaScript of a TypeScript source under the repository, e.g. "tests/xs/host/tcp-echo.ts". */
export function compiled(source: string): string {
	return resolve(root, "build/js", source.replace(/\.ts$/, ".js"));
}

export interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface RunOptions {
	width?: 32 | 64;
	/** another build of the host, e.g. build/sim/xsdm-prof (width is then ignored) */
	binary?: string;
	/** xsdm options placed before the entry, e.g. ["--heap-report"] */
	options?: string[];
	timeoutMs?: number;
	cwd?: string;
}

export function runXsdm(entry: string, args: string[] = [], o: RunOptions = {}): Promise<Run> {
	const binary = o.binary ?? (o.width === 32 ? xsdm32 : xsdm64);
	return new Promise((resolvePromise, reject) => {
		const child = spawn(binary, [...(o.options ?? []), entry, ...args], { cwd: o.cwd ?? root, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "", stderr = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
		child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
		const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 30000);
		child.on("error", reject);
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			resolvePromise({ code, signal, stdout, stderr });
		});
	});
}

/** Parses the one JSON line --heap-report prints on stderr. */
export function heapReport(stderr: string): { width: number; slotSize: number; peakChunkBytes: number; peakSlotBytes: number; peakTotalBytes: number; sharedBytes: number } {
	const line = stderr.split("\n").find((l) => l.startsWith("{\"heapReport\""));
	if (!line) throw new Error(`no heap report in:\n${stderr}`);
	return JSON.parse(line).heapReport;
}
