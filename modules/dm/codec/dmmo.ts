// application/dmmo+json (7.2.1.4): MO data as an array of { DDF?, ClientURI, CV?, MOData } objects,
// read and written as streams. Interior nodes are JSON objects named by the node, leaves are JSON
// values by the node's format (interpretation 14: bin as base64 text, int/float numbers, bool,
// null, the rest strings). A single object instead of the array is accepted when reading
// (interpretation 14; Appendix F's parts show that form).
//
// Members of an item can come in any order, so node events carry paths relative to MOData and the
// item's ClientURI/DDF/CV are confirmed at endItem: the consumer stages nodes (the store's change
// set does) and places them when the item ends. Arrays inside MOData are not MO data: 400.
//
// String leaf values are read as UTF-8 bytes (the JSON reader's bytes mode) and handed on as the
// reader lends them, so that a value bound for flash never becomes a JS string (issue 18); the
// item's ClientURI, DDF and CV, and node names, are strings.
import { DmError } from "../error.js";
import { decodeUtf8 } from "../../bytes/index.js";
import { Feed, JsonError, JsonReader, type JsonBytesHandler, type JsonLimits } from "./json-reader.js";
import type { JsonWriter } from "./json-writer.js";

export interface DmmoItemInfo { ClientURI: string; DDF?: string; CV?: string }

export type LeafValue = string | number | boolean | null;

export interface DmmoHandler {
	beginItem(index: number): void;
	/** an interior node at path (relative to MOData; every path is lent: valid during the call
	    alone); its children follow until endInterior */
	beginInterior(path: readonly string[]): void;
	endInterior(path: readonly string[]): void;
	/** a leaf whose value is a number, a boolean or null */
	leaf(path: readonly string[], value: number | boolean | null): void;
	/** a piece of a leaf's string value as UTF-8, source[start..end): whole characters, lent (valid
	    during the call alone: copy what is kept), several pieces for a long value, `final` on the
	    last. No view or string is made of it here: the handler makes what it needs. */
	leafText(path: readonly string[], source: Uint8Array, start: number, end: number, final: boolean): void;
	/** optional: a member of the item's metadata as soon as it is read (a consumer that must know
	    the ClientURI before MOData, such as HGET placing new data, learns it here) */
	meta?(index: number, name: keyof DmmoItemInfo, value: string): void;
	/** the item is complete: its ClientURI (and DDF, CV if given) */
	endItem(index: number, info: DmmoItemInfo): void;
}

const enum At { Start = 1, Items, Item, Meta, MOData, Data, Done }

class DmmoEvents implements JsonBytesHandler {
	private at = At.Start;
	private single = false;
	private index = 0;
	private path: string[] = [];
	private pendingKey: string | undefined;
	private meta: string | undefined;
	private metaText = "";
	private info: { ClientURI?: string; DDF?: string; CV?: string } = {};
	private sawData = false;
	failure: DmError | undefined;

	constructor(private readonly h: DmmoHandler, private readonly maxPath: number) {}

	private fail(message: string): void {
		this.failure ??= new DmError(400, `dmmo+json: ${message}`);
		this.at = At.Done;
	}

	startObject(): void {
		switch (this.at) {
		case At.Start: this.single = true; this.beginItem(); return;
		case At.Items: this.beginItem(); return;
		case At.Meta: this.fail(`${this.meta} is a string`); return;
		case At.MOData: this.at = At.Data; return;
		case At.Data:
			if (this.pendingKey === undefined) return this.fail("a node without a name");
			if (this.path.length >= this.maxPath) return this.fail(`deeper than ${this.maxPath} nodes`);
			this.path.push(this.pendingKey);
			this.pendingKey = undefined;
			this.h.beginInterior(this.path);
			return;
		default: this.fail("unexpected object");
		}
	}

	private beginItem(): void {
		this.at = At.Item;
		this.info = {};
		this.sawData = false;
		this.h.beginItem(this.index);
	}

	endObject(): void {
		if (this.at === At.Data) {
			if (this.path.length === 0) { this.at = At.Item; return; }   // end of MOData
			this.h.endInterior(this.path);
			this.path.pop();
			return;
		}
		if (this.at === At.Item) {
			if (this.info.ClientURI === undefined) return this.fail("an item without ClientURI");
			if (!this.sawData) return this.fail("an item without MOData");
			this.h.endItem(this.index++, this.info as DmmoItemInfo);
			this.at = this.single ? At.Done : At.Items;
		}
	}

	startArray(): void {
		if (this.at === At.Start) { this.at = At.Items; return; }
		this.fail(this.at === At.Data ? "arrays are not MO data" : "unexpected array");
	}

	endArray(): void {
		if (this.at === At.Items) this.at = At.Done;
	}

