// Fuzz of the JSON reader: generated valid documents (must decode equal to JSON.parse, in random
// splits) and mutations of them (may fail, but only with a JsonError, never an exception or a hang).
import { Feed, JsonReader, decodeJson, type JsonBytesHandler, type JsonHandler, type JsonLimits } from "../../modules/dm/codec/index.js";
import { decodeUtf8, encodeUtf8, toHex } from "../../modules/bytes/index.js";

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

/** Records events as one string, to compare the native scanning core with the TypeScript reader. */
class Log implements JsonHandler {
	text = "";
	startObject(): void { this.text += "{"; }
	endObject(): void { this.text += "}"; }
	startArray(): void { this.text += "["; }
	endArray(): void { this.text += "]"; }
	key(name: string): void { this.text += `k${name.length}:${name}`; }
	string(chunk: string, final: boolean): void { this.text += `s${final ? "." : "+"}${chunk.length}:${chunk}`; }
	number(value: number, text: string): void { this.text += `n${text}=${Object.is(value, -0) ? "-0" : value};`; }
	literal(value: boolean | null): void { this.text += `l${value}`; }
}

/** The same in bytes mode; a piece that is not whole UTF-8 characters is logged as hex. */
class BytesLog extends Log implements JsonBytesHandler {
	stringBytes(source: Uint8Array, start: number, end: number, final: boolean): void {
		const piece = source.subarray(start, end);
		const text = decodeUtf8(piece);
		this.text += `b${final ? "." : "+"}${piece.length}:${text ?? `!${toHex(piece)}`}`;
	}
}

function feedAt(bytes: Uint8Array, cuts: number[], limits: JsonLimits, inBytes = false): string {
	const log = inBytes ? new BytesLog() : new Log();
	const reader = new JsonReader(log, limits);
	let at = 0, result: number = Feed.NeedMore;
	for (const cut of cuts) {
		result = reader.feed(bytes.subarray(at, cut), cut === bytes.length);
		at = cut;
		if (result < 0) break;
	}
	return `${log.text} → ${result} at ${reader.errorOffset}: ${reader.errorMessage}`;
}

/** Feeds in random pieces with the default path (native on XS) and the reference; both must agree. */
function feedRandomly(r: () => number, bytes: Uint8Array): number {
	const cuts: number[] = [];
	for (let at = 0; at < bytes.length || cuts.length === 0;) { at = Math.min(bytes.length, at + Math.floor(r() * 9)); cuts.push(at); }
	const limits: JsonLimits = { stringChunk: 1 + Math.floor(r() * 64) };
	const fast = feedAt(bytes, cuts, limits);
	const reference = feedAt(bytes, cuts, { ...limits, native: false });
	if (fast !== reference) throw new Error(`native and reference paths differ on ${JSON.stringify(String.fromCharCode(...bytes))}:\n${fast}\n${reference}`);
	// bytes mode: pieces of at least 4 bytes, native against reference, and the same verdict as text
	const bytesLimits: JsonLimits = { stringChunk: 4 + Math.floor(r() * 64) };
	const fastBytes = feedAt(bytes, cuts, bytesLimits, true);
	const referenceBytes = feedAt(bytes, cuts, { ...bytesLimits, native: false }, true);
	if (fastBytes !== referenceBytes) throw new Error(`bytes mode: native and reference paths differ on ${JSON.stringify(String.fromCharCode(...bytes))}:\n${fastBytes}\n${referenceBytes}`);
	if (fastBytes.includes(":!")) throw new Error(`bytes mode: a piece that is not whole characters: ${fastBytes}`);
	const verdict = (log: string): string => log.slice(log.lastIndexOf(" → "));
	if (verdict(fastBytes) !== verdict(fast)) throw new Error(`bytes and text modes differ on ${JSON.stringify(String.fromCharCode(...bytes))}:\n${fastBytes}\n${fast}`);
	return Number(/ → (-?\d+) at/.exec(fast)![1]);
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
