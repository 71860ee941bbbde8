// What the Moddable SDK's build links, checked without the SDK: its compiler turns every literal
// native("name") into a reference to the C function `void name(xsMachine* the)` and every
// Native("name") into one to the destructor `void name(void* data)`, and a device whose archive
// names a function no C file defines does not load (it was how the lin build first failed:
// "undefined symbol: xs_tls_session_destructor"). Each build's TypeScript is read with the C its
// manifests compile in: modules/ with modules/**/native, plus the board's and the lin port's own.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./xsdm.js";
import { assert, describe, it } from "../harness/index.js";

function files(dir: string, suffix: string): string[] {
	return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
		.filter((f) => f.endsWith(suffix) && !f.endsWith(".d.ts"))
		.map((f) => join(root, dir, f));
}

/** The literal names each TypeScript file binds, by kind. */
function bindings(paths: string[]): { fn: Map<string, string>; destructor: Map<string, string> } {
	const fn = new Map<string, string>(), destructor = new Map<string, string>();
	for (const p of paths) {
		const text = readFileSync(p, "utf8").replace(/\/\/.*$/gm, "");
		for (const m of text.matchAll(/\b(native|Native)\(\s*"([^"]+)"\s*\)/g)) (m[1] === "Native" ? destructor : fn).set(m[2]!, relative(root, p));
	}
	return { fn, destructor };
}

/** The functions the C files define with external linkage, by kind. */
function definitions(paths: string[]): { fn: Set<string>; destructor: Set<string> } {
	const fn = new Set<string>(), destructor = new Set<string>();
	for (const p of paths) {
		const text = readFileSync(p, "utf8");
		for (const m of text.matchAll(/^void\s+(xs_\w+)\s*\(\s*xsMachine\s*\*\s*the\s*\)\s*$/gm)) fn.add(m[1]!);
		for (const m of text.matchAll(/^void\s+(xs_\w+)\s*\(\s*void\s*\*\s*\w+\s*\)\s*$/gm)) destructor.add(m[1]!);
	}
	return { fn, destructor };
}

function unresolved(ts: string[], c: string[]): string[] {
	const used = bindings(ts), defined = definitions(c);
	return [
		...[...used.fn].filter(([name]) => !defined.fn.has(name)).map(([name, at]) => `native("${name}") in ${at}: no void ${name}(xsMachine* the)`),
		...[...used.destructor].filter(([name]) => !defined.destructor.has(name)).map(([name, at]) => `Native("${name}") in ${at}: no exported void ${name}(void* data)`),
	];
}

const modulesTs = files("modules", ".ts");
const modulesC = files("modules", ".c").filter((p) => p.includes("/native/"));

describe("the natives the Moddable SDK links (every literal native()/Native() has its C)", () => {
	it("modules/: every name resolves in modules/**/native", () => {
		assert.deepEqual(unresolved(modulesTs, modulesC), []);
		assert.ok(bindings(modulesTs).destructor.size >= 4, "the scan found the TLS and crypto classes");
	});

	it("hosts/lin: its entry's names resolve in its native and modules'", () => {
		assert.deepEqual(unresolved([...modulesTs, ...files("hosts/lin", ".ts"), ...files("hosts/common", ".ts")], [...modulesC, ...files("hosts/lin", ".c")]), []);
	});

	it("hosts/esp32: its entry's names resolve in its natives and modules'", () => {
		assert.deepEqual(unresolved([...modulesTs, ...files("hosts/esp32", ".ts"), ...files("hosts/common", ".ts")], [...modulesC, ...files("hosts/esp32", ".c")]), []);
	});

	it("a name without its C is reported (the check can fail)", () => {
		const used = bindings([join(root, "modules/transport/secure-socket.ts")]);
		assert.ok(used.destructor.has("xs_tls_session_destructor"));
		assert.ok(!definitions(files("hosts/lin", ".c")).destructor.has("xs_tls_session_destructor"));
		assert.ok(unresolved([join(root, "modules/transport/secure-socket.ts")], files("hosts/lin", ".c")).some((e) => e.includes("xs_tls_session_destructor")));
	});
});
