// bench/out/figures.json: one object, snake_case name → number. A part run on its own (npm run
// fleet, npm run bench -- PART) merges its figures into what is there instead of replacing it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../tests/host/xsdm.js";

export const FIGURES = join(root, "bench/out/figures.json");

/** Writes these figures over the same keys in bench/out/figures.json, keeping the others; returns its path. */
export function mergeFigures(figures: Record<string, number>): string {
	let old: Record<string, number> = {};
	if (existsSync(FIGURES)) {
		try { old = JSON.parse(readFileSync(FIGURES, "utf8")) as Record<string, number>; } catch { /* a broken file is replaced */ }
	}
	mkdirSync(join(root, "bench/out"), { recursive: true });
	writeFileSync(FIGURES, JSON.stringify({ ...old, ...figures }, null, 2) + "\n");
	return FIGURES;
}
