// The index checkpoint: the key index and the log's block ends as they were at a quiet point (no
// transaction open), so that mount loads them and replays only the records written after it.
//
// Where it lives: in blocks outside the log, as many as it needs, each with a block header of its
// own magic ("DMC") carrying the checkpoint's generation and the block's erase count. As far as
// the log is concerned these blocks are free: the log takes them last, and when it does the
// checkpoint is simply gone (the next mount replays the whole journal). A checkpoint therefore
// never takes space the journal needs, and can never make the store unable to mount or compact.
//
// Its bytes: each block holds the 16-byte block header, then part number and part count (u16 each),
// then the next piece of the checkpoint's stream, which is, in little-endian 32-bit words:
//   0 block length   1 block count   2 the head block's sequence   3 the head's write offset
//   4 next transaction number   5 L, the log's blocks   6 N, the keys   7 format of the columns (1)
//   then L × (block sequence, end of its good records), oldest first
//   then the index's four columns of N words: key hashes, record locations, value sizes, parent hashes
//   then the CRC-32 of everything before it.
// A checkpoint is torn (ignored) when a part is missing or doubled or the CRC is wrong; stale
// (ignored) when its geometry is not the flash's, when its head block is no longer in the log, or
// when a log block older than its head is not in its list. Mount then replays the whole journal.
//
// The columns are written and read as the index's own arrays, in the host's byte order: both hosts
// (x86-64 sim, ESP32) are little-endian, the order the format states; a big-endian host neither
// writes nor reads checkpoints.
import { crc32 } from "./crc32.js";
import type { Flash } from "./flash.js";
import { BLOCK_HEADER } from "./format.js";
import type { KeyIndex } from "./key-index.js";
import { encodeBlockHeader } from "./record.js";

export const CHECKPOINT_MAGIC = [0x44, 0x4d, 0x43] as const;   // "DMC"
export const CHECKPOINT_VERSION = 1;
/** block header + part number + part count */
export const PART_HEADER = BLOCK_HEADER + 4;
const HEAD_WORDS = 8;
const COLUMNS_FORMAT = 1;

export const CHECKPOINTS_SUPPORTED = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** What a checkpoint says besides the index. */
export interface CheckpointFacts {
	headSeq: number;
	headOffset: number;
	nextTxn: number;
	/** sequence → end of good records, for each block of the log when it was written */
	ends: Map<number, number>;
}

/** Bytes of a checkpoint of a log of `logBlocks` blocks and an index of `keys` keys. */
export function checkpointLength(logBlocks: number, keys: number): number {
	return (HEAD_WORDS + 2 * logBlocks + 4 * keys + 1) * 4;
}

export function partsFor(length: number, blockLength: number): number {
	return Math.ceil(length / (blockLength - PART_HEADER));
}

/** Writes a checkpoint into `blocks` (erased, in part order). `seqs`/`ends`: the log's blocks
    oldest first. The index's columns are programmed straight from its arrays, without a copy. */
