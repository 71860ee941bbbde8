// Package#0, the DM Notification (sections 5.2.1 and 7.1.1), in its binary format, big-endian.
//
// Header, 2 bytes: VER (4 bits, must be 2), OC (5 bits: the number of options), RESERVED (7 bits,
// "reserved for future header fields": not required to be zero, so they are read, kept and
// written back, never refused). Each option: delta (4 bits) from the previous option's number,
// length (12 bits), value. The server sends options in increasing order of number and every
// standard option is ZeroOrOne (Table 1), so any delta of 0 after the first option is a repeat.
//   1 SERVER-ID           String: UTF-8, Net-Unicode, so no control characters; not empty
//   2 PREFERRED-CON-TYPE  Opaque: one byte per connection type, 0..3, ANY_AVAILABLE (0) only last
//   3 NOTIFICATION-ID     Uint, exactly 2 bytes
//   4 SHA256-DIGEST       Opaque, exactly 32 bytes (see package0-digest.ts)
//   5 TIMESTAMP           POSIX seconds, unsigned, 4 or 8 bytes (DESIGN.md interpretation 15)
//   6 REQ-MOS             Null (length 0)
// No option has to be present (the "Mandatory" of Table 1 is about support, not occurrence); a
// listener that needs one (NOTIFICATION-ID over UDP, which cannot drop repeats itself) says so
// with `require`. Options numbered above 6 are elective: kept as `extensions` but not acted on,
// so a newer server is not refused, and re-encoding gives the very bytes received. Option 0 is
// never valid: the first option's delta is its number. Everything malformed is DmError(400)
// with the byte offset of the problem.
import { DmError } from "../error.js";
import { decodeUtf8, encodeUtf8 } from "../../bytes/index.js";

export const enum ConnectionType { AnyAvailable = 0, Cellular = 1, Wlan = 2, Wireline = 3 }

const enum Option { ServerId = 1, PreferredConType = 2, NotificationId = 3, Digest = 4, Timestamp = 5, ReqMos = 6 }

/** An option of a later version of the format (number above 6), as received. */
export interface ExtensionOption {
	number: number;
	value: Uint8Array;
}

export interface Notification {
	serverId?: string;
	/** in order of preference */
	preferredConnections?: ConnectionType[];
	notificationId?: number;
	digest?: Uint8Array;
	/** POSIX seconds */
	timestamp?: number;
	/** bytes the TIMESTAMP takes; encoding picks the shortest that holds it when absent */
	timestampLength?: 4 | 8;
	/** the server asks for the MOS array in Package#1 */
	requestMos: boolean;
	/** the 7 reserved header bits, when not zero */
	reserved?: number;
	/** options numbered above 6, in increasing order */
	extensions?: ExtensionOption[];
}

export interface DecodedNotification extends Notification {
	/** where the digest's 32 bytes start in the package, for verification */
	digestOffset?: number;
}

/** The options a listener can insist on; their absence is then DmError(400). */
export type RequiredOption = "serverId" | "preferredConnections" | "notificationId" | "digest" | "timestamp";

export interface DecodeOptions {
	require?: readonly RequiredOption[];
}

export const NOTIFICATION_VERSION = 2;
export const DIGEST_LENGTH = 32;
const MAX_OPTIONS = 0x1f, MAX_DELTA = 0x0f, MAX_LENGTH = 0x0fff;
/** 8-byte TIMESTAMPs whose high word exceeds this are beyond 2^53 seconds, not exact in a number */
const MAX_TIMESTAMP_HIGH = 0x1fffff;

const OPTION_NAMES: Readonly<Record<RequiredOption, string>> = Object.freeze({
	serverId: "SERVER-ID", preferredConnections: "PREFERRED-CON-TYPE", notificationId: "NOTIFICATION-ID", digest: "SHA256-DIGEST", timestamp: "TIMESTAMP",
});

function bad(message: string, offset: number): DmError {
	return new DmError(400, `Package#0: ${message}`, offset);
}

