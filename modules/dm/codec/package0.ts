// Package#0, the DM Notification (sections 5.2.1 and 7.1.1), in its binary format.
//
// Header: VER (4 bits, must be 2), OC (5 bits: the number of options), 7 reserved bits (ignored,
// they are for future header fields). Each option: delta (4 bits) from the previous option number,
// length (12 bits), value. Options come in increasing order, each at most once (every standard
// option is ZeroOrOne), so a delta of 0 after the first option is a duplicate.
//   1 SERVER-ID           String (UTF-8)
//   2 PREFERRED-CON-TYPE  Opaque: one byte per connection type, 0..3, ANY_AVAILABLE (0) only last
//   3 NOTIFICATION-ID     Uint, exactly 2 bytes
//   4 SHA256-DIGEST       Opaque, exactly 32 bytes
//   5 TIMESTAMP           POSIX seconds, unsigned big-endian, 4 or 8 bytes (DESIGN.md interpretation 15)
//   6 REQ-MOS             Null (length 0)
// Option numbers above 6 are skipped, so a newer server's options do not make us deaf to it; they
// stay covered by the digest. Everything else malformed is DmError(400) with the byte offset.
// Interpretation 4: SHA256-DIGEST = SHA-256(Auth/Noti/Secret ‖ notification with the digest
// zeroed ‖ Auth/Noti/Data), compared in constant time; duplicates dropped by (SERVER-ID, NOTIFICATION-ID).
import { sha256 } from "@noble/hashes/sha2.js";
import { DmError } from "../error.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

export const enum ConnectionType { AnyAvailable = 0, Cellular = 1, Wlan = 2, Wireline = 3 }

const enum Option { ServerId = 1, PreferredConType = 2, NotificationId = 3, Digest = 4, Timestamp = 5, ReqMos = 6 }

export interface Notification {
	serverId?: string;
	/** in order of preference */
	preferredConnections?: ConnectionType[];
	notificationId?: number;
	digest?: Uint8Array;
	/** POSIX seconds */
	timestamp?: number;
	/** the server asks for the MOS list in Package#1 */
	requestMos: boolean;
}

export interface DecodedNotification extends Notification {
	/** where the digest's 32 bytes are in the package, for verification */
	digestOffset?: number;
}

export const NOTIFICATION_VERSION = 2;
const DIGEST_LENGTH = 32;

function bad(message: string, offset: number): DmError {
	return new DmError(400, `Package#0: ${message}`, offset);
}

export function decodePackage0(bytes: Uint8Array): DecodedNotification {
	if (bytes.length < 2) throw bad("shorter than its 2-byte header", bytes.length);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const header = view.getUint16(0);
	const version = header >> 12;
	if (version !== NOTIFICATION_VERSION) throw bad(`version ${version}, not ${NOTIFICATION_VERSION}`, 0);
	const count = (header >> 7) & 0x1f;
	const out: DecodedNotification = { requestMos: false };
	let at = 2, number = 0;
	for (let k = 0; k < count; k++) {
		if (at + 2 > bytes.length) throw bad(`option ${k + 1} of ${count} is missing`, at);
		const word = view.getUint16(at);
		const delta = word >> 12, length = word & 0x0fff;
		if (k > 0 && delta === 0) throw bad(`option ${number} appears twice`, at);
		number += delta;
		const start = at + 2;
		if (start + length > bytes.length) throw bad(`option ${number} says ${length} bytes, ${bytes.length - start} remain`, at);
		const value = bytes.subarray(start, start + length);
		switch (number) {
		case 0:
			throw bad("option number 0", at);
		case Option.ServerId: {
			const text = decodeUtf8(value);
			if (text === undefined || text.length === 0) throw bad("SERVER-ID is not a UTF-8 string", start);
			out.serverId = text;
			break;
		}
		case Option.PreferredConType: {
			const types: ConnectionType[] = [];
			for (let i = 0; i < value.length; i++) {
				const t = value[i]!;
				if (t > ConnectionType.Wireline) throw bad(`connection type ${t}`, start + i);
				if (t === ConnectionType.AnyAvailable && i !== value.length - 1) throw bad("ANY_AVAILABLE must come last", start + i);
				types.push(t as ConnectionType);
			}
			out.preferredConnections = types;
			break;
		}
		case Option.NotificationId:
			if (length !== 2) throw bad(`NOTIFICATION-ID of ${length} bytes, not 2`, at);
			out.notificationId = view.getUint16(start);
			break;
		case Option.Digest:
			if (length !== DIGEST_LENGTH) throw bad(`SHA256-DIGEST of ${length} bytes, not 32`, at);
			out.digest = value.slice();
			out.digestOffset = start;
			break;
		case Option.Timestamp: {
			if (length === 4) out.timestamp = view.getUint32(start);
			else if (length === 8) {
				const high = view.getUint32(start), low = view.getUint32(start + 4);
				if (high > 0x1fffff) throw bad("TIMESTAMP beyond any representable time", start);
				out.timestamp = high * 0x100000000 + low;
			}
			else throw bad(`TIMESTAMP of ${length} bytes, not 4 or 8`, at);
			break;
		}
		case Option.ReqMos:
			if (length !== 0) throw bad(`REQ-MOS carries ${length} bytes, it carries none`, at);
			out.requestMos = true;
			break;
		default:
			break;   // a later version's option: skipped (see above)
		}
		at = start + length;
	}
	if (at !== bytes.length) throw bad(`${bytes.length - at} bytes after the last of ${count} options`, at);
	return out;
}

