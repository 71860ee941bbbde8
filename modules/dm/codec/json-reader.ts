// A streaming, strict JSON reader (RFC 8259) for documents larger than the heap.
//
// feed(chunk, last) takes bytes in any split, one at a time included, and reports structure to a
// handler as it goes: nothing of the document is kept but the container stack (one byte per
// level), the current key (bounded) and at most one chunk of a string value. String values arrive
// in pieces of at most `stringChunk` UTF-16 units; keys arrive whole. UTF-8 is validated (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF) and escapes are decoded across chunk edges.
//
// Bytes mode (a JsonBytesHandler): string values arrive as their UTF-8 instead, escapes decoded,
// so a value bound for flash never becomes a JS string (issue 18). A piece is lent, (source, start,
// end): the C core hands over the fed chunk itself when the piece lies in it, else the bytes it
// carried; the TypeScript reader, its reference, always its own piece buffer. Pieces hold whole
// characters, at most `stringChunk` bytes, and fall at the same places for every split of the
// input. Keys stay strings.
//
// Errors are values: feed() returns a negative JsonError, sticky until reset(); `errorOffset` is the
// absolute byte offset of the offending byte and `errorMessage` says what was wrong. The package
// codecs turn them into DmError(400) at their edge (toDmError).
//
// On XS a byte loop here runs 10-20 times slower than in C, so where the host binds it (xsdm, the
// device build) native/json-scan.c takes whitespace, structure and simple tokens between the
// states below, and this code everything else: escapes, tokens cut by a chunk's end it cannot
// carry, limits and errors. This TypeScript stays the reference: the tests and fuzz compare both
// paths' events, results, offsets and messages on every input and split.
import { DmError } from "../error.js";

export interface JsonHandler {
	startObject(): void;
	endObject(): void;
	startArray(): void;
	endArray(): void;
	/** an object member's name, whole (at most maxKeyLength bytes of UTF-8) */
	key(name: string): void;
	/** a piece of a string value; `final` on its last piece (an empty string gives one final "") */
	string(chunk: string, final: boolean): void;
	/** a number, with its text as written (e.g. to keep "1.0" or a 64-bit integer exact) */
	number(value: number, text: string): void;
	/** true, false or null */
	literal(value: boolean | null): void;
}

/** A handler that takes string values as UTF-8 bytes: the reader's bytes mode. */
export interface JsonBytesHandler extends Omit<JsonHandler, "string"> {
	/**
	 * A piece of a string value: its UTF-8 in source[start..end), escapes decoded, whole characters
	 * only, at most stringChunk bytes; `final` on its last piece (an empty string gives one final
	 * empty piece). Lent: source is valid during the call alone and may be the fed chunk itself, so
	 * copy what is kept, and never write to it.
	 */
	stringBytes(source: Uint8Array, start: number, end: number, final: boolean): void;
}

export interface JsonLimits {
	/** deepest nesting of objects and arrays (default 64) */
	maxDepth?: number;
	/** longest member name in bytes of UTF-8 (default 256) */
	maxKeyLength?: number;
	/** longest number text (default 64) */
	maxNumberLength?: number;
	/** largest document in bytes (default 16 MiB) */
	maxTotalLength?: number;
	/** UTF-16 units per string() call, or bytes per stringBytes() call (default 256; bytes: at least 4) */
	stringChunk?: number;
	/**
	 * Use the host's C scanning core (native/json-scan.c) when it has one (default true); false
	 * runs the TypeScript reader alone, the reference the native path is tested against.
	 */
	native?: boolean;
}

type Scan = (chunk: Uint8Array, from: number, registers: Uint8Array, stack: Uint8Array, handler: JsonHandler | JsonBytesHandler, carry: Uint8Array) => number;

// xsdm binds xs_json_scan to native/json-scan.c, as the device build does; Node has no native().
// The literal native("...") form is the one the Moddable SDK's compiler binds at build time (any
// other call of native throws there); declared here as Node-side programs compile this file too.
declare const native: ((name: string) => unknown) | undefined;
const nativeScan: Scan | undefined = typeof native === "function" ? native("xs_json_scan") as Scan : undefined;

