// A streaming JSON writer into a fixed buffer: when the buffer fills, its bytes go to the sink
// (the socket) and it is reused, so a document of any size costs the buffer and a small stack.
// String values can be written whole, or in pieces (beginString / stringChunk / stringBytes /
// endString) straight from the store; binary values stream as base64 (RFC 4648, standard
// alphabet, padded: DESIGN.md interpretation 14). Misuse — a value where a member name is due,
// an unclosed container at end(), NaN — throws a TypeError: it is a bug in the caller, not input.
// JS strings must be valid Unicode: a lone surrogate throws (we never send \uD800 escapes).
import { Base64Encoder, asciiBytes, span, spanBytes, unitRange } from "../../bytes/index.js";

/** Receives full buffers and the tail at flush(); must use or copy the bytes before returning. */
export type JsonSink = (bytes: Uint8Array) => void;

const OBJECT = 1, ARRAY = 2;
const HEX = "0123456789abcdef";
// What goes out as it is, found by span (no allocation on XS) and copied in runs: in text, ASCII
// but for what JSON escapes (a unit above 0x7f needs UTF-8); in UTF-8 bytes, every byte but those.
const PLAIN_TEXT = unitRange(0x20, 0x7f, "\"\\"), PLAIN_BYTES = unitRange(0x20, 0xff, "\"\\");
// the literals' bytes, made once: a value written costs no conversion of its text
const NULL = asciiBytes("null"), TRUE = asciiBytes("true"), FALSE = asciiBytes("false");

const enum Expect { Value = 1, Key, Done }
const enum Str { None = 0, Text, Base64 }

export class JsonWriter {
	private readonly buffer: Uint8Array;
	private readonly sink: JsonSink;
	private readonly stack: Uint8Array;
	private position = 0;
	private depth = 0;
	private expect = Expect.Value;
	private needComma = false;
	private inString = Str.None;
	private pendingHigh = 0;             // a high surrogate at the end of the last stringChunk
	private base64: Base64Encoder | undefined;
	/** bytes handed to the sink so far plus those in the buffer */
	written = 0;

	constructor(sink: JsonSink, bufferSize = 512, maxDepth = 64) {
		if (bufferSize < 8) throw new RangeError("buffer too small");
		this.buffer = new Uint8Array(bufferSize);
		this.sink = sink;
		this.stack = new Uint8Array(maxDepth + 1);
	}

	startObject(): this { return this.open(OBJECT, 0x7b); }
	endObject(): this { return this.close(OBJECT, 0x7d); }
	startArray(): this { return this.open(ARRAY, 0x5b); }
	endArray(): this { return this.close(ARRAY, 0x5d); }

	key(name: string): this {
		this.notInString();
		if (this.expect !== Expect.Key) throw new TypeError("a member name is not expected here");
		// a plain name (most are) goes out with its comma, quotes and colon in one copy: on XS each
		// call of byte() costs more than the string made here
		if (span(name, PLAIN_TEXT, 0) < 0) this.put(asciiBytes(this.needComma ? `,"${name}":` : `"${name}":`));
		else {
			if (this.needComma) this.byte(0x2c);
			this.quoted(name);
			this.byte(0x3a);
		}
		this.expect = Expect.Value;
		this.needComma = false;
		return this;
	}

	string(value: string): this {
		this.beforeValue();
		this.quoted(value);
		return this.afterValue();
	}

	number(value: number): this {
		if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
		this.beforeValue();
		this.ascii(Object.is(value, -0) ? "0" : String(value));
		return this.afterValue();
	}

	boolean(value: boolean): this {
		this.beforeValue();
		this.put(value ? TRUE : FALSE);
		return this.afterValue();
	}

	null(): this {
		this.beforeValue();
		this.put(NULL);
		return this.afterValue();
	}

	/** Starts a string value whose content follows in pieces. */
	beginString(): this {
		this.beforeValue();
		this.byte(0x22);
		this.inString = Str.Text;
		return this;
	}

