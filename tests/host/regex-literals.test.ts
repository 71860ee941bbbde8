// tools/check/regex-literals: no regular expression under modules/ is compiled per call on XS, and
// none at module level is global or sticky (the device's preload freezes it, lastIndex included) or
// left bare (matched in ROM on the device, where the SDK's XS leaks on every match).
import { checkRepository, regexLiteralsInFunctions, romRegexLiterals, statefulRegexLiteralsAtModuleLevel } from "../../tools/check/regex-literals.js";
import { root } from "./xsdm.js";
import { assert, describe, it } from "../harness/index.js";

describe("tools/check: regular expressions compiled once", () => {
	it("finds a literal in a function, an arrow, a method and a nested callback, with its line", () => {
		const src = `const OK = /^a$/;\nfunction f(s) { return /^b$/.test(s); }\nconst g = (s) => s.replace(/c/g, "");\nclass K { m(s) { return [s].map((x) => /d/i.exec(x)); } }\n`;
		assert.deepEqual(regexLiteralsInFunctions(src), [{ line: 2, text: "/^b$/" }, { line: 3, text: "/c/g" }, { line: 4, text: "/d/i" }]);
	});
	it("leaves module-level literals, sticky ones (their lastIndex is one parse's state) and division alone", () => {
		assert.deepEqual(regexLiteralsInFunctions(`const A = /x/g;\nfunction p(t) { const r = /\\s*(\\w+)/y; return r.exec(t) && 6 / 2 / 1; }\n`), []);
	});
	it("finds a global or sticky literal at module level, and only there", () => {
		const src = `const A = /x/g;\nconst B = /^y$/i;\nexport const C = { d: /z/y };\nfunction p(t) { return t.replace(/w/g, ""); }\n`;
		assert.deepEqual(statefulRegexLiteralsAtModuleLevel(src), [{ line: 1, text: "/x/g" }, { line: 3, text: "/z/y" }]);
	});
	it("finds a module-level literal that is not pattern()'s one argument, and leaves those that are", () => {
		const src = `const A = pattern(/^a$/);\nconst B = /^b$/;\nexport const C = { d: /^c$/i };\nconst D = other(/^d$/);\nconst E = pattern(/^e$/, 1);\nfunction p(t) { return /f/.test(t); }\nconst G = pattern(/^a\\/b$/);\nconst H = pattern(/^a[/]b$/);\n`;
		assert.deepEqual(romRegexLiterals(src), [{ line: 2, text: "/^b$/" }, { line: 3, text: "/^c$/i" }, { line: 4, text: "/^d$/" }, { line: 5, text: "/^e$/" }, { line: 7, text: "/^a\\/b$/" }]);
	});
	it("modules/ compiles none per call, freezes none with a lastIndex and leaves none in ROM", () => {
		assert.deepEqual(checkRepository(root), []);
	});
});
