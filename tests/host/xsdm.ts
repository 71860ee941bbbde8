// Node side: runs a compiled script on the simulator host and collects what it did.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
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

/** xsdm's exit status when the program restarts the device (hosts/sim/firmware's restart()). */
export const XSDM_RESTART_STATUS = 87;

export interface RebootingRun extends Run {
	/** how many times xsdm started (1 + the restarts) */
	boots: number;
}

export interface RebootingOptions extends RunOptions {
	/** the most starts (default 8): a device that keeps restarting ends with status 87 */
	maxBoots?: number;
	/** xsdm options for the n-th start (1-based) instead of `options`, e.g. --powercut on one boot only */
	optionsForBoot?(boot: number): string[];
}

/** Runs xsdm as a board runs its firmware: when it exits with 87 (a restart), starts it again with
    the same arguments, up to maxBoots times. stdout and stderr are every start's, in order. */
export async function runXsdmRebooting(entry: string, args: string[] = [], o: RebootingOptions = {}): Promise<RebootingRun> {
	const maxBoots = o.maxBoots ?? 8;
	let stdout = "", stderr = "";
	for (let boot = 1; ; boot++) {
		const options = o.optionsForBoot ? o.optionsForBoot(boot) : o.options;
		const r = await runXsdm(entry, args, { ...o, ...(options ? { options } : {}) });
		stdout += r.stdout;
		stderr += r.stderr;
		if (r.code !== XSDM_RESTART_STATUS || boot >= maxBoots) return { ...r, stdout, stderr, boots: boot };
	}
}

export interface RebootingProcess {
	/** the last start's exit status (87 when it hit the bound) and how many starts there were */
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; boots: number }>;
	/** the running start, for its pipes (each start replaces it) */
	readonly child: () => ChildProcess;
	/** stops the device (no further start) */
	kill(): void;
}

/** runXsdmRebooting for a long-running device (npm start, a serving e2e device): spawns
    `binary args`, and on exit 87 spawns it again (at most maxBoots starts in all), calling
    onStart(child, boot) at each start so the caller can follow its output. */
export function spawnXsdmRebooting(binary: string, args: string[], o: { maxBoots?: number; spawn?: SpawnOptions; onStart?(child: ChildProcess, boot: number): void } = {}): RebootingProcess {
	const maxBoots = o.maxBoots ?? 8;
	let child: ChildProcess;
	let stopped = false;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; boots: number }>((resolve) => {
		const start = (boot: number): void => {
			child = spawn(binary, args, o.spawn ?? { stdio: ["ignore", "pipe", "pipe"] });
			o.onStart?.(child, boot);
			child.on("exit", (code, signal) => {
				if (code === XSDM_RESTART_STATUS && boot < maxBoots && !stopped) start(boot + 1);
				else resolve({ code, signal, boots: boot });
			});
		};
		start(1);
	});
	return { exited, child: () => child, kill: () => { stopped = true; child.kill(); } };
}

/** Parses the one JSON line --heap-report prints on stderr. */
export function heapReport(stderr: string): { width: number; slotSize: number; peakChunkBytes: number; peakSlotBytes: number; peakTotalBytes: number; sharedBytes: number } {
	const line = stderr.split("\n").find((l) => l.startsWith("{\"heapReport\""));
	if (!line) throw new Error(`no heap report in:\n${stderr}`);
	return JSON.parse(line).heapReport;
}