/** Whether this host runs the C scanning core (for benches and tests that compare both paths). */
export const hasNativeScan = nativeScan !== undefined;

// The registers shared with json-scan.c, in its order.
// Open: a string is open in C (the state stays the one before its quote); Carry: how many of its
// bytes since its quote or last piece wait in `carry` (the last ones before the current chunk);
// Replay: C gives the string up, the TypeScript reader takes it on from there. StringChunk is
// negative in bytes mode, and then counts bytes (a register of its own would grow every reader).
const enum R { State, Depth, MaxDepth, MaxKeyLength, MaxNumberLength, StringChunk, Carry, Replay, Open, Count }

export const enum Feed {
	/** consumed; more may follow */
	NeedMore = 1,
	/** the document is complete (only after last = true) */
	Done = 2,
}

export const enum JsonError {
	Syntax = -1,
	Utf8 = -2,
	Escape = -3,
	Depth = -4,
	KeyLength = -5,
	NumberLength = -6,
	TotalLength = -7,
	Truncated = -8,
	AfterEnd = -9,
}

// json-scan.c knows the numbers of the states from Value to AfterValue, and Done: keep them.
const enum S {
	Value = 1,          // a value must come
	ValueOrClose,       // just after '[': a value or ']'
	KeyOrClose,         // just after '{': a key or '}'
	Key,                // after ',' in an object: a key
	Colon,
	AfterValue,         // ',' or the closer, or the end of the document
	String,
	Escape,
	Unicode,            // \uXXXX, `hexCount` digits read
	Utf8,               // inside a multi-byte sequence
	Number,
	Literal,
	Done,
	Failed,
}

const enum C {
	Tab = 0x09, LF = 0x0a, CR = 0x0d, Space = 0x20,
	Quote = 0x22, Plus = 0x2b, Comma = 0x2c, Minus = 0x2d, Dot = 0x2e, Slash = 0x2f,
	Zero = 0x30, Nine = 0x39, Colon = 0x3a,
	UpperE = 0x45, OpenBracket = 0x5b, Backslash = 0x5c, CloseBracket = 0x5d,
	LowerB = 0x62, LowerE = 0x65, LowerF = 0x66, LowerN = 0x6e, LowerR = 0x72, LowerT = 0x74, LowerU = 0x75,
	OpenBrace = 0x7b, CloseBrace = 0x7d,
}

const OBJECT = 1, ARRAY = 2;
const LITERALS = ["true", "false", "null"] as const;
const LITERAL_VALUES = [true, false, null] as const;

// Number grammar positions (RFC 8259 section 6), as a small machine over the number's characters.
const enum N { Sign = 1, Zero, Int, Dot, Frac, E, ESign, Exp }

export class JsonReader {
	private readonly handler: JsonHandler & JsonBytesHandler;   // one of the two, by the mode
	private readonly maxDepth: number;
	private readonly maxKeyLength: number;
	private readonly maxNumberLength: number;
	private readonly maxTotalLength: number;
	private readonly stack: Uint8Array;
	// the value's piece being built: UTF-16 units, or UTF-8 in bytes mode (which its type tells:
	// no field more, a reader is made per package)
	private readonly units: Uint16Array | Uint8Array;
	private readonly keyUnits: Uint16Array;
	private readonly scan: Scan | undefined;
	private readonly registers: Int32Array;
	private readonly registerBytes: Uint8Array;   // the same memory, as XS hands it to C
	private readonly carry: Uint8Array;

	private state = S.Value;
	private depth = 0;
	private offset = 0;          // absolute offset of the next byte
	private inKey = false;
	private unitCount = 0;
	private keyBytes = 0;
	private utf8Need = 0;        // continuation bytes still expected
	private utf8Low = 0x80;      // bounds of the next continuation byte (overlong/surrogate/range checks)
	private utf8High = 0xbf;
	private codePoint = 0;
	private hexCount = 0;
	private highSurrogate = 0;   // a \uD800-\uDBFF escape waiting for its low half
	private numberText = "";
	private numberState = N.Sign;
	private literal = 0;
	private literalIndex = 0;

	error: JsonError | 0 = 0;
	errorOffset = -1;
	errorMessage = "";

