// Whole small JSON documents as JS values, built on the streaming reader so that the same strict
// grammar and the same limits apply (e.g. a Package#3 status list, a test's expectations).
// Large documents must be consumed as events instead.
import { DmError } from "../error.js";
import { Feed, JsonReader, type JsonHandler, type JsonLimits } from "./json-reader.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

class Builder implements JsonHandler {
	private readonly containers: (JsonValue[] | { [key: string]: JsonValue })[] = [];
	private readonly keys: (string | undefined)[] = [];
	private text = "";
	result: JsonValue | undefined;

	private add(value: JsonValue): void {
		const top = this.containers[this.containers.length - 1];
		if (!top) this.result = value;
		else if (Array.isArray(top)) top.push(value);
		else {
			// a repeated name keeps its last value, as JSON.parse does; "__proto__" stays an own property
			Object.defineProperty(top, this.keys[this.keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
		}
	}
	startObject(): void { const o = {}; this.add(o); this.containers.push(o); this.keys.push(undefined); }
	endObject(): void { this.containers.pop(); this.keys.pop(); }
	startArray(): void { const a: JsonValue[] = []; this.add(a); this.containers.push(a); this.keys.push(undefined); }
	endArray(): void { this.containers.pop(); this.keys.pop(); }
	key(name: string): void { this.keys[this.keys.length - 1] = name; }
	string(chunk: string, final: boolean): void {
		this.text += chunk;
		if (final) { this.add(this.text); this.text = ""; }
	}
	number(value: number, text: string): void {
		// 1e400 is valid JSON but no JS value can stand for it, nor be written back
		if (!Number.isFinite(value)) throw new DmError(400, `malformed JSON: number ${text.slice(0, 24)} out of range`);
		this.add(value);
	}
	literal(value: boolean | null): void { this.add(value); }
}

/** Decodes a whole document; a malformed one throws DmError(400) with the byte offset. */
export function decodeJson(bytes: Uint8Array, limits?: JsonLimits): JsonValue {
	const builder = new Builder();
	const reader = new JsonReader(builder, limits);
	if (reader.feed(bytes, true) !== Feed.Done) throw reader.toDmError() ?? new DmError(400, "malformed JSON");
	return builder.result!;
}
