// The streaming JSON reader: strict RFC 8259, the same events for every split of the input,
// typed errors at the right byte, bounded pieces for long strings.
import { Feed, JsonError, decodeJson, hasNativeScan, type JsonLimits } from "../../../modules/dm/codec/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { feedSplit, utf8, wholeStrings } from "./json-events.js";

const valid = [
	`{"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor","Thumbnail":{"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},"Animated":false,"IDs":[116,943,234,38793]}}`,
	`[{"precision":"zip","Latitude":37.7668,"Longitude":-122.3959,"Address":"","City":"SAN FRANCISCO","State":"CA","Zip":"94107","Country":"US"}]`,
	`"Hello world!"`, `42`, `true`, `null`, `-0`, `1e5`, `-1.25E-3`, `0.5e+7`, `[]`, `{}`, `[[[]]]`, ` \t\r\n[ 1 , 2 ] \n`,
	`{"a":{"b":[1,{"c":null}]},"":""}`,
	`"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\u00e9 \\u20AC \\ud83d\\ude00"`,
	`"é € 😀 \u{10FFFF}"`,
	`{"dup":1,"dup":2}`,
	`[1.7976931348623157e308, 5e-324, 123456789012345678901234567890]`,
];

const invalid: [string, JsonError, number][] = [
	[`[1,]`, JsonError.Syntax, 3],
	[`{"a":1,}`, JsonError.Syntax, 7],
	[`[01]`, JsonError.Syntax, 2],
	[`[-]`, JsonError.Syntax, 2],
	[`[1.]`, JsonError.Syntax, 3],
	[`[.5]`, JsonError.Syntax, 1],
	[`[1e]`, JsonError.Syntax, 3],
	[`[+1]`, JsonError.Syntax, 1],
	[`{a:1}`, JsonError.Syntax, 1],
	[`{"a" 1}`, JsonError.Syntax, 5],
	[`["a\tb"]`, JsonError.Syntax, 3],
	[`["\\x"]`, JsonError.Escape, 3],
	[`["\\u12G4"]`, JsonError.Escape, 6],
	[`["\\ud800"]`, JsonError.Escape, 8],
	[`["\\ud800\\u0041"]`, JsonError.Escape, 13],
	[`["\\udc00"]`, JsonError.Escape, 7],
	[`[tru]`, JsonError.Syntax, 4],
	[`[nulL]`, JsonError.Syntax, 4],
	[`[1]x`, JsonError.AfterEnd, 3],
	[`1 2`, JsonError.AfterEnd, 2],
	[`[1}`, JsonError.Syntax, 2],
	[`{"a":1]`, JsonError.Syntax, 6],
	[`]`, JsonError.Syntax, 0],
	[`[1`, JsonError.Truncated, 2],
	[`"abc`, JsonError.Truncated, 4],
	[``, JsonError.Truncated, 0],
	[`  `, JsonError.Truncated, 2],
];