export function decodePackage0(bytes: Uint8Array, options?: DecodeOptions): DecodedNotification {
	if (bytes.length < 2) throw bad("shorter than its 2-byte header", bytes.length);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const header = view.getUint16(0);
	const version = header >> 12;
	if (version !== NOTIFICATION_VERSION) throw bad(`version ${version}, this client reads version ${NOTIFICATION_VERSION}`, 0);
	const count = (header >> 7) & MAX_OPTIONS;
	const out: DecodedNotification = { requestMos: false };
	if (header & 0x7f) out.reserved = header & 0x7f;
	let at = 2, number = 0;
	for (let k = 0; k < count; k++) {
		if (at + 2 > bytes.length) throw bad(`option ${k + 1} of ${count} is missing`, at);
		const word = view.getUint16(at);
		const delta = word >> 12, length = word & MAX_LENGTH;
		if (delta === 0) throw bad(k === 0 ? "option number 0" : `option ${number} appears twice`, at);
		number += delta;
		const start = at + 2;
		if (start + length > bytes.length) throw bad(`option ${number} says ${length} bytes, ${bytes.length - start} remain`, at);
		const value = bytes.subarray(start, start + length);
		switch (number) {
		case Option.ServerId:
			out.serverId = serverId(value, start);
			break;
		case Option.PreferredConType:
			out.preferredConnections = connectionTypes(value, start);
			break;
		case Option.NotificationId:
			if (length !== 2) throw bad(`NOTIFICATION-ID of ${length} bytes, not 2`, at);
			out.notificationId = view.getUint16(start);
			break;
		case Option.Digest:
			if (length !== DIGEST_LENGTH) throw bad(`SHA256-DIGEST of ${length} bytes, not ${DIGEST_LENGTH}`, at);
			out.digest = value.slice();
			out.digestOffset = start;
			break;
		case Option.Timestamp:
			if (length === 4) out.timestamp = view.getUint32(start);
			else if (length === 8) {
				const high = view.getUint32(start);
				if (high > MAX_TIMESTAMP_HIGH) throw bad("TIMESTAMP beyond any representable time", start);
				out.timestamp = high * 0x100000000 + view.getUint32(start + 4);
			}
			else throw bad(`TIMESTAMP of ${length} bytes, not 4 or 8`, at);
			out.timestampLength = length;
			break;
		case Option.ReqMos:
			if (length !== 0) throw bad(`REQ-MOS carries ${length} bytes, it carries none`, at);
			out.requestMos = true;
			break;
		default:
			(out.extensions ??= []).push({ number, value: value.slice() });
			break;
		}
		at = start + length;
	}
	if (at !== bytes.length) throw bad(`${bytes.length - at} bytes after the last of ${count} options`, at);
	for (const name of options?.require ?? []) {
		if (out[name] === undefined) throw bad(`no ${OPTION_NAMES[name]} option, and this listener needs one`, bytes.length);
	}
	return out;
}

function serverId(value: Uint8Array, start: number): string {
	if (value.length === 0) throw bad("SERVER-ID is empty", start);
	for (let i = 0; i < value.length; i++) {
		const b = value[i]!;
		// C0 controls and DEL are single bytes; C1 controls (U+0080..U+009F) are C2 80..C2 9F.
		if (b < 0x20 || b === 0x7f || (b === 0xc2 && value[i + 1]! >= 0x80 && value[i + 1]! <= 0x9f)) throw bad("SERVER-ID holds a control character", start + i);
	}
	const text = decodeUtf8(value);
	if (text === undefined) throw bad("SERVER-ID is not UTF-8", start);
	return text;
}

function connectionTypes(value: Uint8Array, start: number): ConnectionType[] {
	const types: ConnectionType[] = [];
	for (let i = 0; i < value.length; i++) {
		const t = value[i]!;
		if (t > ConnectionType.Wireline) throw bad(`connection type ${t}, not 0..3`, start + i);
		if (t === ConnectionType.AnyAvailable && i !== value.length - 1) throw bad("ANY_AVAILABLE must come last", start + i);
		types.push(t as ConnectionType);
	}
	return types;
}