/** The binary package; a digest, if asked for, is left zero (see signPackage0). */
export function encodePackage0(n: Notification & { withDigest?: boolean }): Uint8Array {
	const options: [number, Uint8Array][] = [];
	if (n.serverId !== undefined) options.push([Option.ServerId, encodeUtf8(n.serverId)]);
	if (n.preferredConnections) options.push([Option.PreferredConType, Uint8Array.from(n.preferredConnections)]);
	if (n.notificationId !== undefined) {
		if (!(n.notificationId >= 0 && n.notificationId <= 0xffff)) throw new RangeError("NOTIFICATION-ID is 16 bits");
		options.push([Option.NotificationId, Uint8Array.of(n.notificationId >> 8, n.notificationId & 0xff)]);
	}
	if (n.digest || n.withDigest) options.push([Option.Digest, n.digest ? n.digest.slice() : new Uint8Array(DIGEST_LENGTH)]);
	if (n.timestamp !== undefined) {
		const t = n.timestamp;
		if (!(Number.isInteger(t) && t >= 0)) throw new RangeError("TIMESTAMP is non-negative POSIX seconds");
		const value = new Uint8Array(t > 0xffffffff ? 8 : 4);
		const v = new DataView(value.buffer);
		if (value.length === 4) v.setUint32(0, t);
		else { v.setUint32(0, Math.floor(t / 0x100000000)); v.setUint32(4, t % 0x100000000); }
		options.push([Option.Timestamp, value]);
	}
	if (n.requestMos) options.push([Option.ReqMos, new Uint8Array(0)]);
	let size = 2;
	for (const [, value] of options) {
		if (value.length > 0x0fff) throw new RangeError("an option value is at most 4095 bytes");
		size += 2 + value.length;
	}
	const out = new Uint8Array(size);
	const view = new DataView(out.buffer);
	view.setUint16(0, (NOTIFICATION_VERSION << 12) | (options.length << 7));
	let at = 2, previous = 0;
	for (const [number, value] of options) {
		view.setUint16(at, ((number - previous) << 12) | value.length);
		out.set(value, at + 2);
		at += 2 + value.length;
		previous = number;
	}
	return out;
}

/** SHA-256(secret ‖ package with the digest zeroed ‖ authData). */
export function package0Digest(bytes: Uint8Array, digestOffset: number, secret: Uint8Array, authData: Uint8Array): Uint8Array {
	const h = sha256.create();
	h.update(secret);
	h.update(bytes.subarray(0, digestOffset));
	h.update(new Uint8Array(DIGEST_LENGTH));
	h.update(bytes.subarray(digestOffset + DIGEST_LENGTH));
	h.update(authData);
	return h.digest();
}

/** Fills in the digest of a package encoded with { withDigest: true } (the server's side). */
export function signPackage0(bytes: Uint8Array, secret: Uint8Array, authData: Uint8Array): Uint8Array {
	const { digestOffset } = decodePackage0(bytes);
	if (digestOffset === undefined) throw new TypeError("the package has no SHA256-DIGEST option");
	const signed = bytes.slice();
	signed.set(package0Digest(bytes, digestOffset, secret, authData), digestOffset);
	return signed;
}

/** Whether the package carries the right digest. No digest, or no secret to check it with, is false. */
export function verifyPackage0(n: DecodedNotification, bytes: Uint8Array, secret: Uint8Array | undefined, authData: Uint8Array): boolean {
	if (!n.digest || n.digestOffset === undefined || !secret || secret.length === 0) return false;
	return constantTimeEqual(package0Digest(bytes, n.digestOffset, secret, authData), n.digest);
}

/** Compares without an early exit, so timing says nothing about where two digests differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	let diff = a.length ^ b.length;
	const n = Math.max(a.length, b.length);
	for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return diff === 0;
}

/** Interpretation 15: within `windowSeconds` of now, either side. */
export function isTimestampFresh(timestamp: number, nowSeconds: number, windowSeconds = 600): boolean {
	return Math.abs(nowSeconds - timestamp) <= windowSeconds;
}

/** Remembers the last `capacity` (SERVER-ID, NOTIFICATION-ID) pairs to drop repeats (section 5.2.1.2). */
export class NotificationFilter {
	private readonly keys: string[];
	private next = 0;

	constructor(capacity = 32) {
		this.keys = new Array<string>(capacity).fill("");
	}

	/** True the first time a pair is seen; false for a duplicate. */
	admit(serverId: string, notificationId: number): boolean {
		const key = `${notificationId}:${serverId}`;
		if (this.keys.includes(key)) return false;
		this.keys[this.next] = key;
		this.next = (this.next + 1) % this.keys.length;
		return true;
	}
}
