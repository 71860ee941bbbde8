// Leaf values by DFFormat (6.3.1) and how they are kept on flash. A value that does not fit its
// node's format is 415 (Appendix C, HGET: "the retrieved data is unrecognized"), the same as any
// MO data that does not fit the MO's DDF.
//   stored as UTF-8 text: chr, xml, b64 (its text as is, interpretation 14), date, time,
//                         int and float (canonical decimal), bool ("true"/"false")
//   stored as bytes:      bin (JSON carries it as base64, interpretation 14)
//   stored empty:         null
// Rules where the DDF formats are loose: int is a whole number in -2^31 .. 2^32-1 (the signed and
// unsigned 32-bit ranges both fit); date is ISO 8601 YYYY-MM-DD or YYYYMMDD; time is ISO 8601
// hh:mm:ss[.f][Z|±hh:mm] or hhmmss[Z|±hhmm]; xml is any text (well-formedness is the MO's business).
import { DmError } from "../error.js";
import { decodeBase64, decodeUtf8, encodeBase64, encodeUtf8, isBase64, isUtf8, pattern } from "../../bytes/index.js";
import type { Format } from "./schema.js";

/** Largest leaf compared for nv= (6.1.2); longer values never match. */
export const NV_VALUE_MAX = 1024;

export type LeafInput = string | number | boolean | null | Uint8Array;