/**
 * The binary package, deltas computed from the option numbers. `withDigest` adds a zero digest
 * for signPackage0 to fill in. Throws RangeError for a value the format cannot carry.
 */
export function encodePackage0(n: Notification & { withDigest?: boolean }): Uint8Array {
	const options: ExtensionOption[] = [];
	if (n.serverId !== undefined) options.push({ number: Option.ServerId, value: encodeUtf8(n.serverId) });
	if (n.preferredConnections) options.push({ number: Option.PreferredConType, value: Uint8Array.from(n.preferredConnections) });
	if (n.notificationId !== undefined) {
		if (!(Number.isInteger(n.notificationId) && n.notificationId >= 0 && n.notificationId <= 0xffff)) throw new RangeError("NOTIFICATION-ID is an integer of 16 bits");
		options.push({ number: Option.NotificationId, value: Uint8Array.of(n.notificationId >> 8, n.notificationId & 0xff) });
	}
	if (n.digest || n.withDigest) {
		if (n.digest && n.digest.length !== DIGEST_LENGTH) throw new RangeError(`SHA256-DIGEST is ${DIGEST_LENGTH} bytes`);
		options.push({ number: Option.Digest, value: n.digest ?? new Uint8Array(DIGEST_LENGTH) });
	}
	if (n.timestamp !== undefined) options.push({ number: Option.Timestamp, value: timestampBytes(n.timestamp, n.timestampLength) });
	if (n.requestMos) options.push({ number: Option.ReqMos, value: new Uint8Array(0) });
	for (const e of n.extensions ?? []) {
		if (!(Number.isInteger(e.number) && e.number > Option.ReqMos)) throw new RangeError("an extension option is numbered above 6");
		options.push(e);
	}
	if (options.length > MAX_OPTIONS) throw new RangeError(`a package holds at most ${MAX_OPTIONS} options`);
	const reserved = n.reserved ?? 0;
	if (!(Number.isInteger(reserved) && reserved >= 0 && reserved <= 0x7f)) throw new RangeError("the reserved header field is 7 bits");
	let size = 2, previous = 0;
	for (const { number, value } of options) {
		if (number <= previous) throw new RangeError(`option ${number} after option ${previous}: options go in increasing order, each once`);
		if (number - previous > MAX_DELTA) throw new RangeError(`option ${number} after option ${previous}: a delta above ${MAX_DELTA} cannot be encoded`);
		if (value.length > MAX_LENGTH) throw new RangeError(`option ${number} holds ${value.length} bytes, at most ${MAX_LENGTH}`);
		size += 2 + value.length;
		previous = number;
	}
	const out = new Uint8Array(size);
	const view = new DataView(out.buffer);
	view.setUint16(0, (NOTIFICATION_VERSION << 12) | (options.length << 7) | reserved);
	let at = 2;
	previous = 0;
	for (const { number, value } of options) {
		view.setUint16(at, ((number - previous) << 12) | value.length);
		out.set(value, at + 2);
		at += 2 + value.length;
		previous = number;
	}
	return out;
}

function timestampBytes(t: number, length: 4 | 8 | undefined): Uint8Array {
	if (!(Number.isSafeInteger(t) && t >= 0)) throw new RangeError("TIMESTAMP is non-negative whole POSIX seconds");
	const size = length ?? (t > 0xffffffff ? 8 : 4);
	if (size !== 4 && size !== 8) throw new RangeError("TIMESTAMP is 4 or 8 bytes");
	if (size === 4 && t > 0xffffffff) throw new RangeError("TIMESTAMP beyond 2^32 needs 8 bytes");
	const value = new Uint8Array(size);
	const view = new DataView(value.buffer);
	if (size === 4) view.setUint32(0, t);
	else { view.setUint32(0, Math.floor(t / 0x100000000)); view.setUint32(4, t % 0x100000000); }
	return value;
}
