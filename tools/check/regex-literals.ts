// npm test's check that no regular expression is compiled per call under modules/. XS compiles a
// regular expression literal every time its expression is evaluated: one inside a function costs
// about 80 µs a call on this machine (a few milliseconds on the ESP32), where the same object made
// once at module level costs 0.5 µs to run. The I.1 session compiled about 70 of them, 30 % of its
// CPU (issue 18, the profile of `npm run bench -- session-cpu`). A sticky (/y) expression is exempt:
// its lastIndex is the state of one parse. `node build/js/tools/check/regex-literals.js`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export interface Finding { line: number; text: string }

/** Regular expression literals inside a function, method, accessor or constructor body. */
export function regexLiteralsInFunctions(source: string, fileName = "x.ts"): Finding[] {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
	const found: Finding[] = [];
	const visit = (node: ts.Node, inFunction: boolean): void => {
		if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && inFunction) {
			const text = node.getText(file);
			if (!/\/[a-z]*y[a-z]*$/.test(text)) found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text });
		}
		ts.forEachChild(node, (child) => visit(child, inFunction || ts.isFunctionLike(node)));
	};
	visit(file, false);
	return found;
}

export function checkRepository(root: string): string[] {
	const out: string[] = [];
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir).sort()) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
				const path = relative(root, p).split("\\").join("/");
				for (const f of regexLiteralsInFunctions(readFileSync(p, "utf8"), path)) out.push(`${path}:${f.line}: ${f.text} is compiled at every call: make it a module-level const`);
			}
		}
	};
	walk(join(root, "modules"));
	return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const root = join(fileURLToPath(import.meta.url), "../../../../..");
	const found = checkRepository(root);
	for (const line of found) console.error(line);
	console.log(found.length ? `regex literals: ${found.length} compiled per call` : "regex literals: every one is compiled once, at module level");
	process.exitCode = found.length ? 1 : 0;
}
