// A log-structured journal of key → value on NOR flash, with atomic transactions.
//
// Writes only ever append. A transaction's records (value fragments, deletes) count only once its
// commit record is on flash, so after a power cut at any byte, mount() finds exactly the state
// before or after each transaction. Values are written and read in fragments of at most
// FRAGMENT_MAX bytes: a 64 KiB value never sits whole in RAM; RAM holds only the index (key → the
// flash locations of its fragments).
//
// Space comes back by compaction: the oldest block's live values are rewritten at the head as a
// transaction of their own, committed, and only then is the block erased; a cut before the commit
// leaves the originals, a cut after leaves a committed copy that replays later and so wins. Blocks
// are reused lowest erase count first and the oldest block is always the next victim, which keeps
// wear even. A put whose earlier fragments were erased that way is incomplete at mount and is
// skipped: it was superseded by the copy.
//
// Mount time follows what changed, not the journal's length: at quiet points (a commit with no
// other transaction open) the store writes a checkpoint of its index (checkpoint.ts) when the
// journal written since the last one is long: at least CHECKPOINT_MIN_TAIL_BLOCKS blocks, and at
// least 1/CHECKPOINT_TAIL_SHARE of the checkpoint's own size, which bounds the checkpoint's writes to
// that share of the journal's. Compaction counts as journal written (it appends the values it
// moves); when it takes the checkpoint's head block or blocks, the checkpoint is dropped and the
// whole log counts as the tail, so the next quiet point writes a new one if there is room. The
// checkpoint goes into free blocks (two more must stay free): when the log leaves too few, there
// is none and mount replays the whole journal; size the flash with room for one (16 bytes a key).
//
// The record format is in record.ts, mount in mount.ts, transactions in transaction.ts.
import { DmError } from "../error.js";
import { decodeUtf8, encodeUtf8, sameBytes, spanBytes, unitSet } from "../../bytes/index.js";
import type { Flash } from "./flash.js";
import { BLOCK_HEADER, FORMAT_VERSION, FragmentFlags, MAGIC, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";
import { KeyIndex, hashKey, hashKeyReference, sameAt } from "./key-index.js";
import { CHECKPOINTS_SUPPORTED, checkpointLength, partsFor, writeCheckpoint } from "./checkpoint.js";
import { BlockState, emptyLog, mountLog, type LogState } from "./mount.js";
import { RECORD_TXN_AT, decodeRecord, encodeBlockHeader, encodeRecord, forEachRecord, recordKeyLength, recordSize, recordSizeOf, wholeValueOf, type Record, type RecordFields } from "./record.js";
import { FRAGMENT_MAX, Transaction, applyOps, commitRecord, type Journal, type Op } from "./transaction.js";

/** a name's bytes: span finds a "/" in C (a typed array's indexOf reads each byte through the engine on XS) */
const NOT_SLASH = unitSet("/", true);

/** The parent hash of a key without "/" (key-index.ts parentHash: the empty path's). The reference
    hash, which the native one equals: module code runs at the SDK's preload, where no native may be called. */
const ROOT_HASH = hashKeyReference(new Uint8Array(0));

export { StoreFormatError } from "./error.js";
export { FRAGMENT_MAX, Transaction } from "./transaction.js";

const MAX_KEY = 255;
const MAX_RECORD = RECORD_HEADER + MAX_KEY + FRAGMENT_MAX + RECORD_TRAILER;
/** bytes recordAt reads first: a tree leaf's record (a short key, a short value) fits, so it costs
    one flash read, not a header read and then a record read */
const RECORD_AHEAD = 96;
/** a checkpoint waits for at least this many blocks of journal after the last one */
export const CHECKPOINT_MIN_TAIL_BLOCKS = 4;
/** ... and for a journal tail of at least 1/this of its own size */
export const CHECKPOINT_TAIL_SHARE = 4;

export interface StoreOptions {
	/** the largest value a transaction may put (default 64 KiB): sets the blocks kept for compaction */
	maxValueLength?: number;
	/** write and use index checkpoints (default true); false: every mount replays the whole journal */
	checkpoints?: boolean;
}

export class Store implements Journal {
	private readonly flash: Flash;
	private readonly blockLength: number;
	private readonly blockCount: number;
	private readonly reserve: number;
	private readonly index: KeyIndex;
	private readonly log: LogState;
	private compacting = false;
	private open: Transaction | undefined;
	private readonly checkpointsOn: boolean;
	/** the checkpoint on flash that fits the log, if any */
	private checkpoint: { blocks: number[]; headSeq: number } | undefined;
	private generation = 1;
	/** bytes of records a mount would replay after the checkpoint (all of them without one) */
	private tailBytes = 0;
	/** checkpoints written since mount */
	checkpointsWritten = 0;
	/** whether this mount started from a checkpoint */
	mountedFromCheckpoint = false;
	/** what mount found wrong and left out */
	readonly problems: string[] = [];
	/** bytes programmed since mount (for write-amplification figures) */
	programmed = 0;

	private constructor(flash: Flash, options: StoreOptions) {
		this.flash = flash;
		this.blockLength = flash.blockLength;
		this.blockCount = Math.floor(flash.byteLength / flash.blockLength);
		if (this.blockLength < 512) throw new RangeError("the store needs blocks of 512 bytes or more");
		if (this.blockCount > 0xffff) throw new RangeError("the store handles at most 65,535 blocks");
		const payload = this.blockLength - BLOCK_HEADER;
		const perFragment = FRAGMENT_MAX + RECORD_HEADER + RECORD_TRAILER + MAX_KEY;
		const fragmentsPerBlock = Math.max(1, Math.floor(payload / perFragment));
		this.reserve = Math.ceil((options.maxValueLength ?? 65536) / FRAGMENT_MAX / fragmentsPerBlock) + 2;
		if (this.blockCount < this.reserve + 2) throw new RangeError(`the store needs at least ${this.reserve + 2} blocks for values of this size`);
		this.log = emptyLog(this.blockCount);
		this.checkpointsOn = (options.checkpoints ?? true) && CHECKPOINTS_SUPPORTED;
		this.index = new KeyIndex((loc, key) => this.keyIsAt(loc, key));
	}

	/** Reads the journal back into an index. Throws StoreFormatError for a journal of a later format. */
	static mount(flash: Flash, options: StoreOptions = {}): Store {
		const store = new Store(flash, options);
		const m = mountLog(flash, store.log, store.index, store.problems, store.checkpointsOn);
		store.checkpoint = m.checkpoint;
		store.mountedFromCheckpoint = m.checkpoint !== undefined;
		store.generation = m.nextGeneration;
		store.tailBytes = m.replayed;
		return store;
	}

	// ---- reading ----

	has(key: string): boolean { return this.slot(key) >= 0; }

	size(key: string): number | undefined {
		const slot = this.slot(key);
		return slot >= 0 ? this.index.size(slot) : undefined;
	}

	/** Keys in no particular order, optionally only those starting with prefix. Each key is read
	    back from flash: a listing costs a flash read a key, and no RAM between listings. */
	keys(prefix = ""): string[] {
		const want = encodeUtf8(prefix);
		const out: string[] = [];
		for (let i = 0; i < this.index.length; i++) {
			const key = this.keyAt(this.index.loc(i));
			if (!sameAt(key, 0, want)) continue;
			out.push(decodeKey(key));
		}
		return out;
	}

	/** Keys without "/" that start with prefix: the store's own records (alerts, subscriptions, the
	    GET spool), not the tree's, whose keys are all paths. Only entries whose parent hash is the
	    root's are read back from flash, so a listing costs a flash read per such key rather than one
	    per key in the store. Same answer as keys(prefix) without the keys that hold a "/". */
	rootKeys(prefix: string): string[] {
		const want = encodeUtf8(prefix);
		const out: string[] = [];
		for (let i = this.index.nextWithParent(ROOT_HASH, 0); i >= 0; i = this.index.nextWithParent(ROOT_HASH, i + 1)) {
			const key = this.keyAt(this.index.loc(i));
			if (spanBytes(key, NOT_SLASH) >= 0 || !sameAt(key, 0, want)) continue;
			out.push(decodeKey(key));
		}
		return out;
	}

	/** The keys directly below `parent` in the path sense: parent + "/" + a name, not empty, without "/".
	    Costs a scan of a typed array and a flash read per child (and per rare hash collision). */
	children(parent: string): string[] {
		const out: string[] = [];
		this.someChild(parent, (key) => { out.push(key); return false; });
		return out;
	}

	/** Hands each key directly below `parent` (as children() lists them) to `test`, until it says
	    true, and says whether it did: the keys after that one are never read from flash (a node's
	    first child answers "has it any?"). */
	someChild(parent: string, test: (key: string) => boolean): boolean {
		const p = encodeUtf8(parent);
		const want = hashKey(p);
		for (let i = this.index.nextWithParent(want, 0); i >= 0; i = this.index.nextWithParent(want, i + 1)) {
			const key = this.keyAt(this.index.loc(i));
			if (isChildKey(key, p) && test(decodeKey(key))) return true;
		}
		return false;
	}

	/** Hands the value to onChunk fragment by fragment (each at most FRAGMENT_MAX bytes). A record
	    damaged since mount is DmError(500): the store never returns damaged data as good. */
	read(key: string, onChunk: (chunk: Uint8Array) => void): boolean {
		const slot = this.slot(key);
		if (slot < 0) return false;
		this.walk(this.index.loc(slot), (data) => { if (data.length) onChunk(data); });
		return true;
	}

	/** A value to pull fragment by fragment (for writers that must wait between pieces, such as a
	    socket): next() gives the next non-empty fragment, undefined at the end. The reader sees
	    the value as it was when opened; a commit that replaces it makes the reader fail with
	    DmError(500) only if compaction erased the old records in between. */
	reader(key: string): { next(): Uint8Array | undefined } | undefined {
		const slot = this.slot(key);
		if (slot < 0) return undefined;
		const cursor = this.cursor(this.index.loc(slot));
		return { next: () => { for (;;) { const c = cursor.next(); if (c === undefined || c.length) return c; } } };
	}

	/** The whole value: for small values only. Undefined when absent, or longer than `max` bytes
	    (its size is in the index: a value too long is never read). One index lookup, and for a
	    value written as one fragment (most are) one flash read, which confirms the key too. The
	    value may be a view of the bytes read, the record's header and CRC around it: a caller that
	    keeps it long copies it. */
	get(key: string, max = Infinity): Uint8Array | undefined {
		const want = encodeUtf8(key), hash = hashKey(want), index = this.index;
		for (let slot = index.firstOf(hash); slot >= 0; slot = index.nextOf(hash, slot)) {
			const loc = index.loc(slot), size = index.size(slot);
			if (size <= max && size <= FRAGMENT_MAX) {
				const value = wholeValueOf(new Uint8Array(this.readAhead(loc, recordSize(want.length, size))), want, size);
				if (value) return value;
				if (value === null) continue;
			}
			// the rare path: a value of several fragments, too long, or a record that is not whole
			if (!this.keyIsAt(loc, want)) continue;
			return size > max ? undefined : this.gather(key, loc, size);
		}
		return undefined;
	}

	/** The value of `size` bytes whose first record is at `first`, read fragment by fragment. */
	private gather(key: string, first: number, size: number): Uint8Array {
		const out = new Uint8Array(size);
		let at = 0;
		this.walk(first, (c) => {
			if (at + c.length > size) throw new DmError(500, `stored value of ${JSON.stringify(key)} is longer than recorded`);
			out.set(c, at);
			at += c.length;
		});
		return out;
	}

	/** RAM the index takes (bytes of its arrays; keys and values are on flash). */
	get indexBytes(): number { return this.index.byteLength; }

	private slot(key: string): number {
		const bytes = encodeUtf8(key);
		return this.index.find(hashKey(bytes), bytes);
	}

	// ---- writing ----

	begin(): Transaction {
		if (this.open) throw new TypeError("a transaction is already open");
		this.open = new Transaction(this, this.log.nextTxn++, this.log.ringLength ? this.log.seqs[this.head()]! : this.log.nextSeq);
		return this.open;
	}

	/** Runs `change` in one transaction and commits it; if `change` throws, nothing of it counts. */
	transact(change: (t: Transaction) => void): void {
		const t = this.begin();
		try {
			change(t);
			t.commit();
		} finally {
			t.abort();
		}
	}

	/** @internal */
	ended(t: Transaction, committed: boolean): void {
		if (this.open !== t) return;
		this.open = undefined;
		if (committed) this.maybeCheckpoint();
	}

	/** @internal: writes one record, starting a new block when the head is full; returns where it starts. */
	append(r: RecordFields): number {
		if (r.key.length > MAX_KEY) throw new RangeError(`store key longer than ${MAX_KEY} bytes`);
		const record = encodeRecord(r);
		const log = this.log;
		if (!log.ringLength || log.headOffset + record.length > this.blockLength) this.startBlock(r.type !== RecordType.Fragment);
		const at = this.head() * this.blockLength + log.headOffset;
		this.flash.write(at, record);
		this.programmed += record.length;
		this.tailBytes += record.length;
		log.headOffset += record.length;
		return at;
	}

	/** @internal: a committed transaction's ops reach the index. */
	apply(ops: readonly Op[]): void { applyOps(this.index, ops); }

	private logAt(i: number): number { return this.log.ring[(this.log.ringStart + i) % this.blockCount]!; }
	private head(): number { return this.logAt(this.log.ringLength - 1); }

	/** where block b's good records end: the write position for the head */
	private endOf(b: number): number { return this.log.ringLength && b === this.head() ? this.log.headOffset : this.log.ends[b]!; }

	/** the block after b in log order, or -1 when b is the head */
	private following(b: number): number {
		for (let i = 0; i < this.log.ringLength - 1; i++) if (this.logAt(i) === b) return this.logAt(i + 1);
		return -1;
	}

	private startBlock(small: boolean): void {
		const log = this.log;
		// Values leave `reserve` blocks free so that compaction can always move the largest value;
		// compaction may use them, and so may deletes and commits (a full store must still let a
		// server delete, or it could never be emptied).
		if (!this.compacting) {
			for (let guard = log.ringLength; log.freeCount <= this.reserve && guard > 0 && log.ringLength > 1; guard--) {
				if (!this.compactOldest()) break;
			}
			if (log.freeCount <= (small ? 1 : this.reserve)) throw new DmError(506, "the device's storage is full");
		}
		if (!log.freeCount) throw new DmError(506, "the device's storage is full");
		// lowest erase count first, the checkpoint's blocks last
		let chosen = -1;
		const rank = (b: number): number => (log.states[b] === BlockState.Checkpoint ? 2 ** 32 : 0) + log.eraseCounts[b]!;
		for (let b = 0; b < this.blockCount; b++) {
			if (log.states[b] !== BlockState.Log && (chosen < 0 || rank(b) < rank(chosen))) chosen = b;
		}
		if (log.states[chosen] === BlockState.Checkpoint) this.dropCheckpoint();
		if (log.states[chosen] !== BlockState.Erased) {
			this.flash.eraseBlock(chosen);
			log.eraseCounts[chosen]!++;
		}
		this.flash.write(chosen * this.blockLength, encodeBlockHeader({ magic: MAGIC, version: FORMAT_VERSION, seq: log.nextSeq, eraseCount: log.eraseCounts[chosen]! }));
		this.programmed += BLOCK_HEADER;
		if (log.ringLength) log.ends[this.head()] = log.headOffset;
		log.ring[(log.ringStart + log.ringLength++) % this.blockCount] = chosen;
		log.states[chosen] = BlockState.Log;
		log.seqs[chosen] = log.nextSeq++;
		log.freeCount--;
		log.headOffset = BLOCK_HEADER;
	}

	/** Rewrites the oldest block's live values at the head, commits, then erases the block.
	    false when the oldest block holds the open transaction's own records and cannot go. */
	private compactOldest(): boolean {
		const log = this.log;
		const victim = this.logAt(0);
		if (this.open && log.seqs[victim]! >= this.open.startSeq) return false;
		// a checkpoint whose head block goes no longer fits the log
		if (this.checkpoint && this.checkpoint.headSeq === log.seqs[victim]) this.dropCheckpoint();
		// The live values with a record in the victim: a record is live when the index's entry for
		// its key starts a put of the same transaction (an earlier put of the same key in that
		// transaction is moved needlessly, never lost).
		const moving: number[] = [];
		this.records(victim, (r) => {
			if (r.type !== RecordType.Fragment) return;
			const slot = this.index.find(hashKey(r.key), r.key);
			if (slot < 0) return;
			const first = this.index.loc(slot);
			if (!moving.includes(first) && this.txnAt(first) === r.txn) moving.push(first);
		});
		this.compacting = true;
		try {
			if (moving.length) {
				const txn = log.nextTxn++;
				const moved: Op[] = [];
				for (const first of moving) moved.push(this.copyValue(first, txn));
				this.append(commitRecord(txn));
				this.apply(moved);
			}
		} finally {
			this.compacting = false;
		}
		log.ringStart = (log.ringStart + 1) % this.blockCount;
		log.ringLength--;
		this.flash.eraseBlock(victim);
		log.eraseCounts[victim]!++;
		log.states[victim] = BlockState.Erased;
		log.freeCount++;
		return true;
	}

	/** Writes the value starting at `first` again at the head under `txn`, one fragment behind so the
	    last one carries the Last flag; an empty value stays one empty First+Last fragment. */
	private copyValue(first: number, txn: number): Op {
		const key = this.keyAt(first);
		const op: Op = { put: true, key, hash: hashKey(key), loc: -1, size: 0, next: 0, complete: true };
		let held: Uint8Array | undefined;
		const emit = (data: Uint8Array | undefined, last: boolean): void => {
			const flags = (op.next === 0 ? FragmentFlags.First : 0) | (last ? FragmentFlags.Last : 0);
			const at = this.append({ type: RecordType.Fragment, flags, key, index: op.next++, txn, data });
			if (op.loc < 0) op.loc = at;
			op.size += data ? data.length : 0;
		};
		this.walk(first, (data) => {
			if (!data.length) return;
			if (held) emit(held, false);
			held = data;
		});
		emit(held, true);
		return op;
	}

	// ---- checkpoints ----

	/** At a quiet point: writes a checkpoint when the tail a mount would replay is long (the rule is
	    in the header) and the free blocks allow it. */
	private maybeCheckpoint(): void {
		const log = this.log;
		if (!this.checkpointsOn || this.open || this.compacting || !log.ringLength) return;
		const length = checkpointLength(log.ringLength, this.index.length);
		if (this.tailBytes < Math.max(CHECKPOINT_MIN_TAIL_BLOCKS * this.blockLength, length / CHECKPOINT_TAIL_SHARE)) return;
		const parts = partsFor(length, this.blockLength);
		// Any free blocks will do, the reserve's too: the log takes them back whenever it needs them.
		// Two stay free besides, so that the log's next block does not take the checkpoint at once.
		if (log.freeCount < parts + 2) return;
		// free blocks, lowest erase count first, the current checkpoint's last (it stays good if it can)
		const free: number[] = [];
		for (let b = 0; b < this.blockCount; b++) if (log.states[b] !== BlockState.Log) free.push(b);
		const rank = (b: number): number => (log.states[b] === BlockState.Checkpoint ? 2 ** 32 : 0) + log.eraseCounts[b]!;
		const blocks = free.sort((a, b) => rank(a) - rank(b)).slice(0, parts);
		if (blocks.some((b) => log.states[b] === BlockState.Checkpoint)) this.dropCheckpoint();
		for (const b of blocks) {
			if (log.states[b] !== BlockState.Erased) {
				this.flash.eraseBlock(b);
				log.eraseCounts[b]!++;
			}
			log.states[b] = BlockState.Dirty;   // until the checkpoint is whole
		}
		const seqs: number[] = [], ends: number[] = [];
		for (let i = 0; i < log.ringLength; i++) { const b = this.logAt(i); seqs.push(log.seqs[b]!); ends.push(this.endOf(b)); }
		const head = this.head();
		this.programmed += writeCheckpoint(this.flash, blocks, this.generation++, log.eraseCounts,
			{ headSeq: log.seqs[head]!, headOffset: log.headOffset, nextTxn: log.nextTxn, seqs, ends }, this.index);
		if (this.checkpoint) for (const b of this.checkpoint.blocks) log.states[b] = BlockState.Dirty;
		for (const b of blocks) log.states[b] = BlockState.Checkpoint;
		this.checkpoint = { blocks, headSeq: log.seqs[head]! };
		this.tailBytes = 0;
		this.checkpointsWritten++;
	}

	/** The checkpoint no longer fits the log, or its blocks are wanted: its blocks are free again,
	    and a mount would replay the whole log. */
	private dropCheckpoint(): void {
		const log = this.log;
		if (this.checkpoint) for (const b of this.checkpoint.blocks) if (log.states[b] === BlockState.Checkpoint) log.states[b] = BlockState.Dirty;
		this.checkpoint = undefined;
		let bytes = 0;
		for (let i = 0; i < log.ringLength; i++) bytes += this.endOf(this.logAt(i)) - BLOCK_HEADER;
		this.tailBytes = bytes;
	}

	/** Calls visit with each fragment's data of the put whose first record is at `first`. */
	private walk(first: number, visit: (data: Uint8Array) => void): void {
		const cursor = this.cursor(first);
		for (let data = cursor.next(); data !== undefined; data = cursor.next()) visit(data);
	}

	/** The fragments of the put whose first record is at `first`, one per next(). They follow it
	    in log order, compaction copies of other values possibly between. */
	private cursor(first: number): { next(): Uint8Array | undefined } {
		let block = Math.floor(first / this.blockLength);
		let at = first - block * this.blockLength;
		let start: Record | undefined;
		let index = 0, last = false;
		return {
			next: (): Uint8Array | undefined => {
				if (!start) {
					start = this.recordAt(block, at);
					if (!start || start.type !== RecordType.Fragment || !(start.flags & FragmentFlags.First)) throw damaged(first);
					last = (start.flags & FragmentFlags.Last) !== 0;
					at += start.size;
					return start.data;
				}
				while (!last) {
					if (at + RECORD_HEADER + RECORD_TRAILER > this.endOf(block)) {
						block = this.following(block);
						if (block < 0) throw damaged(first);
						at = BLOCK_HEADER;
						continue;
					}
					const r = this.recordAt(block, at);
					if (!r) throw damaged(block * this.blockLength + at);
					at += r.size;
					if (r.type === RecordType.Fragment && r.txn === start.txn && r.index === index + 1 && sameBytes(r.key, start.key)) {
						index++;
						last = (r.flags & FragmentFlags.Last) !== 0;
						return r.data;
					}
				}
				return undefined;
			},
		};
	}

	/** `length` bytes from flash address `loc` on, fewer at the flash's end: one read that holds
	    what the caller wants of a record, and maybe more, which it ignores (the record's own
	    lengths and CRC say where it ends). Not clamped to the block's good records: that would cost
	    more than the bytes it saves (on XS every call and view counts). */
	private readAhead(loc: number, length: number): ArrayBuffer {
		return this.flash.read(loc, Math.min(length, this.flash.byteLength - loc));
	}

	/** The record at byte `at` of block b, if whole and its CRC good. One read of RECORD_AHEAD bytes
	    holds most records (a leaf's key and value) whole; a longer one is read again at its size,
	    never at the largest record's. */
	private recordAt(b: number, at: number): Record | undefined {
		const room = Math.min(MAX_RECORD, this.endOf(b) - at);
		if (room < RECORD_HEADER + RECORD_TRAILER) return undefined;
		const offset = b * this.blockLength + at;
		const ahead = new Uint8Array(this.flash.read(offset, Math.min(room, RECORD_AHEAD)));
		const length = Math.min(room, recordSizeOf(ahead));
		return decodeRecord(length <= ahead.length ? ahead : new Uint8Array(this.flash.read(offset, length)), 0);
	}

	/** The key of the record at `loc`: one read of RECORD_AHEAD bytes holds a tree key with its
	    header; a longer key is read again whole. */
	private keyAt(loc: number): Uint8Array {
		const ahead = this.readAhead(loc, RECORD_AHEAD);
		const length = recordKeyLength(new Uint8Array(ahead, 0, RECORD_HEADER));
		return RECORD_HEADER + length <= ahead.byteLength ? new Uint8Array(ahead, RECORD_HEADER, length) : new Uint8Array(this.flash.read(loc + RECORD_HEADER, length));
	}

	private keyIsAt(loc: number, key: Uint8Array): boolean {
		const bytes = new Uint8Array(this.flash.read(loc, RECORD_HEADER + key.length));
		return bytes.length === RECORD_HEADER + key.length && recordKeyLength(bytes) === key.length && sameAt(bytes, RECORD_HEADER, key);
	}

	private txnAt(loc: number): number {
		return new DataView(this.flash.read(loc + RECORD_TXN_AT, 4)).getUint32(0, true);
	}

	/** Each good record of block b, in order, stopping at the first bad one. */
	private records(b: number, visit: (r: Record, at: number) => void): void {
		forEachRecord(new Uint8Array(this.flash.read(b * this.blockLength, this.endOf(b))), visit);
	}
}

function damaged(at: number): DmError {
	return new DmError(500, `the device's storage is damaged at byte ${at}: the value cannot be read whole`);
}

/** Whether `key` is parent + "/" + a name, not empty, without "/" (its parent hash matched: this
    tells a real child from a collision). */
function isChildKey(key: Uint8Array, parent: Uint8Array): boolean {
	const n = parent.length;
	return key.length > n + 1 && key[n] === 0x2f && spanBytes(key, NOT_SLASH, n + 1) < 0 && sameAt(key, 0, parent);
}

function decodeKey(bytes: Uint8Array): string {
	return decodeUtf8(bytes) ?? "";   // the CRC passed, so the key is what we wrote: valid UTF-8
}
