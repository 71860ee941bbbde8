// Fuzz of the decoders above the JSON reader: Package#1 and Package#3 (whole-document readers for
// the server side), Package#2 and dmmo+json (streaming readers the client runs), and the multipart
// body MultipartWriter makes (read back by tests/fuzz/multipart-reader.ts).
//
// Each round generates a document from random values, checks that it decodes to those values in
// random splits, then mutates its bytes (bit flips, overwrites, truncation, JSON punctuation,
// a slice repeated or dropped) and feeds the result. A mutated input may be accepted or refused,
// but the only thing allowed to escape is the typed error: DmError(400) for a package error,
// DmError(400/501) for one Package#2 command. Any other exception fails the run with the input.
import { DmError } from "../../modules/dm/error.js";
import {
	DmmoReader, DmmoWriter, Feed, JsonWriter, MultipartWriter, Package2Reader, Package3Writer,
	decodePackage1, decodePackage3, writePackage1,
	type CommandItem, type DmCommand, type DmmoHandler, type DmmoItemInfo, type GenericAlert, type LeafValue, type Status, type SupportedMo,
} from "../../modules/dm/codec/index.js";
import { decodeUtf8, encodeUtf8 } from "../../modules/bytes/index.js";
import { readMultipart } from "./multipart-reader.js";
import { prng } from "./json.js";
import { PACKAGE_SEEDS } from "./seeds/packages/seeds.js";

type Rand = () => number;
export interface PackageFuzzStats { generated: number; mutated: number; accepted: number; refused: number }
export type Decoder = "package1" | "package2" | "package3" | "dmmo" | "multipart";
export const DECODERS: readonly Decoder[] = ["package1", "package2", "package3", "dmmo", "multipart"];

const TEXTS = ["", "a", "DevInfo", "é", "€uro", "😀", "\"", "\\", "\n", "\r\n--b", "\u0001", "./DevInfo/Ext", "urn:oma:mo:oma-dm-devinfo:1.2//", "x".repeat(70)];

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const text = (r: Rand): string => pick(r, TEXTS) + (r() < 0.3 ? pick(r, TEXTS) : "");
const count = (r: Rand, max: number): number => Math.floor(r() * (max + 1));

function toText(b: Uint8Array): string {
	return decodeUtf8(b) ?? Array.from(b, (x) => x.toString(16)).join(" ");
}

export function collect(build: (w: JsonWriter) => void, bufferSize = 32): Uint8Array {
	const parts: number[] = [];
	build(new JsonWriter((b) => { for (const x of b) parts.push(x); }, bufferSize));
	return Uint8Array.from(parts);
}

/** Feeds bytes in random pieces (0 to 9 bytes); stops at the first negative result. */
function feedRandomly(r: Rand, bytes: Uint8Array, feed: (chunk: Uint8Array, last: boolean) => number): number {
	let at = 0;
	for (;;) {
		const end = Math.min(bytes.length, at + count(r, 9));
		const result = feed(bytes.subarray(at, end), end === bytes.length);
		at = end;
		if (result < 0 || end === bytes.length) return result;
	}
}

function mutate(r: Rand, input: Uint8Array): Uint8Array {
	let m = input.slice();
	for (let k = 1 + count(r, 3); k > 0; k--) {
		const at = Math.floor(r() * Math.max(1, m.length));
		switch (Math.floor(r() * 7)) {
		case 0: if (m.length) m[at] = m[at]! ^ (1 << Math.floor(r() * 8)); break;
		case 1: if (m.length) m[at] = Math.floor(r() * 256); break;
		case 2: m = m.slice(0, at); break;
		case 3: if (m.length) m[at] = "{}[]\",:\\0-1eE.tfn \r\n".charCodeAt(Math.floor(r() * 21)); break;
		case 4: {   // a slice repeated: duplicate members, commands, parts
			const end = Math.min(m.length, at + 1 + count(r, 40));
			const out = new Uint8Array(m.length + end - at);
			out.set(m.subarray(0, end)); out.set(m.subarray(at, end), end); out.set(m.subarray(end), 2 * end - at);
			m = out;
			break;
		}
		case 5: {   // a slice dropped
			const end = Math.min(m.length, at + 1 + count(r, 40));
			const out = new Uint8Array(m.length - (end - at));
			out.set(m.subarray(0, at)); out.set(m.subarray(end), at);
			m = out;
			break;
		}
		default: {  // a JSON value swapped for another kind
			const kinds = ["1", "null", "\"s\"", "[]", "{}", "-0.5e3", "true"];
			const v = encodeUtf8(pick(r, kinds));
			const out = new Uint8Array(m.length + v.length);
			out.set(m.subarray(0, at)); out.set(v, at); out.set(m.subarray(at), at + v.length);
			m = out;
		}
		}
	}
	return m;
}

