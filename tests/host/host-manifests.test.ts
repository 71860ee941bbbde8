// The boards' manifests (hosts/esp32, hosts/lin) list every file their entries import outside
// modules/ (which the root manifest.json covers): the SDK resolves "../common/x.js" to the module
// "hosts/common/x" and stops the build when no manifest names it, and only a board build, which
// needs the SDK, would say so. A test here says it on every npm test.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { importsOf } from "../../tools/check/import-graph.js";
import { root } from "./xsdm.js";
import { assert, describe, it } from "../harness/index.js";

interface Manifest { include?: string[]; modules?: Record<string, string | string[]>; preload?: string[] }

/** module name → source file (repository path without extension), through the manifest's own includes */
function listed(manifestFile: string, into = new Map<string, string>()): Map<string, string> {
	const m = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
	const dir = dirname(manifestFile);
	for (const inc of m.include ?? []) if (!inc.startsWith("$(")) listed(resolve(dir, inc), into);
	for (const [name, target] of Object.entries(m.modules ?? {})) {
		if (name === "*") continue; // C files
		if (typeof target === "string") into.set(name, relative(root, resolve(dir, target)));
	}
	return into;
}

describe("board manifests (Moddable SDK builds)", () => {
	for (const host of ["esp32", "lin"]) {
		it(`hosts/${host}: every file its modules import outside modules/ is in its manifest, under the name the SDK resolves`, () => {
			const modules = listed(join(root, "hosts", host, "manifest.json"));
			const files = new Set(modules.values());
			const missing: string[] = [];
			let checked = 0;
			for (const [name, source] of modules) {
				const file = join(root, `${source}.ts`);
				if (!existsSync(file)) continue; // a C native
				for (const { specifier: spec } of importsOf(readFileSync(file, "utf8"))) {
					if (!spec.startsWith(".")) continue; // embedded:*, packages: the SDK's own, or the root manifest's
					const target = relative(root, resolve(dirname(file), spec)).replace(/\.js$/, "");
					checked++;
					if (target.startsWith("modules/")) continue; // the root manifest.json lists modules/
					if (!files.has(target)) missing.push(`${name} imports ${spec} (${target})`);
				}
			}
			assert.ok(checked > 5, `the entry's imports were read (${checked})`);
			assert.deepEqual(missing, [], `add these to hosts/${host}/manifest.json's modules (and preload)`);
		});
	}
});
