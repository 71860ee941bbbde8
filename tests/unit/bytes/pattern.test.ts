// modules/bytes/pattern.ts: a module-level expression matched by a copy compiled at run time (on the
// SDK's device the literal is in ROM, where XS leaks on every match), with the literal's answers.
import { pattern } from "../../../modules/bytes/pattern.js";
import { assert, describe, it } from "../../harness/index.js";

const TOKEN = pattern(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
const STATUS = pattern(/^HTTP[/]1\.([01]) ([0-9]{3})(?: (.*))?$/i);	// [/], not \/: see tools/check/regex-literals

describe("bytes: pattern", () => {
	it("answers test() as its literal does", () => {
		for (const text of ["Content-Type", "a b", "", "x~y", "é"]) assert.equal(TOKEN.test(text), /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(text), JSON.stringify(text));
	});

	it("answers exec() with the literal's captures, flags kept, and null on no match", () => {
		const m = STATUS.exec("http/1.1 404 Not Found");
		assert.ok(m !== null);
		assert.deepEqual([m![0], m![1], m![2], m![3], m!.index], ["http/1.1 404 Not Found", "1", "404", "Not Found", 0]);
		assert.equal(STATUS.exec("HTTP/2 200"), null);
	});

	it("never matches with the literal itself, and compiles its copy once", () => {
		// a literal whose own methods throw: a pattern that used it (ROM on the device) would throw
		const literal = /^a+$/;
		literal.test = () => { throw new Error("matched with the literal"); };
		literal.exec = () => { throw new Error("matched with the literal"); };
		const p = pattern(literal);
		assert.equal(p.test("aaa"), true);
		assert.equal(p.exec("b"), null);
		// the copy is made from the literal's source and flags the first time, and only then
		let reads = 0;
		const counted = Object.defineProperty(/^b$/i, "source", { get: () => { reads++; return "^b$"; } });
		const q = pattern(counted);
		assert.equal(reads, 0);
		assert.equal(q.test("B"), true);
		assert.equal(q.test("c"), false);
		assert.equal(q.exec("b")?.[0], "b");
		assert.equal(reads, 1);
	});
});
