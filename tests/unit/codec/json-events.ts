// Test helpers: record a reader's events as one comparable list.
import { Feed, JsonReader, type JsonBytesHandler, type JsonHandler, type JsonLimits } from "../../../modules/dm/codec/index.js";
import { decodeUtf8, encodeUtf8, toHex } from "../../../modules/bytes/index.js";

/** What both modes record alike: structure, keys, numbers, literals. */
abstract class EventRecorder {
	events: string[] = [];
	maxPiece = 0;
	startObject(): void { this.events.push("{"); }
	endObject(): void { this.events.push("}"); }
	startArray(): void { this.events.push("["); }
	endArray(): void { this.events.push("]"); }
	key(name: string): void { this.events.push(`k:${name}`); }
	number(_value: number, text: string): void { this.events.push(`n:${text}`); }
	literal(value: boolean | null): void { this.events.push(`l:${value}`); }
}

export class Recorder extends EventRecorder implements JsonHandler {
	string(chunk: string, final: boolean): void {
		this.maxPiece = Math.max(this.maxPiece, chunk.length);
		this.events.push(`s${final ? "." : "+"}:${chunk}`);
	}
}

/** The same events in the reader's bytes mode: a value's piece as `b+:` or `b.:` and its text
    (`b!:` and its hex if a piece is not whole UTF-8 characters). */
export class BytesRecorder extends EventRecorder implements JsonBytesHandler {
	stringBytes(source: Uint8Array, start: number, end: number, final: boolean): void {
		if (!(start >= 0 && start <= end && end <= source.length)) throw new RangeError(`piece ${start}..${end} outside its source of ${source.length}`);
		const piece = source.subarray(start, end);
		this.maxPiece = Math.max(this.maxPiece, piece.length);
		const text = decodeUtf8(piece);
		this.events.push(text === undefined ? `b!:${toHex(piece)}` : `b${final ? "." : "+"}:${text}`);
	}
}

/** Joins each string's pieces (either mode's) into one `s:` event, to compare the two modes. */
export function wholeStrings(events: readonly string[]): string[] {
	const out: string[] = [];
	let text: string | undefined;
	for (const e of events) {
		const kind = e.slice(0, 2);
		if (kind === "s+" || kind === "b+") { text = (text ?? "") + e.slice(3); continue; }
		if (kind === "s." || kind === "b.") { out.push(`s:${(text ?? "") + e.slice(3)}`); text = undefined; continue; }
		out.push(e);
	}
	return out;
}

export interface Outcome { events: string[]; result: number; offset: number; message: string }

/** Feeds bytes cut at the given split points (ascending offsets), then ends the document. */
export function feedSplit(bytes: Uint8Array, splits: number[], limits?: JsonLimits, mode: "text" | "bytes" = "text"): Outcome {
	const recorder = mode === "bytes" ? new BytesRecorder() : new Recorder();
	const reader = new JsonReader(recorder, limits);
	let at = 0, result: number = Feed.NeedMore;
	for (const cut of [...splits, bytes.length]) {
		result = reader.feed(bytes.subarray(at, cut), cut === bytes.length);
		at = cut;
		if (result < 0) break;
	}
	return { events: recorder.events, result, offset: reader.errorOffset, message: reader.errorMessage };
}

export function utf8(text: string): Uint8Array {
	return encodeUtf8(text);
}
