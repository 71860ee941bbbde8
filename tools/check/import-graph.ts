// The rooms of modules/ (../shared/DESIGN.md) as an import graph, and the three rules that keep it
// one-way: no cycle between rooms; nothing below the DM core (bytes, crypto, time, the HTTP contract,
// transport, pcsc-uart) imports the DM core; and an import into another room goes through that room's
// index.ts, its public face. Pure: it takes the sources as text, so its tests need no files.
//
// Sources, not compiled output, are read: `import type` vanishes from the JavaScript, yet a type
// reached around a room's index.ts couples the rooms just the same.

/** A room: a folder directly under modules/ (transport, bytes…), a folder directly under
    modules/dm (dm/session, dm/tree…), or a file directly under modules/dm (dm/error), which is its
    own entry. Deeper folders (transport/http, dm/codec/native) belong to their room. */
export function roomOf(path: string): { room: string; entry: string } | undefined {
	const parts = path.split("/");
	if (parts[0] !== "modules" || parts.length < 3) return undefined;
	if (parts[1] !== "dm") return { room: parts[1]!, entry: `modules/${parts[1]}/index.ts` };
	if (parts.length === 3) return { room: `dm/${parts[2]!.replace(/\.ts$/, "")}`, entry: path };
	return { room: `dm/${parts[2]}`, entry: `modules/dm/${parts[2]}/index.ts` };
}

/** Rooms the DM core builds on: they may not import any dm/ room. */
const BELOW_DM = new Set(["bytes", "crypto", "time", "http", "transport", "pcsc-uart", "firmware"]);
/** The only room that may reach @noble/hashes (issue 14: every hash through modules/crypto). */
const NOBLE_OWNER = "crypto";

export interface Violation {
	rule: "cycle" | "layer" | "index" | "outside" | "bare";
	message: string;
}

interface Edge { from: string; to: string; file: string; line: number; target: string }

/** The specifiers a module imports or re-exports, with their line numbers. */
export function importsOf(source: string): { specifier: string; line: number }[] {
	const out: { specifier: string; line: number }[] = [];
	const text = withoutComments(source);
	const re = /(?:^|[\s;])(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		const specifier = (m[1] ?? m[2])!;
		const at = m.index + m[0].lastIndexOf(specifier);
		out.push({ specifier, line: text.slice(0, at).split("\n").length });
	}
	return out;
}

/** The source with its comments blanked (line breaks kept, so line numbers stay right), so that a
    commented-out import is not taken for a real one; a "//" inside a string is no comment. */
function withoutComments(source: string): string {
	let out = "";
	let quote = "";
	for (let i = 0; i < source.length; i++) {
		const c = source[i]!;
		if (quote) {
			out += c;
			if (c === "\\") out += source[++i] ?? "";
			else if (c === quote) quote = "";
		} else if (c === "/" && source[i + 1] === "/") {
			while (i < source.length && source[i] !== "\n") i++;
			out += "\n";
		} else if (c === "/" && source[i + 1] === "*") {
			const end = source.indexOf("*/", i + 2);
			const comment = source.slice(i, end < 0 ? source.length : end + 2);
			out += comment.replace(/[^\n]/g, " ");
			i += comment.length - 1;
		} else {
			if (c === "\"" || c === "'" || c === "`") quote = c;
			out += c;
		}
	}
	return out;
}

function resolve(from: string, specifier: string): string {
	const parts = from.split("/").slice(0, -1);
	for (const p of specifier.split("/")) {
		if (p === "..") parts.pop();
		else if (p !== ".") parts.push(p);
	}
	return parts.join("/").replace(/\.js$/, ".ts");
}

/** Checks the graph of the given sources (paths relative to the repository, e.g. modules/dm/x.ts). */
export function checkImports(sources: ReadonlyMap<string, string>): Violation[] {
	const violations: Violation[] = [];
	const edges: Edge[] = [];
	for (const [file, text] of sources) {
		const here = roomOf(file);
		if (!here) continue;
		for (const { specifier, line } of importsOf(text)) {
			const at = `${file}:${line}`;
			if (!specifier.startsWith(".")) {
				if (specifier.startsWith("@noble/") && here.room !== NOBLE_OWNER) violations.push({ rule: "bare", message: `${at} imports ${specifier}: hashes go through modules/crypto, which picks the native where the host has one` });
				else if (specifier.startsWith("embedded:")) violations.push({ rule: "outside", message: `${at} imports the host module ${specifier}: a host hands IO to modules/ through constructor options` });
				else if (!specifier.startsWith("@noble/")) violations.push({ rule: "bare", message: `${at} imports ${specifier}: modules/ depends on no package but @noble/hashes (behind modules/crypto)` });
				continue;
			}
			const target = resolve(file, specifier);
			const there = roomOf(target);
			if (!there) {
				violations.push({ rule: "outside", message: `${at} imports ${target}, outside modules/: modules never import a host, a tool or a test` });
				continue;
			}
			if (there.room === here.room) continue;
			edges.push({ from: here.room, to: there.room, file, line, target });
			if (target !== there.entry) violations.push({ rule: "index", message: `${at} imports ${target}: go through ${there.entry} (export it there if other rooms need it)` });
			if (BELOW_DM.has(here.room) && there.room.startsWith("dm")) violations.push({ rule: "layer", message: `${at}: ${here.room} imports ${there.room}, but ${here.room} sits below the DM core and must not depend on it` });
		}
	}
	for (const cycle of cycles(edges)) violations.push({ rule: "cycle", message: cycle });
	return violations;
}

/** Each strongly connected group of rooms (Tarjan), told by one edge per room pair that closes it. */
function cycles(edges: readonly Edge[]): string[] {
	const next = new Map<string, Set<string>>();
	for (const e of edges) {
		if (!next.has(e.from)) next.set(e.from, new Set());
		next.get(e.from)!.add(e.to);
	}
	const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
	const groups: string[][] = [];
	let counter = 0;
	const visit = (v: string): void => {
		index.set(v, counter); low.set(v, counter); counter++;
		stack.push(v); on.add(v);
		for (const w of next.get(v) ?? []) {
			if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
			else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
		}
		if (low.get(v) === index.get(v)) {
			const group: string[] = [];
			let w: string;
			do { w = stack.pop()!; on.delete(w); group.push(w); } while (w !== v);
			if (group.length > 1) groups.push(group.sort());
		}
	};
	for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
	return groups.map((g) => {
		const inside = edges.filter((e) => g.includes(e.from) && g.includes(e.to));
		const seen = new Set<string>();
		const shown = inside.filter((e) => { const k = `${e.from}>${e.to}`; if (seen.has(k)) return false; seen.add(k); return true; });
		return `rooms ${g.join(", ")} import each other: ${shown.map((e) => `${e.from} → ${e.to} (${e.file}:${e.line})`).join("; ")}`;
	});
}
