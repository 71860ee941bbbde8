// npm test's check that no regular expression is compiled per call under modules/. XS compiles a
// regular expression literal every time its expression is evaluated: one inside a function costs
// about 80 µs a call on this machine (a few milliseconds on the ESP32), where the same object made
// once at module level costs 0.5 µs to run. The I.1 session compiled about 70 of them, 30 % of its
// CPU (issue 18, the profile of `npm run bench -- session-cpu`). A sticky (/y) expression is exempt:
// its lastIndex is the state of one parse. The other way round, a global or sticky (/g, /y)
// expression must not be at module level: the device preloads modules and freezes what they hold,
// and replace(), match() and exec() write a global expression's lastIndex ("xsSet lastIndex: not
// writable" on the SDK's build, while xsdm ran). And a module-level literal must be the argument of
// pattern() (modules/bytes/pattern.ts), which compiles it at run time: the SDK's XS leaks, and can
// crash on, every match of an expression the preload left in ROM. `node build/js/tools/check/regex-literals.js`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export interface Finding { line: number; text: string }

/** Every regular expression literal of a source, with where it stands: one parse and one walk, which
    the three rules below read. */
interface Literal extends Finding {
	/** inside a function, method, accessor or constructor body */
	inFunction: boolean;
	/** the one argument of a call to pattern() */
	wrapped: boolean;
}

function literals(source: string, fileName: string): Literal[] {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
	const found: Literal[] = [];
	const visit = (node: ts.Node, inFunction: boolean): void => {
		if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
			const p = node.parent;
			const wrapped = ts.isCallExpression(p) && p.arguments.length === 1 && p.arguments[0] === node && ts.isIdentifier(p.expression) && p.expression.text === "pattern";
			found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, text: node.getText(file), inFunction, wrapped });
		}
		ts.forEachChild(node, (child) => visit(child, inFunction || ts.isFunctionLike(node)));
	};
	visit(file, false);
	return found;
}

const finding = (l: Literal): Finding => ({ line: l.line, text: l.text });
const flagged = (l: Literal, flags: RegExp): boolean => flags.test(l.text.slice(l.text.lastIndexOf("/") + 1));
const STICKY = /y/, STATEFUL = /[gy]/;

/** Compiled at every evaluation: a literal inside a function body, unless sticky (its lastIndex is one parse's state). */
const perCall = (l: Literal): boolean => l.inFunction && !flagged(l, STICKY);
/** Global or sticky outside any function: frozen on the device. */
const stateful = (l: Literal): boolean => !l.inFunction && flagged(l, STATEFUL);
/** Outside any function and not pattern()'s one argument: matched in ROM on the device (see
    modules/bytes/pattern.ts). An escaped slash is refused too: xsdm's XS gives such a literal's
    source with the backslash doubled ("\\/"), so the copy pattern() compiles would not match; [/] says the same. */
const inRom = (l: Literal): boolean => !l.inFunction && (!l.wrapped || l.text.slice(1, l.text.lastIndexOf("/")).includes("\\/"));

/** Regular expression literals inside a function, method, accessor or constructor body. */
export function regexLiteralsInFunctions(source: string, fileName = "x.ts"): Finding[] {
	return literals(source, fileName).filter(perCall).map(finding);
}

/** Global or sticky regular expression literals outside any function: frozen on the device. */
export function statefulRegexLiteralsAtModuleLevel(source: string, fileName = "x.ts"): Finding[] {
	return literals(source, fileName).filter(stateful).map(finding);
}

/** Literals outside any function that are not the one argument of a call to pattern(). */
export function romRegexLiterals(source: string, fileName = "x.ts"): Finding[] {
	return literals(source, fileName).filter(inRom).map(finding);
}

export function checkRepository(root: string): string[] {
	const out: string[] = [];
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir).sort()) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
				const path = relative(root, p).split("\\").join("/");
				const all = literals(readFileSync(p, "utf8"), path);
				for (const f of all.filter(perCall)) out.push(`${path}:${f.line}: ${f.text} is compiled at every call: make it a module-level const`);
				for (const f of all.filter(inRom)) out.push(`${path}:${f.line}: ${f.text} stays in ROM on the device, where the SDK's XS leaks on every match: write pattern(${f.text}) (modules/bytes/pattern.ts), with [/] for \\/`);
				for (const f of all.filter(stateful)) out.push(`${path}:${f.line}: ${f.text} is global or sticky at module level, where the device's preload freezes its lastIndex: drop the flag (test/exec without it), or use a string pattern (replaceAll)`);
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
	console.log(found.length ? `regex literals: ${found.length} compiled per call, left in ROM or frozen with a lastIndex` : "regex literals: every one is compiled once, at module level through pattern(), none global there");
	process.exitCode = found.length ? 1 : 0;
}