	constructor(handler: JsonHandler | JsonBytesHandler, limits: JsonLimits = {}) {
		this.handler = handler as JsonHandler & JsonBytesHandler;
		this.maxDepth = limits.maxDepth ?? 64;
		this.maxKeyLength = limits.maxKeyLength ?? 256;
		this.maxNumberLength = limits.maxNumberLength ?? 64;
		this.maxTotalLength = limits.maxTotalLength ?? 16 * 1024 * 1024;
		this.scan = limits.native === false ? undefined : nativeScan;
		// One buffer per element size (a reader is made per package: fewer objects, less time):
		// the registers first (Int32 alignment), the container stack, the carry for C.
		const inBytes = "stringBytes" in handler;
		// a 4-byte character must fit a piece of bytes, a surrogate pair one of units
		const pieceLength = Math.max(inBytes ? 4 : 2, limits.stringChunk ?? 256);
		// a piece is at most stringChunk units of up to 3 bytes each (a 4-byte character is 2 units),
		// or stringChunk bytes
		const carryLength = this.scan ? Math.max(inBytes ? pieceLength : 3 * pieceLength, this.maxKeyLength) + 8 : 0;
		const pieceBytes = inBytes ? pieceLength : 0;
		const bytes = new ArrayBuffer(4 * R.Count + this.maxDepth + 1 + carryLength + pieceBytes);
		this.registers = new Int32Array(bytes, 0, R.Count);
		this.registerBytes = new Uint8Array(bytes, 0, 4 * R.Count);
		this.stack = new Uint8Array(bytes, 4 * R.Count, this.maxDepth + 1);
		this.carry = new Uint8Array(bytes, 4 * R.Count + this.maxDepth + 1, carryLength);
		const valueUnits = inBytes ? 0 : pieceLength;
		const units = new ArrayBuffer(2 * (valueUnits + this.maxKeyLength + 1));
		this.units = inBytes ? new Uint8Array(bytes, 4 * R.Count + this.maxDepth + 1 + carryLength, pieceBytes) : new Uint16Array(units, 0, valueUnits);
		this.keyUnits = new Uint16Array(units, 2 * valueUnits, this.maxKeyLength + 1);
		this.registers[R.MaxDepth] = this.maxDepth;
		this.registers[R.MaxKeyLength] = this.maxKeyLength;
		this.registers[R.MaxNumberLength] = this.maxNumberLength;
		this.registers[R.StringChunk] = inBytes ? -pieceLength : pieceLength;
	}

	/** Ready for a new document (after Done, or to recover from an error). */
	reset(): void {
		this.state = S.Value;
		this.depth = 0;
		this.offset = 0;
		this.unitCount = 0;
		this.highSurrogate = 0;
		this.registers[R.Carry] = 0;
		this.registers[R.Replay] = 0;
		this.registers[R.Open] = 0;
		this.error = 0;
		this.errorOffset = -1;
		this.errorMessage = "";
	}

	/** Bytes consumed so far. */
	get position(): number {
		return this.offset;
	}

	/** The error as the DM status the session answers with (400), or undefined. */
	toDmError(): DmError | undefined {
		return this.error ? new DmError(400, `malformed JSON: ${this.errorMessage}`, this.errorOffset) : undefined;
	}

	private fail(code: JsonError, message: string, at: number): JsonError {
		this.state = S.Failed;
		this.error = code;
		this.errorOffset = at;
		this.errorMessage = message;
		return code;
	}

	feed(chunk: Uint8Array, last = false): Feed | JsonError {
		if (this.state === S.Failed) return this.error as JsonError;
		const base = this.offset;
		if (base + chunk.length > this.maxTotalLength)
			return this.fail(JsonError.TotalLength, `document longer than ${this.maxTotalLength} bytes`, this.maxTotalLength);
		if (!this.run(chunk, base, this.scan)) return this.error as JsonError;
		this.offset = base + chunk.length;
		if (!last) return Feed.NeedMore;
		if (this.registers[R.Open] && !this.replay()) return this.error as JsonError;
		if (this.state === S.Number && !this.endNumber(this.offset)) return this.error as JsonError;
		if (this.state !== S.Done) return this.fail(JsonError.Truncated, "the document ends early", this.offset);
		return Feed.Done;
	}