/** dmmo+json refuses malformed JSON with 400 and a value that is not UTF-8 with 415 (Appendix C: the data is unrecognized). */
const DMMO_STATUSES: readonly number[] = [400, 415];

/** Runs a decoder on an input; a DmError of an allowed status counts as refused, anything else fails. */
function guarded(input: Uint8Array, stats: PackageFuzzStats, decode: () => void, statuses: readonly number[] = [400]): void {
	try {
		decode();
		stats.accepted++;
	} catch (e) {
		if (!(e instanceof DmError)) throw new Error(`${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} escaped decoding ${JSON.stringify(toText(input))}`);
		if (!statuses.includes(e.status)) throw new Error(`status ${e.status} (${e.message}) for ${JSON.stringify(toText(input))}`);
		stats.refused++;
	}
}

function same(what: string, got: unknown, want: unknown, input: Uint8Array): void {
	const a = JSON.stringify(got), b = JSON.stringify(want);
	if (a !== b) throw new Error(`${what}: ${JSON.stringify(toText(input))} decodes to ${a}, not ${b}`);
}

// ---- Generic Alerts, Package#1, Package#3 ----

function alert(r: Rand): GenericAlert {
	const a: GenericAlert = { AlertType: r() < 0.5 ? "urn:oma:at:dm:2.0:ClientInitiatedMgmt" : text(r) };
	for (const name of ["SourceURI", "TargetURI", "Mark", "DataType"] as const) if (r() < 0.4) a[name] = text(r);
	if (r() < 0.4) a.Data = r() < 0.5 ? { "NOTIFICATION-ID": count(r, 65535) } : { DM1x: r() < 0.5 ? text(r) : count(r, 2000), x: [null, true, 1.5] };
	return a;
}

function package1(r: Rand): { MOS?: SupportedMo[]; Alert: GenericAlert[] } {
	const p: { MOS?: SupportedMo[]; Alert: GenericAlert[] } = { Alert: Array.from({ length: count(r, 3) }, () => alert(r)) };
	if (r() < 0.7) {
		p.MOS = Array.from({ length: count(r, 4) }, () => {
			const mo: SupportedMo = { MOID: text(r), MIID: Array.from({ length: count(r, 3) }, () => text(r)) };
			if (r() < 0.5) mo.DDF = text(r);
			return mo;
		});
	}
	return p;
}

function package3(r: Rand): { Status: Status[]; Alert: GenericAlert[] } {
	const codes = [200, 202, 204, 304, 400, 403, 404, 405, 406, 415, 419, 500, 501, 503, 506, 507] as const;
	const Status = Array.from({ length: count(r, 6) }, (): Status => (r() < 0.3 ? { sc: pick(r, codes), URI: Array.from({ length: 1 + count(r, 2) }, () => text(r)) } : { sc: pick(r, codes) }));
	return { Status, Alert: Array.from({ length: count(r, 2) }, () => alert(r)) };
}

export function writePackage3(p: { Status: Status[]; Alert: GenericAlert[] }, bufferSize: number): Uint8Array {
	return collect((w) => {
		const p3 = new Package3Writer(w);
		for (const s of p.Status) p3.status(s.sc as 200, s.URI);
		for (const a of p.Alert) p3.alert(a);
		p3.end();
	}, bufferSize);
}

// ---- Package#2 ----

const ARITY: Record<DmCommand["name"], [number, number]> = {
	HGET: [1, 2], HPUT: [2, 5], HPOST: [2, 5], DELETE: [1, 1], GET: [1, 1], UNSUB: [1, 1], EXEC: [1, 2],
	SHOW: [1, 1], CONT: [1, 1], END: [0, 0], DEFAULT: [2, 2], SUB: [2, 2],
};

/** A command's CMD array (what a server writes), the inverse of toCommand. */
export function commandArray(c: DmCommand): string[] {
	switch (c.name) {
	case "HGET": return c.clientUri === undefined ? [c.name, c.serverUri] : [c.name, c.serverUri, c.clientUri];
	case "HPUT": case "HPOST": return [c.name, c.serverUri, ...c.clientUris];
	case "DELETE": case "GET": case "UNSUB": return [c.name, c.clientUri];
	case "EXEC": return c.serverUri === undefined ? [c.name, c.clientUri] : [c.name, c.clientUri, c.serverUri];
	case "SHOW": case "CONT": return [c.name, c.serverUri];
	case "END": return [c.name];
	case "DEFAULT": return [c.name, c.serverUri, c.moid];
	case "SUB": return [c.name, c.serverUri, c.clientUri];
	}
}