	key(name: string): void {
		if (this.at === At.Item) {
			if (name === "MOData") { this.at = At.MOData; this.sawData = true; return; }
			if (name === "ClientURI" || name === "DDF" || name === "CV") { this.at = At.Meta; this.meta = name; this.metaText = ""; return; }
			return this.fail(`unknown member ${JSON.stringify(name.slice(0, 32))}`);
		}
		if (this.at === At.Data) this.pendingKey = name;
	}

	stringBytes(source: Uint8Array, start: number, end: number, final: boolean): void {
		if (this.at === At.Meta) {
			// a piece holds whole characters, valid UTF-8: it decodes on its own
			this.metaText += decodeUtf8(source.subarray(start, end))!;
			if (this.metaText.length > 4096) return this.fail(`${this.meta} too long`);
			if (final) {
				this.info[this.meta as "ClientURI"] = this.metaText;
				this.at = At.Item;
				this.h.meta?.(this.index, this.meta as keyof DmmoItemInfo, this.metaText);
			}
			return;
		}
		if (!this.leafAt()) return;
		this.path.push(this.pendingKey!);
		this.h.leafText(this.path, source, start, end, final);
		this.path.pop();
		if (final) this.pendingKey = undefined;
	}

	number(value: number, text: string): void {
		// 1e400 is valid JSON, but no int or float leaf can hold it (nor be written back)
		if (!Number.isFinite(value)) return this.fail(`number ${text.slice(0, 24)} out of range`);
		this.scalar(value);
	}
	literal(value: boolean | null): void { this.scalar(value); }

	/** Whether a leaf's value may come here (else the failure is recorded). */
	private leafAt(): boolean {
		if (this.at !== At.Data) { this.fail(this.at === At.MOData ? "MOData is an object" : this.at === At.Meta ? `${this.meta} is a string` : "unexpected value"); return false; }
		if (this.pendingKey === undefined) { this.fail("a leaf without a name"); return false; }
		return true;
	}

	private scalar(value: number | boolean | null): void {
		if (!this.leafAt()) return;
		// the path is lent as beginInterior's is: no array made per leaf (a throw ends the read)
		this.path.push(this.pendingKey!);
		this.h.leaf(this.path, value);
		this.path.pop();
		this.pendingKey = undefined;
	}
}

export class DmmoReader {
	private readonly events: DmmoEvents;
	private readonly reader: JsonReader;

	constructor(handler: DmmoHandler, limits: JsonLimits & { maxNodeDepth?: number } = {}) {
		this.events = new DmmoEvents(handler, limits.maxNodeDepth ?? 32);
		this.reader = new JsonReader(this.events, { maxDepth: (limits.maxNodeDepth ?? 32) + 4, ...limits });
	}

	feed(chunk: Uint8Array, last = false): Feed | JsonError | -100 {
		if (this.events.failure) return -100;
		const r = this.reader.feed(chunk, last);
		if (this.events.failure) return -100;
		return r;
	}

	/** 400 for malformed JSON or a document that is not dmmo+json; 415 for text that is not UTF-8. */
	toDmError(): DmError | undefined {
		if (this.events.failure) return this.events.failure;
		// Appendix C: 415 when the data "is unrecognized" (its content is not what its format says:
		// a chr/xml value must be UTF-8), 400 only for malformed command syntax. An HGET, a
		// bootstrap and the card's document all refuse such a value with 415, as streamed leaves do.
		if (this.reader.error === JsonError.Utf8) return new DmError(415, `dmmo+json: a value is not UTF-8 (${this.reader.errorMessage})`, this.reader.errorOffset);
		return this.reader.toDmError();
	}
}

/** Writes dmmo+json through a JsonWriter: items, interior nodes, leaves (string ones may stream). */
export class DmmoWriter {
	private items = 0;

	constructor(private readonly w: JsonWriter) {}

	beginItem(info: DmmoItemInfo): this {
		if (this.items++ === 0) this.w.startArray();
		this.w.startObject();
		if (info.DDF !== undefined) this.w.key("DDF").string(info.DDF);
		this.w.key("ClientURI").string(info.ClientURI);
		if (info.CV !== undefined) this.w.key("CV").string(info.CV);
		this.w.key("MOData").startObject();
		return this;
	}

	beginInterior(name: string): this { this.w.key(name).startObject(); return this; }
	endInterior(): this { this.w.endObject(); return this; }

	leaf(name: string, value: LeafValue): this {
		this.w.key(name);
		if (value === null) this.w.null();
		else if (typeof value === "string") this.w.string(value);
		else if (typeof value === "number") this.w.number(value);
		else this.w.boolean(value);
		return this;
	}

	/** A leaf whose text or base64 follows through the JsonWriter's streaming calls. */
	leafKey(name: string): JsonWriter { return this.w.key(name); }

	endItem(): this { this.w.endObject().endObject(); return this; }

	end(): void {
		if (this.items === 0) this.w.startArray();
		this.w.endArray();
		this.w.end();
	}
}