	// Takes over the string open in C: starts it, and reads the bytes C carried (the last ones
	// before this.offset, all plain and complete characters, fewer than a piece) as C had.
	private replay(): boolean {
		const length = this.registers[R.Carry]!;
		this.registers[R.Carry] = 0;
		this.registers[R.Replay] = 0;
		this.registers[R.Open] = 0;
		this.startString(this.state === S.KeyOrClose || this.state === S.Key);
		return this.run(this.carry.subarray(0, length), this.offset - length, undefined);
	}

	// Reads chunk, whose first byte is at absolute offset base; false after a failure.
	private run(chunk: Uint8Array, base: number, scan: Scan | undefined): boolean {
		const n = chunk.length;
		let i = 0;
		const registers = this.registers;
		while (i < n) {
			if (scan !== undefined && this.state <= S.AfterValue) {
				// Between tokens: C takes every simple token it can and stops at the first byte it
				// leaves to the code below (which then always consumes it, or fails).
				registers[R.State] = this.state;
				registers[R.Depth] = this.depth;
				i = scan(chunk, i, this.registerBytes, this.stack, this.handler, this.carry);
				this.state = registers[R.State]! as S;
				this.depth = registers[R.Depth]!;
				if (registers[R.Replay]) {
					const at = this.offset;
					this.offset = base;   // the carried bytes end where this chunk begins
					const ok = this.replay();
					this.offset = at;
					if (!ok) return false;
					continue;
				}
				if (i === n) break;
			}
			const c = chunk[i]!;
			switch (this.state) {
			case S.String: {
				if (this.highSurrogate && c !== C.Backslash) { this.fail(JsonError.Escape, "lone high surrogate escape", base + i); return false; }
				// The hot loop: copy plain characters without leaving this case.
				const units = this.inKey ? this.keyUnits : this.units;
				for (let u = c; u !== C.Quote && u !== C.Backslash && u >= 0x20 && u < 0x80; u = chunk[i]!) {
					if (!this.pushUnit(units, u, base + i)) return false;
					if (++i === n) break;
				}
				if (i === n) break;
				const d = chunk[i]!;
				if (d === C.Quote) {
					this.endString();
					i++;
				}
				else if (d === C.Backslash) { this.state = S.Escape; i++; }
				else if (d < 0x20) { this.fail(JsonError.Syntax, "control character in a string", base + i); return false; }
				else if (d >= 0x80) {
					if (d >= 0xc2 && d <= 0xdf) { this.utf8Need = 1; this.codePoint = d & 0x1f; this.utf8Low = 0x80; this.utf8High = 0xbf; }
					else if (d >= 0xe0 && d <= 0xef) {
						this.utf8Need = 2; this.codePoint = d & 0x0f;
						this.utf8Low = d === 0xe0 ? 0xa0 : 0x80;          // no overlong 3-byte forms
						this.utf8High = d === 0xed ? 0x9f : 0xbf;         // no UTF-16 surrogates
					}
					else if (d >= 0xf0 && d <= 0xf4) {
						this.utf8Need = 3; this.codePoint = d & 0x07;
						this.utf8Low = d === 0xf0 ? 0x90 : 0x80;          // no overlong 4-byte forms
						this.utf8High = d === 0xf4 ? 0x8f : 0xbf;         // nothing above U+10FFFF
					}
					else { this.fail(JsonError.Utf8, `invalid UTF-8 lead byte 0x${d.toString(16)}`, base + i); return false; }
					if (!this.countKeyBytes(1, base + i)) return false;
					this.state = S.Utf8;
					i++;
				}
				break;
			}
			case S.Utf8:
				if (c < this.utf8Low || c > this.utf8High) { this.fail(JsonError.Utf8, "invalid UTF-8 continuation byte", base + i); return false; }
				this.codePoint = (this.codePoint << 6) | (c & 0x3f);
				this.utf8Low = 0x80;
				this.utf8High = 0xbf;
				if (!this.countKeyBytes(1, base + i)) return false;
				if (--this.utf8Need === 0) {
					this.state = S.String;
					if (!this.pushCodePoint(this.codePoint, base + i)) return false;
				}
				i++;
				break;
			case S.Escape: {
				let unit = -1;
				switch (c) {
				case C.Quote: unit = 0x22; break;
				case C.Backslash: unit = 0x5c; break;
				case C.Slash: unit = 0x2f; break;
				case C.LowerB: unit = 0x08; break;
				case C.LowerF: unit = 0x0c; break;
				case C.LowerN: unit = 0x0a; break;
				case C.LowerR: unit = 0x0d; break;
				case C.LowerT: unit = 0x09; break;
				case C.LowerU: this.state = S.Unicode; this.hexCount = 0; this.codePoint = 0; break;   // may be a pending pair's low half
				default: { this.fail(JsonError.Escape, "invalid escape", base + i); return false; }
				}
				if (unit >= 0) {
					if (this.highSurrogate) { this.fail(JsonError.Escape, "lone high surrogate escape", base + i); return false; }
					this.state = S.String;
					if (!this.pushUnit(this.inKey ? this.keyUnits : this.units, unit, base + i)) return false;
				}
				i++;
				break;
			}
			case S.Unicode: {
				const v = hexValue(c);
				if (v < 0) { this.fail(JsonError.Escape, "invalid \\u escape", base + i); return false; }
				this.codePoint = (this.codePoint << 4) | v;
				if (++this.hexCount === 4) {
					const u = this.codePoint;
					this.state = S.String;
					if (this.highSurrogate) {
						if (u < 0xdc00 || u > 0xdfff) { this.fail(JsonError.Escape, "lone high surrogate escape", base + i); return false; }
						if (!this.pushCodePoint(0x10000 + ((this.highSurrogate - 0xd800) << 10) + (u - 0xdc00), base + i)) return false;
						this.highSurrogate = 0;
					}
					else if (u >= 0xd800 && u <= 0xdbff) this.highSurrogate = u;   // its low half must follow as an escape
					else if (u >= 0xdc00 && u <= 0xdfff) { this.fail(JsonError.Escape, "lone low surrogate escape", base + i); return false; }
					else if (!this.pushCodePoint(u, base + i)) return false;
				}
				i++;
				break;
			}
			case S.Number: {
				const ok = this.numberChar(c);
				if (ok === 1) {
					if (this.numberText.length >= this.maxNumberLength)
						{ this.fail(JsonError.NumberLength, `number longer than ${this.maxNumberLength} characters`, base + i); return false; }
					this.numberText += String.fromCharCode(c);
					i++;
				}
				else if (ok === 0) {
					// the number ended before this byte: finish it and look at the byte again
					if (!this.endNumber(base + i)) return false;
				}
				else { this.fail(JsonError.Syntax, "malformed number", base + i); return false; }
				break;
			}
			case S.Literal: {
				const word = LITERALS[this.literal]!;
				if (c !== word.charCodeAt(this.literalIndex)) { this.fail(JsonError.Syntax, `expected "${word}"`, base + i); return false; }
				if (++this.literalIndex === word.length) {
					this.handler.literal(LITERAL_VALUES[this.literal]!);
					this.afterValue();
				}
				i++;
				break;
			}
			default:
				if (c === C.Space || c === C.LF || c === C.CR || c === C.Tab) { i++; break; }
				if (!this.structural(c, base + i)) return false;
				i++;
			}
		}
		return true;
	}