/** Reads a Package#2 in random splits; items, or the package's DmError. Never throws. */
export function readPackage2(r: Rand, bytes: Uint8Array): { items: CommandItem[]; error?: DmError } {
	const items: CommandItem[] = [];
	const reader = new Package2Reader((item) => items.push(item));
	const result = feedRandomly(r, bytes, (c, last) => reader.feed(c, last));
	const error = reader.toDmError();
	if ((result < 0 || result !== Feed.Done) !== (error !== undefined)) throw new Error(`Package#2 result ${result} disagrees with its error ${error?.message}`);
	return error ? { items, error } : { items };
}

function checkPackage2Items(items: CommandItem[], input: Uint8Array): void {
	items.forEach((item, i) => {
		if (item.index !== i) throw new Error(`Package#2 item ${i} has index ${item.index}: ${toText(input)}`);
		if (item.error && !(item.error instanceof DmError && (item.error.status === 400 || item.error.status === 501)))
			throw new Error(`Package#2 item ${i}: ${String(item.error)} for ${toText(input)}`);
		if (item.command) for (const a of commandArray(item.command)) if (a.length > 2048) throw new Error("an argument over the limit was accepted");
	});
}

// ---- dmmo+json ----

export type Tree = { [name: string]: Tree | LeafValue };
export interface Item { info: DmmoItemInfo; data: Tree }

function tree(r: Rand, depth: number): Tree {
	const t: Tree = {};
	for (let n = count(r, depth > 3 ? 2 : 4); n > 0; n--) {
		const name = `${pick(r, ["DevInfo", "Ext", "é", "Node", "a b", "😀"])}${n}`;
		const k = Math.floor(r() * 6);
		t[name] = k === 0 && depth < 6 ? tree(r, depth + 1) : k === 1 ? null : k === 2 ? r() < 0.5 : k === 3 ? count(r, 1e6) - 5e5 : text(r);
	}
	return t;
}

function dmmoItems(r: Rand): Item[] {
	return Array.from({ length: count(r, 3) }, () => {
		const info: DmmoItemInfo = { ClientURI: text(r) };
		if (r() < 0.4) info.DDF = text(r);
		if (r() < 0.3) info.CV = text(r);
		return { info, data: tree(r, 0) };
	});
}

export function writeDmmo(items: Item[], bufferSize: number): Uint8Array {
	return collect((w) => {
		const d = new DmmoWriter(w);
		const put = (t: Tree): void => {
			for (const name of Object.keys(t)) {
				const v = t[name]!;
				if (v !== null && typeof v === "object") { d.beginInterior(name); put(v); d.endInterior(); }
				else d.leaf(name, v);
			}
		};
		for (const item of items) { d.beginItem(item.info); put(item.data); d.endItem(); }
		d.end();
	}, bufferSize);
}

