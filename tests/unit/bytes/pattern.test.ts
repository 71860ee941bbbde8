// modules/bytes/pattern.ts: a module-level expression matched by a copy compiled at run time (on the
// SDK's device the literal is in ROM, where XS leaks on every match), with the literal's answers.
import { matchesCharClass, parseCharClass } from "../../../modules/bytes/char-class.js";
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
		// the copy is made from the literal's source and flags the first time, and only then (the
		// source is read once more, when the pattern is made, to see whether a table will do)
		let reads = 0;
		const counted = Object.defineProperty(/^b$/i, "source", { get: () => { reads++; return "^b$"; } });
		const q = pattern(counted);
		assert.equal(reads, 1);
		assert.equal(q.test("B"), true);
		assert.equal(q.test("c"), false);
		assert.equal(q.exec("b")?.[0], "b");
		assert.equal(reads, 2);
	});

	it("tests a class over the whole text with its table, compiling nothing", () => {
		let reads = 0;
		const counted = Object.defineProperty(/^[a-c]{2}$/, "source", { get: () => { reads++; return "^[a-c]{2}$"; } });
		const p = pattern(counted);
		assert.deepEqual([p.test("ab"), p.test("abc"), p.test("ad"), reads], [true, false, false, 1]);
	});
});

// every class form modules/ holds, and the edges of the parser; each answer is held to RegExp's
const CLASSES: [string, string][] = [
	["^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$", ""], ["^[\\x20-\\x7e\\x80-\\xff\\t]*$", ""], ["^[\\x21-\\x7e]*$", ""],
	["^[0-9]{1,15}$", ""], ["^\\d{1,5}$", ""], ["^[0-9a-f:.]+$", ""], ["^\\d+$", ""], ["^[0-9]+$", ""], ["^\\d{10}$", ""],
	["^[0-9A-Za-z'()+_,\\-./:=?]{1,70}$", ""], ["^[A-Za-z0-9\\-._~:%]+$", ""], ["^[A-Za-z0-9\\-._~]+$", ""], ["^[A-Za-z0-9_-]{1,4}$", ""],
	["^[A-Za-z0-9._-]$", ""], ["^[a-f]{2,3}$", "i"], ["^[-a]+$", ""], ["^[\\w.]*$", ""], ["^\\w{0,3}$", "i"], ["^[\\]\\\\]+$", ""],
];
const UNSUPPORTED: [string, string][] = [["^[^a]+$", ""], ["^\\s$", ""], ["^[\\n\\r\\u2028\\u2029]$", ""], ["^[a-z]+$", "g"], ["^[1-9][0-9]{0,5}$", ""],
	["^[a-z]{3,1}$", ""], ["^[a-z]{1,}$", ""], ["^[\\x41-\\xe9]+$", "i"], ["^[\\d-z]$", ""], ["^[a-z]+", ""], ["[a-z]+$", ""]];

describe("bytes: character class tables", () => {
	it("reads every class form modules/ uses, and leaves the rest to RegExp", () => {
		for (const [source, flags] of CLASSES) assert.ok(parseCharClass(source, flags) !== undefined, `/${source}/${flags}`);
		for (const [source, flags] of UNSUPPORTED) assert.equal(parseCharClass(source, flags), undefined, `/${source}/${flags}`);
	});

	it("answers as RegExp does, for every code point below 0x200 and for strings of every length up to 72", () => {
		const alphabet = ["a", "Z", "0", "9", "-", ".", "_", "~", ":", "%", "/", "=", "?", "'", "(", "+", ",", " ", "\t", "\x7f", "\xe9", "\u0100", "\ud83d", "]", "\\", "f", "A", "x"];
		let seed = 7;
		const random = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
		const texts: string[] = [""];
		for (let code = 0; code < 0x200; code++) texts.push(String.fromCharCode(code), String.fromCharCode(code) + "a", "0" + String.fromCharCode(code));
		for (let length = 1; length <= 72; length++) for (let k = 0; k < 6; k++) {
			let t = "";
			for (let i = 0; i < length; i++) t += alphabet[random(alphabet.length)];
			texts.push(t, "a".repeat(length), "7".repeat(length));
		}
		for (const [source, flags] of CLASSES) {
			const table = parseCharClass(source, flags)!, reference = new RegExp(source, flags);
			for (const text of texts) assert.equal(matchesCharClass(table, text), reference.test(text), `/${source}/${flags} on ${JSON.stringify(text)}`);
		}
	});
});