const invalidBytes: [string, number[], number][] = [
	["a lone continuation byte", [0x22, 0x80, 0x22], 1],
	["an overlong two-byte form", [0x22, 0xc0, 0xaf, 0x22], 1],
	["an overlong three-byte form", [0x22, 0xe0, 0x80, 0xaf, 0x22], 2],
	["a UTF-8 encoded surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22], 2],
	["a code point above U+10FFFF", [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 2],
	["a truncated sequence", [0x22, 0xe2, 0x82, 0x22], 3],
	["byte 0xFF", [0x22, 0xff, 0x22], 1],
];

function everySplit(bytes: Uint8Array): number[][] {
	const out: number[][] = [[], Array.from({ length: bytes.length }, (_, i) => i + 1).slice(0, -1)];
	for (let i = 1; i < bytes.length; i++) out.push([i]);
	return out;
}

describe("JSON reader (RFC 8259, streaming)", () => {
	for (const text of valid) {
		it(`reads ${text.length > 40 ? text.slice(0, 40) + "…" : text} alike in every split, as JSON.parse does`, () => {
			const bytes = utf8(text);
			const whole = feedSplit(bytes, []);
			assert.equal(whole.result, Feed.Done);
			for (const splits of everySplit(bytes)) assert.deepEqual(feedSplit(bytes, splits).events, whole.events, `splits ${splits.join(",")}`);
			assert.deepEqual(decodeJson(bytes), JSON.parse(text));
		});
	}

	for (const [text, code, offset] of invalid) {
		it(`refuses ${JSON.stringify(text)} with error ${code} at byte ${offset}, in every split`, () => {
			const bytes = utf8(text);
			for (const splits of everySplit(bytes)) {
				const r = feedSplit(bytes, splits);
				assert.equal(r.result, code, `splits ${splits.join(",")}`);
				assert.equal(r.offset, offset, `splits ${splits.join(",")}`);
			}
		});
	}

	for (const [name, bytes, offset] of invalidBytes) {
		it(`refuses ${name}`, () => {
			const data = Uint8Array.from(bytes);
			for (const splits of everySplit(data)) {
				const r = feedSplit(data, splits);
				assert.equal(r.result, JsonError.Utf8, `splits ${splits.join(",")}`);
				assert.equal(r.offset, offset);
			}
		});
	}

	it("decodeJson turns an error into DmError 400 with the offset", () => {
		const e = assert.throws(() => decodeJson(utf8(`{"a":[1,2,}`)), DmError) as DmError;
		assert.equal(e.status, 400);
		assert.equal(e.offset, 10);
		assert.ok(/at byte 10/.test(e.message), e.message);
	});

	it("enforces the nesting limit without recursion", () => {
		const deep = (n: number): Uint8Array => utf8("[".repeat(n) + "]".repeat(n));
		assert.equal(feedSplit(deep(64), []).result, Feed.Done);
		const r = feedSplit(deep(65), []);
		assert.equal(r.result, JsonError.Depth);
		assert.equal(r.offset, 64);
		assert.equal(feedSplit(deep(100000), [], { maxDepth: 64 }).result, JsonError.Depth);
	});

	it("enforces the key, number and total length limits", () => {
		assert.equal(feedSplit(utf8(`{"${"k".repeat(256)}":1}`), []).result, Feed.Done);
		assert.equal(feedSplit(utf8(`{"${"k".repeat(257)}":1}`), []).result, JsonError.KeyLength);
		assert.equal(feedSplit(utf8(`{"${"é".repeat(129)}":1}`), []).result, JsonError.KeyLength, "the key limit counts UTF-8 bytes");
		assert.equal(feedSplit(utf8(`[${"1".repeat(64)}]`), []).result, Feed.Done);
		assert.equal(feedSplit(utf8(`[${"1".repeat(65)}]`), []).result, JsonError.NumberLength);
		const big = utf8(`"${"x".repeat(2000)}"`);
		assert.equal(feedSplit(big, [1000], { maxTotalLength: 1500 }).result, JsonError.TotalLength);
	});

	it("stays failed after an error until reset", () => {
		const r = feedSplit(utf8(`[1,,2]`), [3]);
		assert.equal(r.result, JsonError.Syntax);
	});

	it(`streams a ${engine === "xs" ? "256 KiB" : "1 MiB"} string value in bounded pieces`, () => {
		const n = engine === "xs" ? 256 * 1024 : 1024 * 1024;
		const bytes = new Uint8Array(n + 2);
		bytes.fill(0x61);
		bytes[0] = bytes[n + 1] = 0x22;
		bytes[500] = 0xc3; bytes[501] = 0xa9;   // an é straddling nothing in particular
		const splits: number[] = [];
		for (let at = 333; at < bytes.length; at += 4093) splits.push(at);
		const r = feedSplit(bytes, splits, { stringChunk: 128 });
		assert.equal(r.result, Feed.Done);
		let total = 0;
		for (const e of r.events) {
			assert.ok(e.length - 3 <= 128, "piece bounded");
			total += e.length - 3;
		}
		assert.equal(total, n - 1, "UTF-16 units: é is one");
		assert.ok(r.events[r.events.length - 1]!.startsWith("s.:"));
	});

	it("keeps a surrogate pair in one piece", () => {
		const r = feedSplit(utf8(`"${"a".repeat(3)}😀"`), [], { stringChunk: 4 });
		assert.deepEqual(r.events, ["s+:aaa", "s.:😀"]);
	});
});

// The C scanning core (native/json-scan.c, on XS hosts that bind it) against the TypeScript reader,
// the reference: the same events, results, error offsets and messages for every input and split.
const tricky = [
	`{"k":"v","é€😀":"é€😀","":""}`, `[0,-0,1.5e-3,-12E+2,1e400,123456789012345678901]`, `[true,false,null]`,
	`{"a":"x\ny","b":"\u00e9","c":"plain"}`, `["${"x".repeat(300)}","${"é".repeat(200)}","${"😀".repeat(130)}"]`,
	`{"${"k".repeat(256)}":1,"${"é".repeat(128)}":2}`, `[${"1".repeat(64)}]`, `[${"[".repeat(63)}${"]".repeat(63)}]`,
	` [ 1 ,\t2 ]  `, `[tru]`, `[1,]`, `[01]`, `{"a" 1}`, `[1]x`, `{"${"k".repeat(257)}":1}`, `[${"1".repeat(65)}]`, `"\ud83d\ude00"`,
];

function compareBoth(bytes: Uint8Array, splits: number[], limits: JsonLimits = {}): void {
	const reference = feedSplit(bytes, splits, { ...limits, native: false });
	const fast = feedSplit(bytes, splits, limits);
	assert.deepEqual(fast, reference, `splits ${splits.join(",")}`);
}

describe("JSON reader: native scanning core = TypeScript reference", () => {
	it(`is bound on XS (${engine}: ${hasNativeScan ? "native" : "no native, both paths are the reference"})`, () => {
		assert.equal(hasNativeScan, engine === "xs");
	});

	const inputs: [string, Uint8Array][] = [
		...[...valid, ...tricky, ...invalid.map(([t]) => t)].map((t): [string, Uint8Array] => [t, utf8(t)]),
		...invalidBytes.map(([name, b]): [string, Uint8Array] => [name, Uint8Array.from(b)]),
	];
	for (const [name, bytes] of inputs) {
		it(`agrees on ${name.length > 40 ? name.slice(0, 40) + "…" : name} in every split, with small and default string pieces`, () => {
			for (const splits of everySplit(bytes)) {
				compareBoth(bytes, splits);
				compareBoth(bytes, splits, { stringChunk: 3, maxDepth: 8, maxKeyLength: 4, maxNumberLength: 5 });
			}
		});
	}
});


// Bytes mode (a JsonBytesHandler): string values as UTF-8, the C core lending the chunk itself.
// Its reference is the TypeScript reader's bytes path; both against the text mode's strings.
describe("JSON reader: string values as bytes", () => {
	for (const text of [...valid, ...tricky.slice(0, 3), ...tricky.slice(4, 7)]) {
		it(`reads ${text.length > 40 ? text.slice(0, 40) + "…" : text} as the text mode does, in every split, with whole characters in each piece`, () => {
			const bytes = utf8(text);
			const textMode = feedSplit(bytes, [], { native: false });
			for (const limits of [{}, { stringChunk: 4 }, { stringChunk: 7 }] as JsonLimits[]) {
				const whole = feedSplit(bytes, [], { ...limits, native: false }, "bytes");
				assert.equal(whole.result, Feed.Done);
				assert.deepEqual(wholeStrings(whole.events), wholeStrings(textMode.events), "the same strings as the text mode");
				assert.ok(!whole.events.some((e) => e.startsWith("b!")), "each piece is whole characters");
				for (const e of whole.events) if (e.startsWith("b")) assert.ok(utf8(e.slice(3)).length <= (limits.stringChunk ?? 256), `piece bounded: ${e}`);
				for (const splits of everySplit(bytes)) {
					assert.deepEqual(feedSplit(bytes, splits, { ...limits, native: false }, "bytes").events, whole.events, `reference, splits ${splits.join(",")}`);
					assert.deepEqual(feedSplit(bytes, splits, limits, "bytes"), whole, `default path, splits ${splits.join(",")}`);
				}
			}
		});
	}

	it("cuts pieces before the character that would not fit, a 4-byte one included", () => {
		assert.deepEqual(feedSplit(utf8(`"abc😀d"`), [], { stringChunk: 4 }, "bytes").events, ["b+:abc", "b+:😀", "b.:d"]);
		assert.deepEqual(feedSplit(utf8(`"abcd"`), [], { stringChunk: 4 }, "bytes").events, ["b.:abcd"]);
		assert.deepEqual(feedSplit(utf8(`["", "\\u00e9\\ud83d\\ude00\\n"]`), [], { stringChunk: 4 }, "bytes").events, ["[", "b.:", "b+:é", "b+:😀", "b.:\n", "]"]);
		assert.deepEqual(feedSplit(utf8(`{"\\u00e9":"k"}`), [], {}, "bytes").events, ["{", "k:é", "b.:k", "}"], "keys stay strings");
	});

	for (const [text, code, offset] of invalid) {
		it(`refuses ${JSON.stringify(text)} with error ${code} at byte ${offset} as the text mode does`, () => {
			const bytes = utf8(text);
			for (const splits of everySplit(bytes)) {
				for (const native of [false, true]) {
					const r = feedSplit(bytes, splits, { native }, "bytes");
					assert.equal(r.result, code, `splits ${splits.join(",")}`);
					assert.equal(r.offset, offset, `splits ${splits.join(",")}`);
				}
			}
		});
	}

	for (const [name, bytes, offset] of invalidBytes) {
		it(`refuses ${name} as the text mode does`, () => {
			const data = Uint8Array.from(bytes);
			for (const splits of everySplit(data)) {
				const r = feedSplit(data, splits, {}, "bytes");
				assert.equal(r.result, JsonError.Utf8, `splits ${splits.join(",")}`);
				assert.equal(r.offset, offset);
				assert.deepEqual(r, feedSplit(data, splits, { native: false }, "bytes"));
			}
		});
	}

	it("agrees with the reference on every input of the native comparison, in every split and small pieces", () => {
		for (const t of [...valid, ...tricky, ...invalid.map(([x]) => x)]) {
			const bytes = utf8(t);
			for (const splits of everySplit(bytes)) {
				for (const limits of [{}, { stringChunk: 4, maxDepth: 8, maxKeyLength: 4, maxNumberLength: 5 }] as JsonLimits[]) {
					assert.deepEqual(feedSplit(bytes, splits, limits, "bytes"), feedSplit(bytes, splits, { ...limits, native: false }, "bytes"), `${t.slice(0, 30)} splits ${splits.join(",")}`);
				}
			}
		}
	});

	it(`streams a ${engine === "xs" ? "256 KiB" : "1 MiB"} string value in bounded pieces of bytes`, () => {
		const n = engine === "xs" ? 256 * 1024 : 1024 * 1024;
		const bytes = new Uint8Array(n + 2);
		bytes.fill(0x61);
		bytes[0] = bytes[n + 1] = 0x22;
		bytes[500] = 0xc3; bytes[501] = 0xa9;
		const splits: number[] = [];
		for (let at = 333; at < bytes.length; at += 4093) splits.push(at);
		const r = feedSplit(bytes, splits, { stringChunk: 128 }, "bytes");
		assert.equal(r.result, Feed.Done);
		let total = 0;
		for (const e of r.events) {
			const length = utf8(e.slice(3)).length;
			assert.ok(length <= 128, "piece bounded");
			total += length;
		}
		assert.equal(total, n, "every byte, é as two");
	});
});