	// A byte outside strings, numbers and literals: whitespace is handled by the caller.
	private structural(c: number, at: number): boolean {
		const s = this.state;
		if (s === S.Done) { this.fail(JsonError.AfterEnd, "data after the end of the document", at); return false; }
		if (s === S.Colon) {
			if (c !== C.Colon) { this.fail(JsonError.Syntax, "expected ':'", at); return false; }
			this.state = S.Value;
			return true;
		}
		if (s === S.AfterValue) {
			const top = this.stack[this.depth];
			if (c === C.Comma && this.depth > 0) { this.state = top === OBJECT ? S.Key : S.Value; return true; }
			if (c === C.CloseBrace && top === OBJECT) return this.close(OBJECT);
			if (c === C.CloseBracket && top === ARRAY) return this.close(ARRAY);
			this.fail(JsonError.Syntax, this.depth ? "expected ',' or a closing bracket" : "data after the end of the document", at);
			return false;
		}
		if (s === S.KeyOrClose || s === S.Key) {
			if (c === C.Quote) { this.startString(true); return true; }
			if (c === C.CloseBrace && s === S.KeyOrClose) return this.close(OBJECT);
			this.fail(JsonError.Syntax, "expected a member name", at);
			return false;
		}
		// S.Value or S.ValueOrClose
		if (c === C.CloseBracket && s === S.ValueOrClose) return this.close(ARRAY);
		switch (c) {
		case C.OpenBrace: return this.open(OBJECT, at);
		case C.OpenBracket: return this.open(ARRAY, at);
		case C.Quote: this.startString(false); return true;
		case C.LowerT: this.startLiteral(0); return true;
		case C.LowerF: this.startLiteral(1); return true;
		case C.LowerN: this.startLiteral(2); return true;
		default:
			if (c === C.Minus || (c >= C.Zero && c <= C.Nine)) {
				this.state = S.Number;
				this.numberState = N.Sign;
				this.numberText = "";
				if (this.numberChar(c) !== 1) { this.fail(JsonError.Syntax, "malformed number", at); return false; }
				this.numberText = String.fromCharCode(c);
				return true;
			}
			this.fail(JsonError.Syntax, "expected a value", at);
			return false;
		}
	}

