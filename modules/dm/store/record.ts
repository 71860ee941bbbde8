// The journal's records and block headers as bytes (layout in format.ts): each is encoded and
// decoded here by one pair of functions over the same field offsets, so a layout is written once.
import { crc32 } from "./crc32.js";
import { BLOCK_HEADER, FragmentFlags, NO_RECORD, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";
import { sameAt as sameKeyAt } from "./key-index.js";

/** Byte offsets of a record header's fields. */
const enum At { Type = 0, Flags = 1, KeyLength = 2, DataLength = 4, Index = 6, Txn = 8 }
/** Byte offsets of a block header's fields (the magic and version take bytes 0..3). */
const enum BlockAt { Version = 3, Seq = 4, EraseCount = 8, Crc = 12 }

/** A record's fields: Fragment uses them all; Delete only key and txn; Commit only txn. */
export interface RecordFields { type: RecordType; flags: number; index: number; txn: number; key: Uint8Array; data: Uint8Array | undefined }

/** A record as read back from flash, its CRC checked; key and data are views of the bytes read. */
export interface Record { type: number; flags: number; txn: number; index: number; key: Uint8Array; data: Uint8Array; size: number }

export function recordSize(keyLength: number, dataLength: number): number {
	return RECORD_HEADER + keyLength + dataLength + RECORD_TRAILER;
}

export function encodeRecord(r: RecordFields): Uint8Array {
	const dataLength = r.data ? r.data.length : 0;
	const size = recordSize(r.key.length, dataLength);
	const record = new Uint8Array(size);
	const v = new DataView(record.buffer);
	v.setUint8(At.Type, r.type);
	v.setUint8(At.Flags, r.flags);
	v.setUint16(At.KeyLength, r.key.length, true);
	v.setUint16(At.DataLength, dataLength, true);
	v.setUint16(At.Index, r.index, true);
	v.setUint32(At.Txn, r.txn, true);
	record.set(r.key, RECORD_HEADER);
	if (r.data) record.set(r.data, RECORD_HEADER + r.key.length);
	v.setUint32(size - RECORD_TRAILER, crc32(record.subarray(0, size - RECORD_TRAILER)), true);
	return record;
}

/** The record at `at` in bytes, or undefined when it runs past them or its CRC is wrong. */
export function decodeRecord(bytes: Uint8Array, at: number): Record | undefined {
	if (at + RECORD_HEADER + RECORD_TRAILER > bytes.length) return undefined;
	const v = new DataView(bytes.buffer, bytes.byteOffset + at);
	const keyLength = v.getUint16(At.KeyLength, true), dataLength = v.getUint16(At.DataLength, true);
	const size = recordSize(keyLength, dataLength);
	if (at + size > bytes.length || v.getUint32(size - RECORD_TRAILER, true) !== crc32(bytes.subarray(at, at + size - RECORD_TRAILER))) return undefined;
	const keyAt = at + RECORD_HEADER;
	return {
		type: v.getUint8(At.Type), flags: v.getUint8(At.Flags), index: v.getUint16(At.Index, true), txn: v.getUint32(At.Txn, true), size,
		key: bytes.subarray(keyAt, keyAt + keyLength), data: bytes.subarray(keyAt + keyLength, keyAt + keyLength + dataLength),
	};
}

/** Reads only the key length from a record header's bytes (for a key read back without its data). */
export function recordKeyLength(header: Uint8Array): number {
	return header[At.KeyLength]! | (header[At.KeyLength + 1]! << 8);
}

/** The whole record's size from its header's bytes (to read a record without reading past it). */
export function recordSizeOf(header: Uint8Array): number {
	return recordSize(recordKeyLength(header), recordDataLength(header));
}

/** a put written as one fragment */
const WHOLE = FragmentFlags.First | FragmentFlags.Last;

/** The value of a one-fragment put of `key` whose record starts `bytes` (a read from the record's
    start): its data, a view of `bytes`, when the record is a good Fragment that is both First and
    Last, for `key`, and holds `size` bytes. null when the record is another key's (a hash
    collision in the index). undefined otherwise: a value of several fragments, a record not whole
    in `bytes`, or a damaged one; the general path confirms the key, reads it and says which.
    Fields are read by byte, not by a DataView: this is a lookup's hot path, and on XS each view
    is an allocation. */
export function wholeValueOf(bytes: Uint8Array, key: Uint8Array, size: number): Uint8Array | null | undefined {
	const n = bytes.length, keyLength = key.length;
	if (n < RECORD_HEADER + keyLength) return undefined;
	if (recordKeyLength(bytes) !== keyLength || !sameKeyAt(bytes, RECORD_HEADER, key)) return null;
	const end = RECORD_HEADER + keyLength + size;
	if (bytes[At.Type] !== RecordType.Fragment || (bytes[At.Flags]! & WHOLE) !== WHOLE || recordDataLength(bytes) !== size || end + RECORD_TRAILER > n) return undefined;
	const stored = (bytes[end]! | (bytes[end + 1]! << 8) | (bytes[end + 2]! << 16) | (bytes[end + 3]! << 24)) >>> 0;
	// views made with the constructor, not subarray(): XS's subarray looks up the species constructor
	const buffer = bytes.buffer, at = bytes.byteOffset;
	return stored === crc32(new Uint8Array(buffer, at, end)) ? new Uint8Array(buffer, at + RECORD_HEADER + keyLength, size) : undefined;
}

function recordDataLength(header: Uint8Array): number {
	return header[At.DataLength]! | (header[At.DataLength + 1]! << 8);
}

/** Where a record's transaction number sits, to read it alone. */
export const RECORD_TXN_AT = At.Txn;

/** Each good record in a block's bytes (read from its start), stopping at the first erased or bad
    one; returns where they end. */
export function forEachRecord(bytes: Uint8Array, visit: (r: Record, at: number) => void, from = BLOCK_HEADER): number {
	let at = from;
	while (at + RECORD_HEADER + RECORD_TRAILER <= bytes.length && bytes[at] !== NO_RECORD) {
		const r = decodeRecord(bytes, at);
		if (!r) break;
		visit(r, at);
		at += r.size;
	}
	return at;
}

export interface BlockHeader { magic: readonly number[]; version: number; seq: number; eraseCount: number }

export function encodeBlockHeader(h: BlockHeader): Uint8Array {
	const header = new Uint8Array(BLOCK_HEADER);
	const v = new DataView(header.buffer);
	header.set(h.magic, 0);
	v.setUint8(BlockAt.Version, h.version);
	v.setUint32(BlockAt.Seq, h.seq, true);
	v.setUint32(BlockAt.EraseCount, h.eraseCount, true);
	v.setUint32(BlockAt.Crc, crc32(header.subarray(0, BlockAt.Crc)), true);
	return header;
}

/** The header if its magic is one of `magics` and its CRC is good. */
export function decodeBlockHeader(bytes: Uint8Array, magics: readonly (readonly number[])[]): BlockHeader | undefined {
	const magic = magics.find((m) => bytes[0] === m[0] && bytes[1] === m[1] && bytes[2] === m[2]);
	const v = new DataView(bytes.buffer, bytes.byteOffset, BLOCK_HEADER);
	if (!magic || v.getUint32(BlockAt.Crc, true) !== crc32(bytes.subarray(0, BlockAt.Crc))) return undefined;
	return { magic, version: v.getUint8(BlockAt.Version), seq: v.getUint32(BlockAt.Seq, true), eraseCount: v.getUint32(BlockAt.EraseCount, true) };
}