export function writeCheckpoint(flash: Flash, blocks: readonly number[], generation: number, eraseCounts: Uint32Array,
	facts: { headSeq: number; headOffset: number; nextTxn: number; seqs: readonly number[]; ends: readonly number[] }, index: KeyIndex): number {
	const blockLength = flash.blockLength;
	const head = new Uint8Array((HEAD_WORDS + 2 * facts.seqs.length) * 4);
	const v = new DataView(head.buffer);
	[blockLength, Math.floor(flash.byteLength / blockLength), facts.headSeq, facts.headOffset, facts.nextTxn, facts.seqs.length, index.length, COLUMNS_FORMAT]
		.forEach((w, i) => v.setUint32(i * 4, w, true));
	facts.seqs.forEach((seq, i) => {
		v.setUint32((HEAD_WORDS + 2 * i) * 4, seq, true);
		v.setUint32((HEAD_WORDS + 2 * i + 1) * 4, facts.ends[i]!, true);
	});
	let part = -1, at = blockLength, crc = 0, programmed = 0;
	const put = (bytes: Uint8Array): void => {
		for (let from = 0; from < bytes.length;) {
			if (at === blockLength) {
				part++;
				const b = blocks[part]!;
				const header = new Uint8Array(PART_HEADER);
				header.set(encodeBlockHeader({ magic: CHECKPOINT_MAGIC, version: CHECKPOINT_VERSION, seq: generation, eraseCount: eraseCounts[b]! }), 0);
				new DataView(header.buffer).setUint16(BLOCK_HEADER, part, true);
				new DataView(header.buffer).setUint16(BLOCK_HEADER + 2, blocks.length, true);
				flash.write(b * blockLength, header);
				programmed += PART_HEADER;
				at = PART_HEADER;
			}
			const piece = bytes.subarray(from, from + Math.min(bytes.length - from, blockLength - at));
			flash.write(blocks[part]! * blockLength + at, piece);
			programmed += piece.length;
			at += piece.length;
			from += piece.length;
		}
	};
	const stream = (bytes: Uint8Array): void => { crc = crc32(bytes, crc); put(bytes); };
	stream(head);
	for (const column of index.columns()) stream(column);
	const trailer = new Uint8Array(4);
	new DataView(trailer.buffer).setUint32(0, crc, true);
	put(trailer);
	if (part !== blocks.length - 1) throw new RangeError("checkpoint: blocks counted wrong");
	return programmed;
}

/** A checkpoint block's part number and count, from the 4 bytes after its block header. */
export function partOf(afterHeader: Uint8Array): { part: number; parts: number } {
	const v = new DataView(afterHeader.buffer, afterHeader.byteOffset, 4);
	return { part: v.getUint16(0, true), parts: v.getUint16(2, true) };
}

/** Reads the checkpoint in `blocks` (part order) into `index`; undefined, with the index empty,
    when it is torn or not for this flash. Staleness against the log is the caller's check. */
export function readCheckpoint(flash: Flash, blocks: readonly number[], index: KeyIndex): CheckpointFacts | undefined {
	const blockLength = flash.blockLength;
	if (!blocks.length) return undefined;
	let part = 0, at = PART_HEADER, crc = 0;
	let buffer = new Uint8Array(flash.read(blocks[0]! * blockLength, blockLength));
	/** fills `into` from the stream; false past its last part */
	const take = (into: Uint8Array, counted = true): boolean => {
		for (let filled = 0; filled < into.length;) {
			if (at === blockLength) {
				if (++part >= blocks.length) return false;
				buffer = new Uint8Array(flash.read(blocks[part]! * blockLength, blockLength));
				at = PART_HEADER;
			}
			const n = Math.min(into.length - filled, blockLength - at);
			into.set(buffer.subarray(at, at + n), filled);
			at += n;
			filled += n;
		}
		if (counted) crc = crc32(into, crc);
		return true;
	};
	const first = new Uint8Array(HEAD_WORDS * 4);
	if (!take(first)) return undefined;
	const w = new DataView(first.buffer);
	const word = (i: number): number => w.getUint32(i * 4, true);
	const blockCount = Math.floor(flash.byteLength / blockLength);
	const logBlocks = word(5), keys = word(6);
	if (word(0) !== blockLength || word(1) !== blockCount || word(7) !== COLUMNS_FORMAT || logBlocks > blockCount
		|| partsFor(checkpointLength(logBlocks, keys), blockLength) !== blocks.length) return undefined;
	const list = new Uint8Array(logBlocks * 8);
	if (!take(list)) return undefined;
	let whole = true;
	index.load(keys, (columns) => { for (const c of columns) whole &&= take(c); });
	const trailer = new Uint8Array(4);
	if (!whole || !take(trailer, false) || new DataView(trailer.buffer).getUint32(0, true) !== crc) {
		index.clear();
		return undefined;
	}
	const l = new DataView(list.buffer);
	const ends = new Map<number, number>();
	for (let i = 0; i < logBlocks; i++) ends.set(l.getUint32(i * 8, true), l.getUint32(i * 8 + 4, true));
	return { headSeq: word(2), headOffset: word(3), nextTxn: word(4), ends };
}
