// The commonest module-level expression, a character class over the whole text (/^[A-Za-z0-9._~-]+$/,
// /^\d{10}$/), matched by a table instead of a RegExp. pattern() uses it where it can: a compiled
// RegExp costs 350 to 1,400 bytes of heap on XS, a table 32 bytes in the preloaded modules, and
// test() allocates nothing (span.ts's scan). tests/unit/bytes/pattern.test.ts holds it to RegExp on
// every class here.
import { span, type UnitSet } from "./span.js";

/** A set of code points below 256 and how many of them the whole text must be. */
export interface CharClass {
	readonly units: UnitSet;	// nothing above 0xff
	readonly min: number;
	readonly max: number;
}

const DIGIT = "0-9", WORD = "A-Za-z0-9_";

/** The class of a source `^[...]Q$`, `^\d Q$` or `^\w Q$` (Q: +, *, {n}, {m,n}, or none), flags ""
    or "i"; undefined for anything else (a negated class, \s, \u, code points above 0xff...). */
export function parseCharClass(source: string, flags: string): CharClass | undefined {
	if (flags !== "" && flags !== "i") return undefined;
	if (!source.startsWith("^") || !source.endsWith("$")) return undefined;
	let body: string, rest: string;
	if (source.startsWith("^\\d") || source.startsWith("^\\w")) {
		body = source.charAt(2) === "d" ? DIGIT : WORD;
		rest = source.slice(3, -1);
	}
	else {
		if (source.charAt(1) !== "[" || source.charAt(2) === "^") return undefined;
		const close = classEnd(source, 2);
		if (close < 0) return undefined;
		body = source.slice(2, close);
		rest = source.slice(close + 1, -1);
	}
	const bounds = quantifier(rest);
	if (!bounds) return undefined;
	const set = new Uint8Array(32);
	if (!addClass(set, body, flags === "i")) return undefined;
	return { units: { bits: set, above: false }, min: bounds[0], max: bounds[1] };
}

/** Whether all of text is in the class, in number of characters within its bounds. */
export function matchesCharClass(c: CharClass, text: string): boolean {
	// + and * need no length, which on XS counts the text: an empty test is enough
	if (c.max === Infinity && c.min <= 1) {
		if (c.min === 1 && text === "") return false;
	}
	else {
		const n = text.length;
		if (n < c.min || n > c.max) return false;
	}
	return span(text, c.units) < 0;
}

/** Index of the unescaped ] that ends the class opened before `from`, or -1. */
function classEnd(source: string, from: number): number {
	for (let i = from; i < source.length; i++) {
		const c = source.charAt(i);
		if (c === "\\") i++;
		else if (c === "]") return i;
	}
	return -1;
}

function quantifier(q: string): [number, number] | undefined {
	if (q === "") return [1, 1];
	if (q === "+") return [1, Infinity];
	if (q === "*") return [0, Infinity];
	if (q.charAt(0) !== "{" || q.charAt(q.length - 1) !== "}") return undefined;
	const parts = q.slice(1, -1).split(",");
	if (parts.length > 2 || !parts.every((p) => p.length > 0 && p.length < 6 && isDigits(p))) return undefined;
	const min = Number(parts[0]), max = Number(parts[parts.length - 1]);
	return min <= max ? [min, max] : undefined;
}

function isDigits(text: string): boolean {
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x30 || text.charCodeAt(i) > 0x39) return false;
	return true;
}

/** Adds a class body's members to set; false if it holds what this table does not model. */
function addClass(set: Uint8Array, body: string, ignoreCase: boolean): boolean {
	let i = 0;
	const next = (): number | string | undefined => {	// a code point, "d"/"w" for \d/\w, undefined if unsupported
		const c = body.charAt(i++);
		if (c !== "\\") return c.charCodeAt(0);
		const e = body.charAt(i++);
		if (e === "d" || e === "w") return e;
		if (e === "t") return 9;
		if (e === "n") return 10;
		if (e === "r") return 13;
		if (e === "x") {
			const high = hexValue(body.charCodeAt(i)), low = hexValue(body.charCodeAt(i + 1));
			i += 2;
			return high >= 0 && low >= 0 ? high * 16 + low : undefined;
		}
		// an escaped punctuation character is itself; a letter or digit escape is something else
		const code = e.charCodeAt(0);	// NaN when the body ends in a backslash
		return code < 0x80 && !isAlphanumeric(code) ? code : undefined;
	};
	while (i < body.length) {
		const from = next();
		if (from === undefined) return false;
		if (typeof from === "string") {
			// [\d-z] is three members on Node (Annex B) and a syntax error on XS: neither is modelled
			if (body.charAt(i) === "-" && i + 1 < body.length) return false;
			addClass(set, from === "d" ? DIGIT : WORD, false);
			continue;
		}
		let to = from;
		if (body.charAt(i) === "-" && i + 1 < body.length) {
			i++;
			const end = next();
			if (typeof end !== "number" || end < from) return false;
			to = end;
		}
		// /i folds letters; past ASCII its folding is the engine's (and Unicode's) business
		if (to > (ignoreCase ? 0x7f : 0xff)) return false;
		for (let code = from; code <= to; code++) {
			add(set, code);
			if (ignoreCase && ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a))) add(set, code ^ 0x20);
		}
	}
	return true;
}

/** 0..15 for a hex digit's code, -1 for anything else (NaN included) */
function hexValue(code: number): number {
	if (code >= 0x30 && code <= 0x39) return code - 0x30;
	const lower = code | 0x20;
	return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

function isAlphanumeric(code: number): boolean {
	return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function add(set: Uint8Array, code: number): void { set[code >> 3]! |= 1 << (code & 7); }

/** The class \s, which a table cannot hold (it reaches past 0xff): whether a UTF-16 code unit is
    white space as a regular expression's \s means it, ECMAScript's WhiteSpace and LineTerminator
    (trim's set), compared by number so that nothing is allocated. */
export function isSpace(code: number): boolean {
	if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
	if (code < 0xa0) return false;
	return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
		code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
