// Drives tests/xs/host/firmware-steps.ts on xsdm with firmware slots in a flash file, and sweeps
// power cuts over the boot record's operations: the cut run is repeated with --powercut N for
// N = 1, 2, ... until it completes without a cut, and after each cut the device boots again and
// must start the old or the new image with a boot() that says which. Used by
// tests/host/firmware-slots.test.ts and by the bench's fumo_powercut_points_checked.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled, runXsdm, type Run } from "./xsdm.js";

export const BLOCK = 4096, STORE = 64 * BLOCK, SLOT = 4 * BLOCK;
export const SIM_RESTART_STATUS = 87, SIM_POWERCUT_STATUS = 86;

export interface Boot {
	slot: 0 | 1;
	boot: { kind: "settled" } | { kind: "trial"; bootsLeft: number } | { kind: "rolled-back" };
	running: { model: string; version: string };
}

export interface Steps { run: Run; boot?: Boot; lines: string[] }

/** xsdm's flash options: a DM store dm-device can mount, firmware slots of SLOT bytes, a cut at operation `cut`. */
export function flashOptions(file: string, cut?: number): string[] {
	return ["--flash", file, "--flash-size", String(STORE), "--flash-block", String(BLOCK), "--firmware-slot", String(SLOT), ...(cut ? ["--powercut", String(cut)] : [])];
}

/** One xsdm run: a boot, then the steps (firmware-steps.ts). */
export async function steps(file: string, list: string[], cut?: number): Promise<Steps> {
	const run = await runXsdm(compiled("tests/xs/host/firmware-steps.ts"), list, { options: flashOptions(file, cut) });
	const lines = run.stdout.split("\n").filter((l) => l);
	const first = lines[0]?.startsWith("boot ") ? JSON.parse(lines[0].slice(5)) as Boot : undefined;
	return { run, lines: lines.slice(first ? 1 : 0), ...(first ? { boot: first } : {}) };
}

/** A boot that must complete (exit 0, or 87 when the steps restart). */
export async function mustBoot(file: string, list: string[] = []): Promise<Steps> {
	const s = await steps(file, list);
	if ((s.run.code !== 0 && s.run.code !== SIM_RESTART_STATUS) || !s.boot) throw new Error(`xsdm ${list.join(" ")} exited ${s.run.code}: ${s.run.stderr}`);
	return s;
}

export interface Sweep {
	/** cut points tried (each followed by a checked boot) */
	points: number;
	/** what the checking boots saw, one per point: "slot kind version" */
	outcomes: string[];
	/** points whose boot was not one of `allowed` */
	failures: string[];
	/** the boot after the cut run ran whole */
	completed?: string;
}

/** Prepares a flash with `setup` (runs of steps, each a boot), then cuts the run `cut` at every
    flash operation; after each cut one boot (no steps) must give one of `allowed` ("slot kind
    version", kind with bootsLeft for a trial, e.g. "1 trial:0 1.1"). */
export async function sweep(setup: string[][], cut: string[], allowed: string[]): Promise<Sweep> {
	const dir = mkdtempSync(join(tmpdir(), "xsdm-fw-sweep-"));
	try {
		const base = join(dir, "base.bin");
		for (const list of setup) await mustBoot(base, list);
		const result: Sweep = { points: 0, outcomes: [], failures: [] };
		for (let n = 1; n < 1000; n++) {
			const file = join(dir, `cut-${n}.bin`);
			if (setup.length) copyFileSync(base, file);
			const s = await steps(file, cut, n);
			if (s.run.code !== SIM_POWERCUT_STATUS) {
				// the whole run fits before operation n: the boot after it is the run's own outcome
				result.completed = describe((await mustBoot(file)).boot!);
				break;
			}
			const after = await mustBoot(file);
			const seen = describe(after.boot!);
			result.points++;
			result.outcomes.push(seen);
			if (!allowed.includes(seen)) result.failures.push(`cut ${n}: ${seen}`);
			rmSync(file);
		}
		return result;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export function describe(b: Boot): string {
	return `${b.slot} ${b.boot.kind === "trial" ? `trial:${b.boot.bootsLeft}` : b.boot.kind} ${b.running.version}`;
}

/** Every sweep of tests/host/firmware-slots.test.ts; the bench's fumo_powercut_points_checked is their points' sum. */
export const SWEEPS: readonly { name: string; setup: string[][]; cut: string[]; allowed: string[] }[] = [
	// the first boot of a new flash programs the factory image, then its record
	{ name: "factory programming", setup: [], cut: [], allowed: ["0 settled 1.0"] },
	// arm: writing the image and the record; afterwards the old image settled, or the new one on trial
	{ name: "write and arm", setup: [[]], cut: ["write", "1.1", "6000", "arm", "2"], allowed: ["0 settled 1.0", "1 trial:1 1.1"] },
	// a trial boot counting down (3 -> 2): the count taken or not
	{ name: "boot count", setup: [[], ["write", "1.1", "6000", "arm", "3"]], cut: [], allowed: ["1 trial:2 1.1", "1 trial:1 1.1"] },
	// the boot that runs out of trials returns to the old slot whether or not its record landed
	{ name: "rollback", setup: [[], ["write", "1.1", "6000", "arm", "1"], []], cut: [], allowed: ["0 rolled-back 1.0"] },
	// confirm after a trial boot (2 -> 1, then settled)
	{ name: "confirm", setup: [[], ["write", "1.1", "6000", "arm", "3"], []], cut: ["confirm"], allowed: ["1 trial:1 1.1", "1 trial:0 1.1", "1 settled 1.1"] },
];

/** Runs every sweep: the number of power-cut points checked and the failures. */
export async function sweepAll(): Promise<{ points: number; failures: string[] }> {
	let points = 0;
	const failures: string[] = [];
	for (const s of SWEEPS) {
		const r = await sweep(s.setup, s.cut, s.allowed);
		points += r.points;
		failures.push(...r.failures.map((f) => `${s.name}: ${f}`));
	}
	return { points, failures };
}