	private open(kind: number, at: number): boolean {
		if (this.depth >= this.maxDepth) { this.fail(JsonError.Depth, `nested deeper than ${this.maxDepth}`, at); return false; }
		this.stack[++this.depth] = kind;
		if (kind === OBJECT) { this.handler.startObject(); this.state = S.KeyOrClose; }
		else { this.handler.startArray(); this.state = S.ValueOrClose; }
		return true;
	}

	private close(kind: number): boolean {
		this.depth--;
		if (kind === OBJECT) this.handler.endObject(); else this.handler.endArray();
		this.afterValue();
		return true;
	}

	private afterValue(): void {
		this.state = this.depth === 0 ? S.Done : S.AfterValue;
	}

	private startLiteral(which: number): void {
		this.state = S.Literal;
		this.literal = which;
		this.literalIndex = 1;
	}

	private startString(key: boolean): void {
		this.state = S.String;
		this.inKey = key;
		this.unitCount = 0;
		this.keyBytes = 0;
	}

	private endString(): void {
		if (!this.inKey && this.inBytes) {
			const length = this.unitCount;
			this.unitCount = 0;
			this.handler.stringBytes(this.units as Uint8Array, 0, length, true);
			this.afterValue();
			return;
		}
		const units = this.inKey ? this.keyUnits : this.units as Uint16Array;
		const text = unitsToString(units, this.unitCount);
		this.unitCount = 0;
		if (this.inKey) {
			this.handler.key(text);
			this.state = S.Colon;
		}
		else {
			this.handler.string(text, true);
			this.afterValue();
		}
	}

	private countKeyBytes(count: number, at: number): boolean {
		if (this.inKey && (this.keyBytes += count) > this.maxKeyLength) {
			this.fail(JsonError.KeyLength, `member name longer than ${this.maxKeyLength} bytes`, at);
			return false;
		}
		return true;
	}

	private pushUnit(units: Uint16Array | Uint8Array, unit: number, at: number): boolean {
		if (!this.inKey && this.inBytes) return this.pushBytes(unit);
		if (this.inKey) {
			if (unit < 0x80 && !this.countKeyBytes(1, at)) return false;   // multi-byte input was counted as it arrived
			if (this.unitCount >= units.length) { this.fail(JsonError.KeyLength, `member name longer than ${this.maxKeyLength} bytes`, at); return false; }
			units[this.unitCount++] = unit;
			return true;
		}
		if (this.unitCount === units.length) {
			this.handler.string(unitsToString(units as Uint16Array, this.unitCount), false);
			this.unitCount = 0;
		}
		units[this.unitCount++] = unit;
		return true;
	}

