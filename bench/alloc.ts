// What an I.1 session allocates on XS, and which JavaScript function made it: the String objects
// a method call on a primitive string makes, closures, slots and chunk bytes, each counted per
// session by build/sim/xsdm-alloc (hosts/sim/src/alloc-profile.c: XS's sampling profiler with a
// clock that counts allocations). On XS allocation is where much of a session's CPU goes, in the
// engine's own work and in the collections it brings later; a time profile puts neither on the line
// that caused it. The counts are exact and repeatable, so a change shows as a number.
// `npm run bench -- session-alloc`; the sessions are session-cpu's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../tests/host/xsdm.js";
import { summarize } from "./profile.js";
import { cpuRows } from "./session.js";

/** What xsdm-alloc counts (XSDM_ALLOC), the figure's name, and its unit in the table. */
const KINDS = [
	["strings", "session_alloc_string_objects_per_session", "String objects"],
	["closures", "session_alloc_closures_per_session", "closures"],
	["slots", "session_alloc_slots_per_session", "slots"],
	["chunks", "session_alloc_chunk_bytes_per_session", "chunk bytes"],
] as const;

/** xsdm-alloc's clock moves 2000 µs per allocation; bench/profile.ts reads it as µs × 10 (SIM_PROFILE_SCALE) */
const MS_PER_COUNT = 2000 / 10 / 1000;

export async function sessionAllocFigures(sessions = 11, top = 12): Promise<Record<string, number>> {
	const make = spawnSync("make", ["-s", "-C", join(root, "hosts/sim"), "-j2", "alloc"], { encoding: "utf8" });
	if (make.status !== 0) throw new Error(`make -C hosts/sim alloc failed:\n${make.stderr}`);
	const figures: Record<string, number> = {};
	const dir = mkdtempSync(join(tmpdir(), "dm-bench-alloc-"));
	try {
		for (const [kind, name, unit] of KINDS) {
			const file = join(dir, `${kind}.cpuprofile`);
			process.env["XSDM_ALLOC"] = kind;
			try {
				await cpuRows(sessions, { binary: join(root, "build/sim/xsdm-alloc") }, ["--profile", file]);
			} finally {
				delete process.env["XSDM_ALLOC"];
			}
			// the test driver profiles sessions 2..N: the first pays the full handshake and first uses
			const s = summarize(file);
			const per = (ms: number): number => ms / MS_PER_COUNT / (sessions - 1);
			figures[name] = Math.round(per(s.totalMs));
			console.log(`session-alloc: ${figures[name]} ${unit} per I.1 session (mean of ${sessions - 1} resumed), by function:`);
			for (const r of s.byFunction.slice(0, top)) console.log(`${per(r.ms).toFixed(0).padStart(9)}  ${r.name}`);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	console.log("session-alloc: String objects and closures are counted where XS makes them; slots and chunks miss the few " +
		"the engine allocates inside the same source file (the linker's --wrap sees calls between files only)");
	return figures;
}