	stringChunk(text: string): this {
		if (this.inString !== Str.Text) throw new TypeError("stringChunk outside beginString/endString");
		let start = 0;
		if (this.pendingHigh) {
			const low = text.charCodeAt(0);
			if (!(low >= 0xdc00 && low <= 0xdfff)) throw new TypeError("lone surrogate in a string");
			this.codePoint(0x10000 + ((this.pendingHigh - 0xd800) << 10) + (low - 0xdc00));
			this.pendingHigh = 0;
			start = 1;
		}
		const last = text.charCodeAt(text.length - 1);
		let end = text.length;
		if (end > start && last >= 0xd800 && last <= 0xdbff) { this.pendingHigh = last; end--; }
		this.escaped(text, start, end);
		return this;
	}

	/** Adds UTF-8 bytes (e.g. a chr value read from the store) to the open string, escaping as needed. */
	stringBytes(bytes: Uint8Array): this {
		if (this.inString !== Str.Text || this.pendingHigh) throw new TypeError("stringBytes outside beginString/endString");
		const n = bytes.length;
		for (let i = 0; i < n;) {
			const stop = spanBytes(bytes, PLAIN_BYTES, i);
			const end = stop < 0 ? n : stop;
			if (end > i) this.put(i === 0 && end === n ? bytes : bytes.subarray(i, end));
			if (end === n) break;
			this.escapeUnit(bytes[end]!);
			i = end + 1;
		}
		return this;
	}

	endString(): this {
		if (this.inString !== Str.Text) throw new TypeError("endString without beginString");
		if (this.pendingHigh) throw new TypeError("lone surrogate at the end of a string");
		this.inString = Str.None;
		this.byte(0x22);
		return this.afterValue();
	}

	/** Starts a base64 string value whose bytes follow in pieces of any size. */
	beginBase64(): this {
		this.beforeValue();
		this.byte(0x22);
		this.inString = Str.Base64;
		this.base64 ??= new Base64Encoder((code) => this.byte(code));
		return this;
	}

	base64Chunk(bytes: Uint8Array): this {
		if (this.inString !== Str.Base64) throw new TypeError("base64Chunk outside beginBase64/endBase64");
		this.base64!.write(bytes);
		return this;
	}

	endBase64(): this {
		if (this.inString !== Str.Base64) throw new TypeError("endBase64 without beginBase64");
		this.base64!.end();
		this.inString = Str.None;
		this.byte(0x22);
		return this.afterValue();
	}

	/** Hands what is buffered to the sink. */
	flush(): void {
		if (this.position) {
			this.sink(this.buffer.subarray(0, this.position));
			this.position = 0;
		}
	}

	/** Checks the document is complete, then flushes. */
	end(): void {
		this.notInString();
		if (this.expect !== Expect.Done) throw new TypeError(this.depth ? "a container is still open" : "no value was written");
		this.flush();
	}

	private open(kind: number, c: number): this {
		this.beforeValue();
		if (this.depth >= this.stack.length - 1) throw new RangeError("nested too deep");
		this.stack[++this.depth] = kind;
		this.byte(c);
		this.expect = kind === OBJECT ? Expect.Key : Expect.Value;
		this.needComma = false;
		return this;
	}

	private close(kind: number, c: number): this {
		this.notInString();
		if (this.stack[this.depth] !== kind || this.depth === 0) throw new TypeError("closing a container that is not open");
		if (kind === OBJECT && this.expect !== Expect.Key) throw new TypeError("a member name has no value");
		this.depth--;
		this.byte(c);
		return this.afterValue();
	}

	private beforeValue(): void {
		this.notInString();
		if (this.expect !== Expect.Value) throw new TypeError(this.expect === Expect.Key ? "a member name is expected here" : "the document is complete");
		if (this.needComma) this.byte(0x2c);
	}

	private afterValue(): this {
		if (this.depth === 0) this.expect = Expect.Done;
		else {
			this.expect = this.stack[this.depth] === OBJECT ? Expect.Key : Expect.Value;
			this.needComma = true;
		}
		return this;
	}

	private notInString(): void {
		if (this.inString) throw new TypeError("a string value is still open");
	}

