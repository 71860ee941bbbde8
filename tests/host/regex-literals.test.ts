// tools/check/regex-literals: no regular expression under modules/ is compiled per call on XS.
import { checkRepository, regexLiteralsInFunctions } from "../../tools/check/regex-literals.js";
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
	it("modules/ compiles none per call", () => {
		assert.deepEqual(checkRepository(root), []);
	});
});
