// Test helpers: record a reader's events as one comparable list.
import { Feed, JsonReader, type JsonHandler, type JsonLimits } from "../../../modules/dm/codec/index.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";

export class Recorder implements JsonHandler {
	events: string[] = [];
	maxPiece = 0;
	startObject(): void { this.events.push("{"); }
	endObject(): void { this.events.push("}"); }
	startArray(): void { this.events.push("["); }
	endArray(): void { this.events.push("]"); }
	key(name: string): void { this.events.push(`k:${name}`); }
	string(chunk: string, final: boolean): void {
		this.maxPiece = Math.max(this.maxPiece, chunk.length);
		this.events.push(`s${final ? "." : "+"}:${chunk}`);
	}
	number(_value: number, text: string): void { this.events.push(`n:${text}`); }
	literal(value: boolean | null): void { this.events.push(`l:${value}`); }
}

export interface Outcome { events: string[]; result: number; offset: number; message: string }

/** Feeds bytes cut at the given split points (ascending offsets), then ends the document. */
export function feedSplit(bytes: Uint8Array, splits: number[], limits?: JsonLimits): Outcome {
	const recorder = new Recorder();
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