	private byte(b: number): void {
		if (this.position === this.buffer.length) this.flush();
		this.buffer[this.position++] = b;
		this.written++;
	}

	/** text known to be ASCII without NUL (a number, an escape's digits) */
	private ascii(text: string): void {
		this.put(asciiBytes(text));
	}

	/** Copies bytes in, flushing as the buffer fills. */
	private put(bytes: Uint8Array): void {
		const n = bytes.length, buffer = this.buffer, size = buffer.length, position = this.position;
		// most pieces fit: one copy, no loop
		if (n <= size - position) {
			buffer.set(bytes, position);
			this.position = position + n;
			this.written += n;
			return;
		}
		for (let from = 0; from < n;) {
			if (this.position === size) this.flush();
			const take = Math.min(n - from, size - this.position);
			this.buffer.set(take === n ? bytes : bytes.subarray(from, from + take), this.position);
			this.position += take;
			this.written += take;
			from += take;
		}
	}

	private quoted(text: string): void {
		this.byte(0x22);
		this.escaped(text, 0);
		this.byte(0x22);
	}

	/** text[start..end) as JSON string content; no `end`: to the text's end. */
	private escaped(text: string, start: number, end?: number): void {
		// the plain ASCII run at the start, in one copy (span's set has no NUL): most names and values
		// are all of it, and a whole text then needs no `.length`, which on XS makes a String object
		// and counts the text's characters
		const stop = span(text, PLAIN_TEXT, start);
		if (stop < 0 && start === 0 && end === undefined) { this.put(asciiBytes(text)); return; }
		end ??= text.length;
		const plainEnd = stop < 0 || stop > end ? end : stop;
		if (plainEnd > start) {
			this.put(asciiBytes(start === 0 && stop < 0 && end === text.length ? text : text.slice(start, plainEnd)));
			start = plainEnd;
		}
		for (let i = start; i < end; i++) {
			const u = text.charCodeAt(i);
			if (u >= 0x20 && u < 0x80) {
				if (u === 0x22 || u === 0x5c) this.escapeUnit(u);
				else this.byte(u);
			}
			else if (u < 0x20) this.escapeUnit(u);
			else if (u > 0xffff) this.codePoint(u);   // XS counts a non-BMP character as one unit (see utf8.ts)
			else if (u >= 0xd800 && u <= 0xdbff) {
				const low = text.charCodeAt(i + 1);
				if (i + 1 >= end || !(low >= 0xdc00 && low <= 0xdfff)) throw new TypeError("lone surrogate in a string");
				this.codePoint(0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00));
				i++;
			}
			else if (u >= 0xdc00 && u <= 0xdfff) throw new TypeError("lone surrogate in a string");
			else this.codePoint(u);
		}
	}

	private escapeUnit(u: number): void {
		this.byte(0x5c);
		switch (u) {
		case 0x22: this.byte(0x22); return;
		case 0x5c: this.byte(0x5c); return;
		case 0x08: this.byte(0x62); return;
		case 0x0c: this.byte(0x66); return;
		case 0x0a: this.byte(0x6e); return;
		case 0x0d: this.byte(0x72); return;
		case 0x09: this.byte(0x74); return;
		default: this.byte(0x75); this.ascii("00"); this.byte(HEX.charCodeAt(u >> 4)); this.byte(HEX.charCodeAt(u & 15));
		}
	}

	private codePoint(u: number): void {
		if (u < 0x80) this.byte(u);
		else if (u < 0x800) { this.byte(0xc0 | (u >> 6)); this.byte(0x80 | (u & 0x3f)); }
		else if (u < 0x10000) { this.byte(0xe0 | (u >> 12)); this.byte(0x80 | ((u >> 6) & 0x3f)); this.byte(0x80 | (u & 0x3f)); }
		else { this.byte(0xf0 | (u >> 18)); this.byte(0x80 | ((u >> 12) & 0x3f)); this.byte(0x80 | ((u >> 6) & 0x3f)); this.byte(0x80 | (u & 0x3f)); }
	}
}
