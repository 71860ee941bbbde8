// Fuzz of the JSON reader: generated valid documents (must decode equal to JSON.parse, in random
// splits) and mutations of them (may fail, but only with a JsonError, never an exception or a hang).
import { Feed, JsonReader, decodeJson, type JsonHandler } from "../../modules/dm/codec/index.js";
import { encodeUtf8 } from "../../modules/dm/codec/utf8.js";

export function prng(seed: number): () => number {
	let s = seed >>> 0 || 0x9e3779b9;
	return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

const STRINGS = ["", "a", "DevInfo", "é", "€", "😀", "\"", "\\", "\n", "\u0001", "./DevInfo/Ext", "x".repeat(40)];

function value(r: () => number, depth: number): unknown {
	const k = Math.floor(r() * (depth > 4 ? 5 : 7));
	switch (k) {
	case 0: return null;
	case 1: return r() < 0.5;
	case 2: return Math.floor(r() * 2e6) - 1e6;
	case 3: return (r() - 0.5) * Math.pow(10, Math.floor(r() * 40) - 20);
	case 4: return STRINGS[Math.floor(r() * STRINGS.length)]! + (r() < 0.3 ? STRINGS[Math.floor(r() * STRINGS.length)] : "");
	case 5: return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
	default: {
		const o: Record<string, unknown> = {};
		for (let i = Math.floor(r() * 5); i > 0; i--) o[STRINGS[Math.floor(r() * STRINGS.length)]! + i] = value(r, depth + 1);
		return o;
	}
	}
}

const quiet: JsonHandler = {
	startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {},
};

function feedRandomly(r: () => number, bytes: Uint8Array): number {
	const reader = new JsonReader(quiet, { stringChunk: 1 + Math.floor(r() * 64) });
	let at = 0;
	for (;;) {
		const n = Math.floor(r() * 9);
		const end = Math.min(bytes.length, at + n);
		const result = reader.feed(bytes.subarray(at, end), end === bytes.length);
		at = end;
		if (result < 0 || end === bytes.length) return result;
	}
}

export interface FuzzStats { valid: number; mutated: number; rejected: number }

export function fuzzJson(iterations: number, seed = 1): FuzzStats {
	const r = prng(seed);
	const stats: FuzzStats = { valid: 0, mutated: 0, rejected: 0 };
	for (let n = 0; n < iterations; n++) {
		const doc = value(r, 0);
		const text = JSON.stringify(doc);
		const bytes = encodeUtf8(text);
		if (n % 2 === 0) {
			if (feedRandomly(r, bytes) !== Feed.Done) throw new Error(`valid document refused: ${text}`);
			const back = JSON.stringify(decodeJson(bytes, { maxDepth: 64 }));
			if (back !== text) throw new Error(`decoded differently: ${text} → ${back}`);
			stats.valid++;
			continue;
		}
		const m = bytes.slice(0, bytes.length + 4);
		let length = bytes.length;
		for (let k = 1 + Math.floor(r() * 4); k > 0; k--) {
			const at = Math.floor(r() * Math.max(1, length));
			switch (Math.floor(r() * 4)) {
			case 0: m[at] = m[at]! ^ (1 << Math.floor(r() * 8)); break;
			case 1: length = at; break;
			case 2: m[at] = Math.floor(r() * 256); break;
			default: m[at] = "{}[]\",:\\0-eE.tfn".charCodeAt(Math.floor(r() * 17)); break;
			}
		}
		const result = feedRandomly(r, m.subarray(0, length));
		// Whatever the reader says must agree with JSON.parse about validity (JSON.parse is strict too).
		let parsed = true;
		try { JSON.parse(String.fromCharCode(...m.subarray(0, length))); } catch { parsed = false; }
		if (result < 0) stats.rejected++;
		else if (!parsed && isAscii(m.subarray(0, length))) throw new Error(`accepted what JSON.parse refuses: ${String.fromCharCode(...m.subarray(0, length))}`);
		stats.mutated++;
	}
	return stats;
}

function isAscii(b: Uint8Array): boolean {
	return b.every((x) => x < 0x80);
}
