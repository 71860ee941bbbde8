// npm run ddf [-- --check]: compiles every modules/dm/mo/ddf/<name>.xml into
// modules/dm/mo/generated/<name>.ts (export <NAME>: the frozen MO schema). --check writes nothing
// and fails if a generated file differs from what its DDF gives (the tests run it).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileDdf } from "./compile.js";

export const root = join(fileURLToPath(new URL(".", import.meta.url)), "../../../..");
export const DDF_DIR = "modules/dm/mo/ddf";
export const GENERATED_DIR = "modules/dm/mo/generated";

export interface Generated { file: string; text: string }

/** What the DDFs give, without writing it. */
export function generateAll(): Generated[] {
	return readdirSync(join(root, DDF_DIR)).filter((f) => f.endsWith(".xml")).sort().map((f) => {
		const base = f.slice(0, -4);
		const constName = base.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
		const compiled = compileDdf(readFileSync(join(root, DDF_DIR, f), "utf8"), `${DDF_DIR}/${f}`, constName);
		return { file: `${GENERATED_DIR}/${base}.ts`, text: compiled.text };
	});
}

function main(): void {
	const check = process.argv.includes("--check");
	let stale = 0;
	for (const g of generateAll()) {
		const path = join(root, g.file);
		let old = "";
		try { old = readFileSync(path, "utf8"); } catch { /* new */ }
		if (old === g.text) continue;
		if (check) { console.error(`${g.file} is stale: run npm run ddf`); stale++; }
		else { writeFileSync(path, g.text); console.log(`wrote ${g.file}`); }
	}
	if (stale) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	try { main(); } catch (e) { console.error((e as Error).message); process.exitCode = 1; }
}
