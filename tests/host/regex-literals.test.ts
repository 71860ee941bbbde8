// tools/check/regex-literals: no regular expression under modules/ is compiled per call on XS, and
// none at module level is global or sticky (the device's preload freezes it, lastIndex included).
import { checkRepository, regexLiteralsInFunctions, statefulRegexLiteralsAtModuleLevel } from "../../tools/check/regex-literals.js";
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
	it("modules/ compiles none per call and freezes none with a lastIndex", () => {
		assert.deepEqual(checkRepository(root), []);
	});
});