/** Rebuilds items from the reader's events (checking that nesting events pair up). */
class DmmoBuilder implements DmmoHandler {
	items: Item[] = [];
	private stack: Tree[] = [];
	private text = "";
	beginItem(index: number): void {
		if (index !== this.items.length) throw new Error(`dmmo item ${index} after ${this.items.length}`);
		this.stack = [{}];
	}
	beginInterior(path: readonly string[]): void {
		if (path.length !== this.stack.length) throw new Error(`dmmo interior ${path.join("/")} at depth ${this.stack.length}`);
		const t: Tree = {};
		Object.defineProperty(this.stack[this.stack.length - 1]!, path[path.length - 1]!, { value: t, enumerable: true, writable: true, configurable: true });
		this.stack.push(t);
	}
	endInterior(path: readonly string[]): void {
		if (path.length !== this.stack.length - 1) throw new Error(`dmmo end ${path.join("/")} at depth ${this.stack.length}`);
		this.stack.pop();
	}
	leafText(path: readonly string[], source: Uint8Array, start: number, end: number, final: boolean): void {
		// a piece is whole characters: it decodes on its own
		const piece = decodeUtf8(source.subarray(start, end));
		if (piece === undefined) throw new Error(`dmmo leaf ${path.join("/")}: a piece that is not whole UTF-8 characters`);
		this.text += piece;
		if (!final) return;
		const text = this.text;
		this.text = "";
		this.leaf(path, text);
	}
	leaf(path: readonly string[], value: LeafValue): void {
		if (path.length !== this.stack.length) throw new Error(`dmmo leaf ${path.join("/")} at depth ${this.stack.length}`);
		Object.defineProperty(this.stack[this.stack.length - 1]!, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
	}
	endItem(_index: number, info: DmmoItemInfo): void {
		if (this.stack.length !== 1) throw new Error("dmmo item ended inside a node");
		const same: DmmoItemInfo = { ClientURI: info.ClientURI };   // in the writer's member order
		if (info.DDF !== undefined) same.DDF = info.DDF;
		if (info.CV !== undefined) same.CV = info.CV;
		this.items.push({ info: same, data: this.stack[0]! });
	}
}

/** Reads dmmo+json in random splits: the items, or the DmError. Never throws. */
export function readDmmo(r: Rand, bytes: Uint8Array): { items: Item[]; error?: DmError } {
	const builder = new DmmoBuilder();
	const reader = new DmmoReader(builder, { stringChunk: 4 + count(r, 40) });
	const result = feedRandomly(r, bytes, (c, last) => reader.feed(c, last));
	const error = reader.toDmError();
	if ((result !== Feed.Done) !== (error !== undefined)) throw new Error(`dmmo result ${result} disagrees with its error ${error?.message}`);
	return error ? { items: builder.items, error } : { items: builder.items };
}

// ---- multipart ----

interface Body { boundary: string; parts: { name?: string; contentType: string; json: Uint8Array }[] }

function multipart(r: Rand): Body {
	const boundary = pick(r, ["simple_boundary", "b", "dm-0123456789abcdef", "x".repeat(70)]);
	const parts: Body["parts"] = [{ contentType: "application/vnd.oma.dm.response+json", json: writePackage3(package3(r), 16) }];
	for (let n = count(r, 3), index = 0; n > 0; n--) {
		index += 1 + count(r, 3);
		const items = dmmoItems(r);
		// a value holding the boundary itself: it must not break the framing
		if (items[0] && r() < 0.5) items[0].data["V"] = `\r\n--${boundary}\r\n`;
		parts.push({ name: String(index), contentType: "application/dmmo+json", json: writeDmmo(items, 16) });
	}
	return { boundary, parts };
}

function writeBody(b: Body): Uint8Array {
	const out: number[] = [];
	const sink = (bytes: Uint8Array): void => { for (const x of bytes) out.push(x); };
	const m = new MultipartWriter(sink, b.boundary);
	for (const p of b.parts) { m.beginPart(p.contentType, p.name); sink(p.json); m.endPart(); }
	m.end();
	return Uint8Array.from(out);
}

/** Reads a multipart body and decodes each part by its type, as a server would. */
export function readBody(r: Rand, body: Uint8Array, boundary: string): unknown {
	const parts = readMultipart(body, boundary);
	return parts.map((p, i) => {
		if (i === 0) {
			if (p.name !== undefined || p.contentType !== "application/vnd.oma.dm.response+json") throw new DmError(400, "the first part is the Package#3, unnamed");
			return decodePackage3(p.body);
		}
		if (p.name === undefined) throw new DmError(400, "a result part is named by its command index");
		// Appendix F: a single leaf's value may come as is, in its own media type
		if (p.contentType === "text/plain") { const t = decodeUtf8(p.body); if (t === undefined) throw new DmError(400, "text/plain is not UTF-8"); return [p.name, t]; }
		if (p.contentType !== "application/dmmo+json") throw new DmError(400, "a result part is dmmo+json or text/plain");
		const d = readDmmo(r, p.body);
		if (d.error) throw d.error;
		return [p.name, d.items];
	});
}

// ---- the rounds ----

function seedBytes(decoder: Decoder): Uint8Array[] {
	return PACKAGE_SEEDS.filter((s) => s.decoder === decoder).map((s) => encodeUtf8(s.text));
}

/** One decoder's fuzz: `iterations` generated documents, each also mutated once. */
export function fuzzPackages(decoder: Decoder, iterations: number, seed = 1): PackageFuzzStats {
	const r = prng(seed);
	const stats: PackageFuzzStats = { generated: 0, mutated: 0, accepted: 0, refused: 0 };
	const seeds = seedBytes(decoder);
	for (let i = 0; i < iterations; i++) {
		let base: Uint8Array;
		const fromSeed = seeds.length > 0 && i % 5 === 4;
		switch (decoder) {
		case "package1": {
			const p = package1(r);
			base = fromSeed ? pick(r, seeds) : collect((w) => writePackage1(w, p.MOS, p.Alert), 8 + count(r, 40));
			if (!fromSeed) same("Package#1", decodePackage1(base), p, base);
			const m = mutate(r, base);
			guarded(m, stats, () => { const d = decodePackage1(m); same("Package#1 again", decodePackage1(collect((w) => writePackage1(w, d.MOS, d.Alert))), d, m); });
			break;
		}
		case "package3": {
			const p = package3(r);
			base = fromSeed ? pick(r, seeds) : writePackage3(p, 8 + count(r, 40));
			if (!fromSeed) same("Package#3", decodePackage3(base), p, base);
			const m = mutate(r, base);
			guarded(m, stats, () => { const d = decodePackage3(m); same("Package#3 again", decodePackage3(writePackage3(d, 64)), d, m); });
			break;
		}
		case "package2": {
			const commands: DmCommand[] = [];
			const cmd: unknown[] = [];
			for (let n = count(r, 6); n > 0; n--) {
				const name = pick(r, Object.keys(ARITY) as DmCommand["name"][]);
				const [min, max] = ARITY[name];
				const args = Array.from({ length: min + count(r, max - min) }, () => text(r));
				const item = [name, ...args];
				cmd.push(item);
				const back = readPackage2(r, encodeUtf8(JSON.stringify({ CMD: [item] })));
				if (back.error || !back.items[0]?.command) throw new Error(`generated ${JSON.stringify(item)} refused`);
				commands.push(back.items[0].command);
				same("Package#2 command", commandArray(back.items[0].command), item, encodeUtf8(JSON.stringify(item)));
			}
			const doc: Record<string, unknown> = r() < 0.3 ? { Other: { x: [1, "y"] }, CMD: cmd } : { CMD: cmd };
			base = fromSeed ? pick(r, seeds) : encodeUtf8(JSON.stringify(doc, null, r() < 0.3 ? 2 : 0));
			if (!fromSeed) {
				const back = readPackage2(r, base);
				if (back.error) throw new Error(`generated Package#2 refused: ${back.error.message}`);
				same("Package#2", back.items.map((it) => it.command), commands, base);
			}
			const m = mutate(r, base);
			guarded(m, stats, () => {
				const d = readPackage2(r, m);
				checkPackage2Items(d.items, m);
				if (d.error) throw d.error;
			});
			break;
		}
		case "dmmo": {
			const items = dmmoItems(r);
			base = fromSeed ? pick(r, seeds) : writeDmmo(items, 8 + count(r, 40));
			if (!fromSeed) {
				const back = readDmmo(r, base);
				if (back.error) throw new Error(`generated dmmo+json refused: ${back.error.message}: ${toText(base)}`);
				same("dmmo+json", back.items, items, base);
			}
			const m = mutate(r, base);
			guarded(m, stats, () => {
				const d = readDmmo(r, m);
				if (d.error) throw d.error;
				const again = readDmmo(r, writeDmmo(d.items, 32));
				same("dmmo+json again", again.items, d.items, m);
			}, DMMO_STATUSES);
			break;
		}
		case "multipart": {
			const b = multipart(r);
			base = writeBody(b);
			same("multipart", readBody(r, base, b.boundary), b.parts.map((p, k) => (k === 0 ? decodePackage3(p.json) : [p.name, readDmmo(r, p.json).items])), base);
			const m = mutate(r, base);
			guarded(m, stats, () => { readBody(r, m, b.boundary); }, DMMO_STATUSES);
			break;
		}
		}
		if (!fromSeed) stats.generated++;
		stats.mutated++;
	}
	return stats;
}

/** The seeds (spec examples, past failures) decode without an untyped exception, and as recorded. */
export function checkSeeds(): number {
	let n = 0;
	const r = prng(7);
	for (const s of PACKAGE_SEEDS) {
		const bytes = encodeUtf8(s.text);
		let outcome: string;
		try {
			switch (s.decoder) {
			case "package1": { const d = decodePackage1(bytes); same("Package#1 seed again", decodePackage1(collect((w) => writePackage1(w, d.MOS, d.Alert))), d, bytes); break; }
			case "package3": { const d = decodePackage3(bytes); same("Package#3 seed again", decodePackage3(writePackage3(d, 64)), d, bytes); break; }
			case "package2": { const d = readPackage2(r, bytes); checkPackage2Items(d.items, bytes); if (d.error) throw d.error; break; }
			case "dmmo": { const d = readDmmo(r, bytes); if (d.error) throw d.error; break; }
			case "multipart": readBody(r, bytes, s.boundary ?? "simple_boundary"); break;
			}
			outcome = "accepted";
		} catch (e) {
			if (!(e instanceof DmError)) throw new Error(`seed ${s.name}: ${String(e)} escaped`);
			outcome = String(e.status);
		}
		if (outcome !== s.expect) throw new Error(`seed ${s.name}: ${outcome}, recorded ${s.expect}`);
		n++;
	}
	return n;
}