	private pushCodePoint(cp: number, at: number): boolean {
		if (!this.inKey && this.inBytes) return this.pushBytes(cp);
		const units = this.inKey ? this.keyUnits : this.units as Uint16Array;
		if (cp < 0x10000) return this.pushUnit(units, cp, at);
		// keep a surrogate pair within one piece
		if (!this.inKey && this.unitCount >= units.length - 1) {
			this.handler.string(unitsToString(units, this.unitCount), false);
			this.unitCount = 0;
		}
		const v = cp - 0x10000;
		return this.pushUnit(units, 0xd800 + (v >> 10), at) && this.pushUnit(units, 0xdc00 + (v & 0x3ff), at);
	}

	// Bytes mode: a value's character as UTF-8 into the piece; a full piece goes when the next
	// character does not fit (json-scan.c's rule too: the pieces do not depend on the chunks).
	private pushBytes(cp: number): boolean {
		const piece = this.units as Uint8Array;
		const length = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		let at = this.unitCount;
		if (at + length > piece.length) {
			this.handler.stringBytes(piece, 0, at, false);
			at = 0;
		}
		if (length === 1) piece[at++] = cp;
		else if (length === 2) { piece[at++] = 0xc0 | (cp >> 6); piece[at++] = 0x80 | (cp & 0x3f); }
		else if (length === 3) { piece[at++] = 0xe0 | (cp >> 12); piece[at++] = 0x80 | ((cp >> 6) & 0x3f); piece[at++] = 0x80 | (cp & 0x3f); }
		else { piece[at++] = 0xf0 | (cp >> 18); piece[at++] = 0x80 | ((cp >> 12) & 0x3f); piece[at++] = 0x80 | ((cp >> 6) & 0x3f); piece[at++] = 0x80 | (cp & 0x3f); }
		this.unitCount = at;
		return true;
	}

	private get inBytes(): boolean {
		return this.units.BYTES_PER_ELEMENT === 1;
	}

	// 1: part of the number; 0: the number ended before c; -1: malformed
	private numberChar(c: number): number {
		const digit = c >= C.Zero && c <= C.Nine;
		switch (this.numberState) {
		case N.Sign:
			if (c === C.Minus && this.numberText === "") { this.numberState = N.Sign; return 1; }
			if (c === C.Zero) { this.numberState = N.Zero; return 1; }
			if (digit) { this.numberState = N.Int; return 1; }
			return -1;
		case N.Zero:
			if (c === C.Dot) { this.numberState = N.Dot; return 1; }
			if (c === C.LowerE || c === C.UpperE) { this.numberState = N.E; return 1; }
			return digit ? -1 : 0;      // no leading zeros
		case N.Int:
			if (digit) return 1;
			if (c === C.Dot) { this.numberState = N.Dot; return 1; }
			if (c === C.LowerE || c === C.UpperE) { this.numberState = N.E; return 1; }
			return 0;
		case N.Dot:
			if (digit) { this.numberState = N.Frac; return 1; }
			return -1;
		case N.Frac:
			if (digit) return 1;
			if (c === C.LowerE || c === C.UpperE) { this.numberState = N.E; return 1; }
			return 0;
		case N.E:
			if (c === C.Plus || c === C.Minus) { this.numberState = N.ESign; return 1; }
			if (digit) { this.numberState = N.Exp; return 1; }
			return -1;
		case N.ESign:
			if (digit) { this.numberState = N.Exp; return 1; }
			return -1;
		case N.Exp:
			return digit ? 1 : 0;
		}
		return -1;
	}

	private endNumber(at: number): boolean {
		const s = this.numberState;
		if (s !== N.Zero && s !== N.Int && s !== N.Frac && s !== N.Exp) {
			this.fail(JsonError.Syntax, "malformed number", at);
			return false;
		}
		this.handler.number(Number(this.numberText), this.numberText);
		this.afterValue();
		return true;
	}
}

function hexValue(c: number): number {
	if (c >= 0x30 && c <= 0x39) return c - 0x30;
	if (c >= 0x61 && c <= 0x66) return c - 0x57;
	if (c >= 0x41 && c <= 0x46) return c - 0x37;
	return -1;
}

function unitsToString(units: Uint16Array, count: number): string {
	if (count === 0) return "";
	return String.fromCharCode.apply(null, units.subarray(0, count) as unknown as number[]);
}
