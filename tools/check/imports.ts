// npm test's import check (issue 14): reads every .ts under modules/ and prints each breach of the
// rooms' rules (import-graph.ts). Exit 1 when there is one. `node build/js/tools/check/imports.js`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { checkImports } from "./import-graph.js";

export function checkRepository(root: string): string[] {
	const sources = new Map<string, string>();
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir).sort()) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) sources.set(relative(root, p).split("\\").join("/"), readFileSync(p, "utf8"));
		}
	};
	walk(join(root, "modules"));
	return checkImports(sources).map((v) => `${v.rule}: ${v.message}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const root = join(fileURLToPath(import.meta.url), "../../../../..");
	const found = checkRepository(root);
	for (const line of found) console.error(line);
	console.log(found.length ? `import graph: ${found.length} breaches of the rooms' rules` : "import graph: rooms import one way, through their index.ts");
	process.exitCode = found.length ? 1 : 0;
}
