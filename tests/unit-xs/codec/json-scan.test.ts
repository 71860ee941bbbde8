// The JSON reader's C scanning core (modules/dm/codec/native/json-scan.c) where XS can move memory
// under it: a handler that collects garbage (compacting XS's chunks, where buffers and strings
// live) and allocates in every callback must still get exactly the TypeScript reader's events.
import { collectGarbage } from "embedded:sim/host";
import { JsonReader, hasNativeScan, type JsonBytesHandler, type JsonHandler } from "../../../modules/dm/codec/index.js";
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { assert, describe, it } from "../../harness/index.js";

class Churn implements JsonHandler {
	log: string[] = [];
	private junk: unknown[] = [];
	private n = 0;
	private churn(): void {
		this.junk.push(new ArrayBuffer(512 + (this.n % 7) * 100), `junk ${this.n}`.repeat(8));
		if (this.junk.length > 8) this.junk = [];
		if (++this.n % 5 === 0) collectGarbage();
	}
	startObject(): void { this.churn(); this.log.push("{"); }
	endObject(): void { this.churn(); this.log.push("}"); }
	startArray(): void { this.churn(); this.log.push("["); }
	endArray(): void { this.churn(); this.log.push("]"); }
	key(name: string): void { this.churn(); this.log.push(`k:${name}`); }
	string(chunk: string, final: boolean): void { this.churn(); this.log.push(`s${final ? "." : "+"}:${chunk}`); }
	number(_value: number, text: string): void { this.churn(); this.log.push(`n:${text}`); }
	literal(value: boolean | null): void { this.churn(); this.log.push(`l:${value}`); }
}

/** The same in bytes mode: each piece read (and checked whole UTF-8) during its call, as lent. */
class BytesChurn extends Churn implements JsonBytesHandler {
	stringBytes(source: Uint8Array, start: number, end: number, final: boolean): void {
		const text = decodeUtf8(source.subarray(start, end));
		this.string(text === undefined ? "(not UTF-8)" : text, final);
	}
}

function read(bytes: Uint8Array, piece: number, native: boolean, inBytes = false): string[] {
	const h = inBytes ? new BytesChurn() : new Churn();
	const reader = new JsonReader(h, { native, stringChunk: 40 });
	for (let at = 0; at < bytes.length; at += piece) {
		// each piece in a buffer of its own, which the collections may move while C reads it
		const copy = bytes.slice(at, Math.min(bytes.length, at + piece));
		const r = reader.feed(copy, at + piece >= bytes.length);
		if (r < 0) throw new Error(reader.errorMessage);
	}
	return h.log;
}

describe("JSON scanning core under garbage collection", () => {
	it("is bound in this host", () => {
		assert.ok(hasNativeScan);
	});

	it("gives the reference's events while every callback allocates and collects", () => {
		const items = [];
		for (let i = 0; i < 60; i++) items.push({ URI: `urn:oma:mo:oma-dm-devinfo:1.2//Ext/Node${i}/é€😀`, V: i % 3 ? `value ${i}` : "x".repeat(i), N: i * 1.5, B: i % 2 === 0, Z: null });
		const bytes = encodeUtf8(JSON.stringify({ CMD: [["GET", "urn:x"]], items }));
		for (const piece of [7, 61, 512]) assert.deepEqual(read(bytes, piece, true), read(bytes, piece, false), `pieces of ${piece}`);
	});

	it("gives the reference's events in bytes mode while every callback allocates and collects", () => {
		const items = [];
		for (let i = 0; i < 60; i++) items.push({ URI: `urn:oma:mo:oma-dm-devinfo:1.2//Ext/Node${i}/é€😀`, V: i % 3 ? `value ${i}\u00e9` : "x".repeat(i), N: i * 1.5, B: i % 2 === 0, Z: null });
		const bytes = encodeUtf8(JSON.stringify({ CMD: [["GET", "urn:x"]], items }));
		for (const piece of [7, 61, 512]) assert.deepEqual(read(bytes, piece, true, true), read(bytes, piece, false, true), `pieces of ${piece}`);
	});

	it("refuses wrong arguments with a typed error, before touching memory", () => {
		const scan = native("xs_json_scan");
		const ignore: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {} };
		const registers = (depth: number, from = 0): [Uint8Array, number] => {
			const r = new Int32Array(9);
			r.set([1, depth, 8, 16, 16, 16]);
			return [new Uint8Array(r.buffer), from];
		};
		const chunk = encodeUtf8("[1]");
		const [good] = registers(0);
		assert.throws(() => scan(chunk, 0, new Uint8Array(8), new Uint8Array(9), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan(chunk, 0, registers(9)[0], new Uint8Array(9), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan(chunk, 4, good, new Uint8Array(9), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan(chunk, 0, good, new Uint8Array(3), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan("[1]", 0, good, new Uint8Array(9), ignore, new Uint8Array(64)), TypeError);
		assert.equal(scan(chunk, 0, good, new Uint8Array(9), ignore, new Uint8Array(64)), 3);
		// bytes mode: pieces of at least 4 bytes, built in a carry that holds one
		const inBytes = (chunkBytes: number): Uint8Array => { const r = new Int32Array(9); r.set([1, 0, 8, 16, 16, -chunkBytes]); return new Uint8Array(r.buffer); };
		assert.throws(() => scan(chunk, 0, inBytes(3), new Uint8Array(9), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan(chunk, 0, inBytes(65), new Uint8Array(9), ignore, new Uint8Array(64)), RangeError);
		assert.throws(() => scan(chunk, 0, inBytes(-2147483648), new Uint8Array(9), ignore, new Uint8Array(64)), RangeError, "the most negative register");
		assert.equal(scan(chunk, 0, inBytes(64), new Uint8Array(9), ignore, new Uint8Array(64)), 3);
	});

	it("lets a handler's exception out of feed() as it was thrown", () => {
		const handler: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() { throw new SyntaxError("no numbers here"); }, literal() {} };
		const reader = new JsonReader(handler);
		assert.throws(() => reader.feed(encodeUtf8(`["a",1]`), true), /no numbers here/);
	});
});

