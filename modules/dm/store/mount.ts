// Mount: from the blocks' headers, the log's blocks in sequence order; then their records are
// replayed in that order into the key index, a transaction's ops applied when its commit record
// is read. Records of a transaction without a commit never reach the index. When a checkpoint of
// the index is good and fits the log (checkpoint.ts), mount loads it and replays only the records
// after it: the cost follows what changed since, not the journal's length.
import { sameBytes } from "../../bytes/index.js";
import { StoreFormatError } from "./error.js";
import type { Flash } from "./flash.js";
import { BLOCK_HEADER, FORMAT_VERSION, FragmentFlags, MAGIC, NO_RECORD, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";
import { type KeyIndex, hashKey } from "./key-index.js";
import { CHECKPOINTS_SUPPORTED, CHECKPOINT_MAGIC, CHECKPOINT_VERSION, PART_HEADER, partOf, readCheckpoint, type CheckpointFacts } from "./checkpoint.js";
import { decodeBlockHeader, forEachRecord } from "./record.js";
import { applyOps, type Op } from "./transaction.js";

export const enum BlockState {
	Erased = 0,
	/** to be erased before use */
	Dirty = 1,
	Log = 2,
	/** holds the current checkpoint: free for the log, taken last (the checkpoint is then gone) */
	Checkpoint = 3,
}

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

/** What mount learnt beyond the log and the index. */
export interface Mounted {
	/** the checkpoint mount started from, if one was good: its blocks (part order), head sequence */
	checkpoint: { blocks: number[]; headSeq: number } | undefined;
	/** the generation the next checkpoint takes */
	nextGeneration: number;
	/** bytes of records replayed (after the checkpoint, or all of them) */
	replayed: number;
}

/** Reads the journal on flash into `log` and `index`; what it found wrong and left out goes to
    `problems`. Starts from the newest good checkpoint when `useCheckpoint` and one is there.
    Throws StoreFormatError for a journal of a later format. */
export function mountLog(flash: Flash, log: LogState, index: KeyIndex, problems: string[], useCheckpoint: boolean): Mounted {
	const blockLength = flash.blockLength, blockCount = log.seqs.length;
	const order: number[] = [];
	const parts: { block: number; generation: number; part: number; parts: number }[] = [];
	let maxErase = 0, nextGeneration = 1;
	const known = new Uint8Array(blockCount);
	for (let b = 0; b < blockCount; b++) {
		log.states[b] = BlockState.Dirty;
		const bytes = new Uint8Array(flash.read(b * blockLength, PART_HEADER));
		const h = decodeBlockHeader(bytes, [MAGIC, CHECKPOINT_MAGIC]);
		if (!h) continue;
		if (h.magic === CHECKPOINT_MAGIC) {
			// free as far as the log goes, its erase count known
			log.eraseCounts[b] = h.eraseCount;
			known[b] = 1;
			maxErase = Math.max(maxErase, h.eraseCount);
			nextGeneration = Math.max(nextGeneration, h.seq + 1);
			if (h.version === CHECKPOINT_VERSION) parts.push({ block: b, generation: h.seq, ...partOf(bytes.subarray(BLOCK_HEADER)) });
			continue;
		}
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
		if (log.states[b] === BlockState.Dirty) { if (!known[b]) log.eraseCounts[b] = maxErase; log.freeCount++; }
	}
	const replay = new Replay(index, problems);
	const start = useCheckpoint && CHECKPOINTS_SUPPORTED ? fromCheckpoint(flash, log, index, order, parts) : undefined;
	let replayed = 0;
	order.forEach((b, i) => {
		log.ring[log.ringLength++] = b;
		if (start && i < start.headAt) return;   // its end came with the checkpoint
		const from = start && i === start.headAt ? start.facts.headOffset : BLOCK_HEADER;
		log.ends[b] = replay.block(flash, b, log.seqs[b]!, from);
		replayed += log.ends[b]! - from;
	});
	if (start) {
		for (const b of start.blocks) log.states[b] = BlockState.Checkpoint;
		replay.maxTxn = Math.max(replay.maxTxn, start.facts.nextTxn - 1);
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
	return { checkpoint: start ? { blocks: start.blocks, headSeq: start.facts.headSeq } : undefined, nextGeneration, replayed };
}

/** The newest checkpoint that is whole and fits the log (see checkpoint.ts), loaded into the index
    with the ends of the log's blocks older than its head; undefined (index empty) when none does. */
function fromCheckpoint(flash: Flash, log: LogState, index: KeyIndex, order: readonly number[],
	parts: readonly { block: number; generation: number; part: number; parts: number }[]): { facts: CheckpointFacts; headAt: number; blocks: number[] } | undefined {
	const generations = [...new Set(parts.map((p) => p.generation))].sort((a, b) => b - a);
	for (const g of generations) {
		const mine = parts.filter((p) => p.generation === g);
		const count = mine[0]!.parts;
		const blocks: number[] = [];
		for (const p of mine) if (p.parts === count && p.part < count && blocks[p.part] === undefined) blocks[p.part] = p.block;
		if (mine.length !== count || blocks.length !== count || blocks.includes(undefined as unknown as number)) continue;   // torn
		const facts = readCheckpoint(flash, blocks, index);
		if (!facts) continue;
		const headAt = order.findIndex((b) => log.seqs[b] === facts.headSeq);
		let fits = headAt >= 0 && facts.headOffset >= BLOCK_HEADER && facts.headOffset <= flash.blockLength;
		for (let i = 0; fits && i < headAt; i++) {
			const end = facts.ends.get(log.seqs[order[i]!]!);
			if (end === undefined || end < BLOCK_HEADER || end > flash.blockLength) fits = false;
			else log.ends[order[i]!] = end;
		}
		if (fits) {
			// Entries in blocks compacted since (erased, perhaps reused) are dropped: the tail holds
			// what replaced each (the value's copy, a later put or delete), and a lookup could not
			// confirm their keys on flash, so replaying it over them would leave them doubled.
			const covered = new Uint8Array(log.seqs.length);
			for (let i = 0; i <= headAt; i++) covered[order[i]!] = 1;
			index.retain((loc) => covered[Math.floor(loc / flash.blockLength)] === 1);
			return { facts, headAt, blocks };
		}
		index.clear();   // stale: its index no longer describes this log
	}
	return undefined;
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
