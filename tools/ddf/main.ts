// npm run ddf [-- --check]: compiles every <dir>/ddf/<name>.xml of DDF_DIRS into
// <dir>/generated/<name>.ts (export <NAME>: the frozen MO schema). The standard MOs live in
// modules/dm/mo; an MO that one device program defines for itself lives beside that program.
// --check writes nothing and fails if a generated file differs from what its DDF gives (the tests run it).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compileDdf } from "./compile.js";

export const root = join(fileURLToPath(new URL(".", import.meta.url)), "../../../..");
/** The folders holding a ddf/ of DDFs and the generated/ schemas compiled from them. */
export const DDF_DIRS = [
	"modules/dm/mo",            // the standard MOs of section 12
	"hosts/sim/dm-device",      // the simulated device's own demonstration MO
];
const SCHEMA_MODULE = "modules/dm/tree/index.js";

export interface Generated { file: string; text: string }

/** What the DDFs give, without writing it. */
export function generateAll(): Generated[] {
	return DDF_DIRS.flatMap((dir) => {
		const ddfDir = `${dir}/ddf`, generatedDir = `${dir}/generated`;
		const schemaModule = relative(generatedDir, SCHEMA_MODULE);
		return readdirSync(join(root, ddfDir)).filter((f) => f.endsWith(".xml")).sort().map((f) => {
			const base = f.slice(0, -4);
			const constName = base.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
			const compiled = compileDdf(readFileSync(join(root, ddfDir, f), "utf8"), `${ddfDir}/${f}`, constName, schemaModule);
			return { file: `${generatedDir}/${base}.ts`, text: compiled.text };
		});
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
