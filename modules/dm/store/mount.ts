// Mount: from the blocks' headers, the log's blocks in sequence order; then their records are
// replayed in that order into the key index, a transaction's ops applied when its commit record
// is read. Records of a transaction without a commit never reach the index.
import { StoreFormatError } from "./error.js";
import type { Flash } from "./flash.js";
import { BLOCK_HEADER, FORMAT_VERSION, FragmentFlags, MAGIC, NO_RECORD, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";
import { type KeyIndex, hashKey } from "./key-index.js";
import { decodeBlockHeader, forEachRecord } from "./record.js";
import { applyOps, type Op } from "./transaction.js";

export const enum BlockState { Erased = 0, Dirty = 1, Log = 2 }

/** The journal's blocks: per block, in typed arrays so the RAM they take is fixed and small, the
    log's blocks oldest first in a ring, each block's sequence, erase count, state, and how far its
    good records go; and where the next record and block go. */
export interface LogState {
	readonly ring: Uint16Array;
	ringStart: number;
	ringLength: number;
	readonly seqs: Uint32Array;
	readonly eraseCounts: Uint32Array;
	readonly states: Uint8Array;
	readonly ends: Uint32Array;
	freeCount: number;
	/** next byte to write in the head block */
	headOffset: number;
	nextSeq: number;
	nextTxn: number;
}

export function emptyLog(blockCount: number): LogState {
	return {
		ring: new Uint16Array(blockCount), ringStart: 0, ringLength: 0,
		seqs: new Uint32Array(blockCount), eraseCounts: new Uint32Array(blockCount), states: new Uint8Array(blockCount), ends: new Uint32Array(blockCount),
		freeCount: 0, headOffset: 0, nextSeq: 1, nextTxn: 1,
	};
}

/** Reads the journal on flash into `log` and `index`; what it found wrong and left out goes to
    `problems`. Throws StoreFormatError for a journal of a later format. */
export function mountLog(flash: Flash, log: LogState, index: KeyIndex, problems: string[]): void {
	const blockLength = flash.blockLength, blockCount = log.seqs.length;
	const order: number[] = [];
	let maxErase = 0;
	for (let b = 0; b < blockCount; b++) {
		log.states[b] = BlockState.Dirty;
		const h = decodeBlockHeader(new Uint8Array(flash.read(b * blockLength, BLOCK_HEADER)), [MAGIC]);
		if (!h) continue;
		if (h.version !== FORMAT_VERSION) {
			if (h.version > FORMAT_VERSION) throw new StoreFormatError(`block ${b} is in journal format ${h.version}, newer than this client's ${FORMAT_VERSION}: update the firmware`);
			problems.push(`block ${b}: unknown journal format ${h.version}, ignored`);
			continue;
		}
		log.seqs[b] = h.seq;
		log.eraseCounts[b] = h.eraseCount;
		log.states[b] = BlockState.Log;
		maxErase = Math.max(maxErase, h.eraseCount);
		order.push(b);
	}
	order.sort((a, b) => log.seqs[a]! - log.seqs[b]!);
	// a block whose header is unreadable has an unknown erase count: assume the worst
	for (let b = 0; b < blockCount; b++) {
		if (log.states[b] === BlockState.Dirty) { log.eraseCounts[b] = maxErase; log.freeCount++; }
	}
	const replay = new Replay(index, problems);
	for (const b of order) {
		log.ends[b] = replay.block(flash, b, log.seqs[b]!, BLOCK_HEADER);
		log.ring[log.ringLength++] = b;
	}
	if (order.length) {
		const head = order[order.length - 1]!;
		log.nextSeq = log.seqs[head]! + 1;
		log.headOffset = log.ends[head]!;
		// A torn tail leaves programmed bytes past the last good record: never write over them.
		const rest = new Uint8Array(flash.read(head * blockLength + log.headOffset, blockLength - log.headOffset));
		if (rest.some((x) => x !== 0xff)) log.headOffset = blockLength;
	}
	log.nextTxn = replay.maxTxn + 1;
}

/** Replays records in log order: each transaction's ops wait for its commit record. */
class Replay {
	private readonly pending = new Map<number, Op[]>();
	maxTxn = 0;

	constructor(private readonly index: KeyIndex, private readonly problems: string[]) {}

	/** Replays block b's records from byte `from`; returns where its good records end. */
	block(flash: Flash, b: number, seq: number, from: number): number {
		const blockLength = flash.blockLength;
		const base = b * blockLength;
		const bytes = new Uint8Array(flash.read(base, blockLength));
		const end = forEachRecord(bytes, (r, at) => {
			if (r.txn > this.maxTxn) this.maxTxn = r.txn;
			let ops = this.pending.get(r.txn);
			if (!ops) { ops = []; this.pending.set(r.txn, ops); }
			if (r.type === RecordType.Fragment) {
				if (r.flags & FragmentFlags.First) ops.push({ put: true, key: r.key.slice(), hash: hashKey(r.key), loc: base + at, size: 0, next: 0, complete: false });
				const put = ops[ops.length - 1];
				// a fragment must continue its put; one whose start was compacted away is ignored
				if (put && put.put && !put.complete && put.next === r.index && sameBytes(put.key, r.key)) {
					put.size += r.data.length;
					put.next++;
					if (r.flags & FragmentFlags.Last) put.complete = true;
				}
			}
			else if (r.type === RecordType.Delete) ops.push({ put: false, key: r.key.slice(), hash: hashKey(r.key) });
			else if (r.type === RecordType.Commit) { applyOps(this.index, ops); this.pending.delete(r.txn); }
			else this.problems.push(`block ${b}: unknown record type ${r.type} at byte ${at}`);
		}, from);
		if (end + RECORD_HEADER + RECORD_TRAILER <= blockLength && bytes[end] !== NO_RECORD) {
			this.problems.push(`block ${b} (sequence ${seq}): a damaged record at byte ${end}; the rest of the block is ignored`);
		}
		return end;
	}
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}