const INT_MIN = -2147483648, INT_MAX = 4294967295;
const DIGITS_1_10 = pattern(/^[0-9]{1,10}$/);	// an int's digits, after an optional sign
const FLOAT = pattern(/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$/);
const DATE = pattern(/^([0-9]{4})-?([0-9]{2})-?([0-9]{2})$/);
const TIME = pattern(/^([0-9]{2}):?([0-9]{2}):?([0-9]{2})(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$/);

function wrong(format: Format, where: string, why: string): DmError {
	return new DmError(415, `${where}: not a ${format} value (${why})`);
}

function validDate(text: string): boolean {
	const m = DATE.exec(text);
	if (!m || (text.length === 10) !== text.includes("-") || (text.includes("-") && text.split("-").length !== 3)) return false;
	const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
	if (mo < 1 || mo > 12 || d < 1) return false;
	const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
	return d <= days;
}

function validTime(text: string): boolean {
	const m = TIME.exec(text);
	return !!m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 61;   // 60: a leap second
}

/** Whether text is a valid value of the format, in its stored text form (not for bin). */
export function validText(format: Format, text: string): boolean {
	switch (format) {
	case "node": return false;
	case "null": return text === "";
	case "chr": case "xml": case "bin": return true;
	case "b64": return isBase64(text);
	case "bool": return text === "true" || text === "false";
	case "int": {
		const sign = text.charAt(0) === "+" || text.charAt(0) === "-" ? 1 : 0;
		if (!DIGITS_1_10.test(text.slice(sign))) return false;
		const n = Number(text);
		return n >= INT_MIN && n <= INT_MAX;
	}
	case "float": return FLOAT.test(text) && Number.isFinite(Number(text));
	case "date": return validDate(text);
	case "time": return validTime(text);
	}
}

/** The bytes to store for a value given by a server or the device; 415 if it does not fit. */
export function encodeLeaf(format: Format, value: LeafInput, where: string): Uint8Array {
	if (format === "node") throw new DmError(415, `${where}: an interior node has no value`);
	if (value instanceof Uint8Array) {
		if (format === "bin") return value;
		const text = decodeUtf8(value);
		if (text === undefined) throw wrong(format, where, "not UTF-8");
		return encodeLeaf(format, text, where);
	}
	switch (format) {
	case "null":
		if (value === null || value === "") return new Uint8Array(0);
		throw wrong(format, where, "a null node has no value");
	case "bool":
		if (typeof value === "boolean") return encodeUtf8(value ? "true" : "false");
		break;
	case "int":
		if (typeof value === "number") {
			if (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) return encodeUtf8(String(value));
			throw wrong(format, where, "out of range or not whole");
		}
		break;
	case "float":
		if (typeof value === "number") {
			if (Number.isFinite(value)) return encodeUtf8(String(value));
			throw wrong(format, where, "not finite");
		}
		break;
	case "bin":
		if (typeof value === "string") {
			const bytes = decodeBase64(value);
			if (!bytes) throw wrong(format, where, "binary values travel as base64");
			return bytes;
		}
		throw wrong(format, where, "binary values travel as base64");
	default:
		break;
	}
	if (typeof value !== "string") throw wrong(format, where, `a JSON ${value === null ? "null" : typeof value}`);
	if (!validText(format, value)) throw wrong(format, where, value.length > 40 ? "malformed" : JSON.stringify(value));
	const canonical = format === "int" ? String(Number(value)) : value;
	return encodeUtf8(canonical);
}

/** Whether b[s..e) is "true" or "false". */
function boolText(b: Uint8Array, s: number, e: number): boolean {
	if (e - s === 4) return b[s] === 0x74 && b[s + 1] === 0x72 && b[s + 2] === 0x75 && b[s + 3] === 0x65;
	return e - s === 5 && b[s] === 0x66 && b[s + 1] === 0x61 && b[s + 2] === 0x6c && b[s + 3] === 0x73 && b[s + 4] === 0x65;
}

/** Whether b[s..e) is an int's canonical text (what encodeLeaf stores): -?[1-9][0-9]* or 0, in range. */
function canonicalInt(b: Uint8Array, s: number, e: number): boolean {
	const sign = e > s && b[s] === 0x2d ? 1 : 0, n = e - s;
	if (n - sign < 1 || n - sign > 10 || (b[s + sign] === 0x30 && n - sign > 1) || (sign && b[s + 1] === 0x30)) return false;
	let value = 0;
	for (let i = s + sign; i < e; i++) {
		const d = b[i]! - 0x30;
		if (d < 0 || d > 9) return false;
		value = value * 10 + d;
	}
	return sign ? value <= -INT_MIN : value <= INT_MAX;
}

/**
 * The bytes to store for a value given as the UTF-8 of a JSON string (a dmmo+json leaf), text[start..end),
 * by the same rules as encodeLeaf(format, text) and with its errors: chr and xml are kept as they
 * are (checked UTF-8), a null's "", a bool's or a canonical int's text too, copied once and
 * without a string made; the other formats (and int or bool text to refuse or make canonical) go
 * through their text. The result is the caller's: never a view of `text`, which may be lent.
 */
export function encodeLeafText(format: Format, text: Uint8Array, where: string, start = 0, end = text.length): Uint8Array {
	switch (format) {
	case "chr": case "xml":
		if (!isUtf8(text, start, end)) throw wrong(format, where, "not UTF-8");
		return text.slice(start, end);
	case "null":
		if (end === start) return new Uint8Array(0);
		break;
	case "bool":
		if (boolText(text, start, end)) return text.slice(start, end);
		break;
	case "int":
		if (canonicalInt(text, start, end)) return text.slice(start, end);
		break;
	default:
		break;
	}
	const decoded = decodeUtf8(start === 0 && end === text.length ? text : text.subarray(start, end));
	if (decoded === undefined) throw wrong(format, where, "not UTF-8");
	return encodeLeaf(format, decoded, where);
}

/** A stored value as the JSON value dmmo+json carries (interpretation 14): for small values. */
export function decodeLeaf(format: Format, bytes: Uint8Array): string | number | boolean | null {
	switch (format) {
	case "null": case "node": return null;
	case "bin": return encodeBase64(bytes);
	case "int": case "float": return Number(decodeUtf8(bytes));
	case "bool": return decodeUtf8(bytes) === "true";
	default: return decodeUtf8(bytes) ?? "";
	}
}

/** A stored value as text, for nv= comparisons: bin as base64, everything else its text. */
export function leafText(format: Format, bytes: Uint8Array): string {
	return format === "bin" ? encodeBase64(bytes) : decodeUtf8(bytes) ?? "";
}
