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
import { DmError } from "../error.js";
import { decodeUtf8, encodeUtf8, sameBytes } from "../../bytes/index.js";
import { crc32 } from "./crc32.js";
import type { Flash } from "./flash.js";
import { KeyIndex, hashKey } from "./key-index.js";
import { BLOCK_HEADER, FORMAT_VERSION, FragmentFlags, MAGIC, NO_RECORD, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";

export const FRAGMENT_MAX = 512;
const MAX_KEY = 255;
const MAX_RECORD = RECORD_HEADER + MAX_KEY + FRAGMENT_MAX + RECORD_TRAILER;

export class StoreFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StoreFormatError";
	}
}

/** What a transaction (or a transaction being replayed at mount) changes, until its commit. The key
    bytes are held only that long; once applied, the index keeps a hash and flash addresses. */
export type Op =
	| { put: true; key: Uint8Array; hash: number; loc: number; size: number; next: number; complete: boolean }
	| { put: false; key: Uint8Array; hash: number };

/** A record as read back from flash, its CRC checked. */
interface Record { type: number; flags: number; txn: number; index: number; key: Uint8Array; data: Uint8Array; size: number }

const enum BlockState { Erased = 0, Dirty = 1, Log = 2 }

export interface StoreOptions {
	/** the largest value a transaction may put (default 64 KiB): sets the blocks kept for compaction */
	maxValueLength?: number;
}

export class Store {
	private readonly flash: Flash;
	private readonly blockLength: number;
	private readonly blockCount: number;
	private readonly reserve: number;
	private readonly index: KeyIndex;
	// Per block, in typed arrays so the RAM they take is fixed and small: the log's blocks oldest
	// first in a ring, each block's sequence, erase count, state, and how far its good records go.
	private readonly ring: Uint16Array;
	private ringStart = 0;
	private ringLength = 0;
	private readonly seqs: Uint32Array;
	private readonly eraseCounts: Uint32Array;
	private readonly states: Uint8Array;
	private readonly ends: Uint32Array;
	private freeCount = 0;
	private headOffset = 0;                        // next byte to write in the head block
	private nextSeq = 1;
	private nextTxn = 1;
	private compacting = false;
	private open: Transaction | undefined;
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
		this.ring = new Uint16Array(this.blockCount);
		this.seqs = new Uint32Array(this.blockCount);
		this.eraseCounts = new Uint32Array(this.blockCount);
		this.states = new Uint8Array(this.blockCount);
		this.ends = new Uint32Array(this.blockCount);
		this.index = new KeyIndex((loc, key) => this.keyIsAt(loc, key));
	}

	/** Reads the journal back into an index. Throws StoreFormatError for a journal of a later format. */
	static mount(flash: Flash, options: StoreOptions = {}): Store {
		const store = new Store(flash, options);
		store.scan();
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
			if (key.length < want.length || want.some((b, j) => key[j] !== b)) continue;
			out.push(decodeKey(key));
		}
		return out;
	}

	/** The keys directly below `parent` in the path sense: parent + "/" + a name, not empty, without "/".
	    Costs a scan of a typed array and a flash read per child (and per rare hash collision). */
	children(parent: string): string[] {
		const p = encodeUtf8(parent);
		const want = hashKey(p);
		const out: string[] = [];
		for (let i = 0; i < this.index.length; i++) {
			if (this.index.parent(i) !== want) continue;
			const key = this.keyAt(this.index.loc(i));
			if (key.length <= p.length + 1 || key[p.length] !== 0x2f || key.indexOf(0x2f, p.length + 1) >= 0 || p.some((b, j) => key[j] !== b)) continue;
			out.push(decodeKey(key));
		}
		return out;
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

	/** The whole value: for small values only. */
	get(key: string): Uint8Array | undefined {
		const size = this.size(key);
		if (size === undefined) return undefined;
		const out = new Uint8Array(size);
		let at = 0;
		this.read(key, (c) => {
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
		this.open = new Transaction(this, this.nextTxn++, this.ringLength ? this.seqs[this.head()]! : this.nextSeq);
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
	ended(t: Transaction): void { if (this.open === t) this.open = undefined; }

	/** @internal: writes one record, starting a new block when the head is full; returns where it starts. */
	append(type: RecordType, flags: number, key: Uint8Array, index: number, txn: number, data: Uint8Array | undefined): number {
		if (key.length > MAX_KEY) throw new RangeError(`store key longer than ${MAX_KEY} bytes`);
		const dataLength = data ? data.length : 0;
		const size = RECORD_HEADER + key.length + dataLength + RECORD_TRAILER;
		if (!this.ringLength || this.headOffset + size > this.blockLength) this.startBlock(type !== RecordType.Fragment);
		const record = new Uint8Array(size);
		const v = new DataView(record.buffer);
		v.setUint8(0, type);
		v.setUint8(1, flags);
		v.setUint16(2, key.length, true);
		v.setUint16(4, dataLength, true);
		v.setUint16(6, index, true);
		v.setUint32(8, txn, true);
		record.set(key, RECORD_HEADER);
		if (data) record.set(data, RECORD_HEADER + key.length);
		v.setUint32(size - RECORD_TRAILER, crc32(record.subarray(0, size - RECORD_TRAILER)), true);
		const at = this.head() * this.blockLength + this.headOffset;
		this.flash.write(at, record);
		this.programmed += size;
		this.headOffset += size;
		return at;
	}

	/** @internal: a committed transaction's ops reach the index. */
	apply(ops: readonly Op[]): void {
		for (const op of ops) {
			if (!op.put) this.index.remove(op.hash, op.key);
			else if (op.complete) this.index.set(op.hash, op.key, op.loc, op.size);
		}
	}

	private logAt(i: number): number { return this.ring[(this.ringStart + i) % this.blockCount]!; }
	private head(): number { return this.logAt(this.ringLength - 1); }

	/** where block b's good records end: the write position for the head */
	private endOf(b: number): number { return this.ringLength && b === this.head() ? this.headOffset : this.ends[b]!; }

	/** the block after b in log order, or -1 when b is the head */
	private following(b: number): number {
		for (let i = 0; i < this.ringLength - 1; i++) if (this.logAt(i) === b) return this.logAt(i + 1);
		return -1;
	}

	private startBlock(small: boolean): void {
		// Values leave `reserve` blocks free so that compaction can always move the largest value;
		// compaction may use them, and so may deletes and commits (a full store must still let a
		// server delete, or it could never be emptied).
		if (!this.compacting) {
			for (let guard = this.ringLength; this.freeCount <= this.reserve && guard > 0 && this.ringLength > 1; guard--) {
				if (!this.compactOldest()) break;
			}
			if (this.freeCount <= (small ? 1 : this.reserve)) throw new DmError(506, "the device's storage is full");
		}
		if (!this.freeCount) throw new DmError(506, "the device's storage is full");
		let chosen = -1;
		for (let b = 0; b < this.blockCount; b++) {
			if (this.states[b] !== BlockState.Log && (chosen < 0 || this.eraseCounts[b]! < this.eraseCounts[chosen]!)) chosen = b;
		}
		if (this.states[chosen] === BlockState.Dirty) {
			this.flash.eraseBlock(chosen);
			this.eraseCounts[chosen]!++;
		}
		const header = new Uint8Array(BLOCK_HEADER);
		const v = new DataView(header.buffer);
		header.set(MAGIC, 0);
		header[3] = FORMAT_VERSION;
		v.setUint32(4, this.nextSeq, true);
		v.setUint32(8, this.eraseCounts[chosen]!, true);
		v.setUint32(12, crc32(header.subarray(0, 12)), true);
		this.flash.write(chosen * this.blockLength, header);
		this.programmed += BLOCK_HEADER;
		if (this.ringLength) this.ends[this.head()] = this.headOffset;
		this.ring[(this.ringStart + this.ringLength++) % this.blockCount] = chosen;
		this.states[chosen] = BlockState.Log;
		this.seqs[chosen] = this.nextSeq++;
		this.freeCount--;
		this.headOffset = BLOCK_HEADER;
	}

	/** Rewrites the oldest block's live values at the head, commits, then erases the block.
	    false when the oldest block holds the open transaction's own records and cannot go. */
	private compactOldest(): boolean {
		const victim = this.logAt(0);
		if (this.open && this.seqs[victim]! >= this.open.startSeq) return false;
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
				const txn = this.nextTxn++;
				const moved: Op[] = [];
				for (const first of moving) moved.push(this.copyValue(first, txn));
				this.append(RecordType.Commit, 0, EMPTY, 0, txn, undefined);
				this.apply(moved);
			}
		} finally {
			this.compacting = false;
		}
		this.ringStart = (this.ringStart + 1) % this.blockCount;
		this.ringLength--;
		this.flash.eraseBlock(victim);
		this.eraseCounts[victim]!++;
		this.states[victim] = BlockState.Erased;
		this.freeCount++;
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
			const at = this.append(RecordType.Fragment, flags, key, op.next++, txn, data);
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

	/** The record at byte `at` of block b, if whole and its CRC good. */
	private recordAt(b: number, at: number): Record | undefined {
		const length = Math.min(MAX_RECORD, this.endOf(b) - at);
		if (length < RECORD_HEADER + RECORD_TRAILER) return undefined;
		return parseRecord(new Uint8Array(this.flash.read(b * this.blockLength + at, length)), 0);
	}

	private keyAt(loc: number): Uint8Array {
		const head = new Uint8Array(this.flash.read(loc, RECORD_HEADER));
		const length = head[2]! | (head[3]! << 8);
		return new Uint8Array(this.flash.read(loc + RECORD_HEADER, length));
	}

	private keyIsAt(loc: number, key: Uint8Array): boolean {
		const bytes = new Uint8Array(this.flash.read(loc, RECORD_HEADER + key.length));
		return (bytes[2]! | (bytes[3]! << 8)) === key.length && sameBytes(bytes.subarray(RECORD_HEADER), key);
	}

	private txnAt(loc: number): number {
		return new DataView(this.flash.read(loc + 8, 4)).getUint32(0, true);
	}

	/** Each good record of block b, in order, stopping at the first bad one; returns where they end. */
	private records(b: number, visit: (r: Record, at: number) => void, end = this.endOf(b)): number {
		const bytes = new Uint8Array(this.flash.read(b * this.blockLength, end));
		let at = BLOCK_HEADER;
		while (at + RECORD_HEADER + RECORD_TRAILER <= end && bytes[at] !== NO_RECORD) {
			const r = parseRecord(bytes, at);
			if (!r) break;
			visit(r, at);
			at += r.size;
		}
		return at;
	}

	// ---- mount ----

	private scan(): void {
		const order: number[] = [];
		let maxErase = 0;
		for (let b = 0; b < this.blockCount; b++) {
			const h = new Uint8Array(this.flash.read(b * this.blockLength, BLOCK_HEADER));
			const v = new DataView(h.buffer);
			const magic = h[0] === MAGIC[0] && h[1] === MAGIC[1] && h[2] === MAGIC[2];
			this.states[b] = BlockState.Dirty;
			if (!magic || v.getUint32(12, true) !== crc32(h.subarray(0, 12))) continue;
			if (h[3] !== FORMAT_VERSION) {
				if (h[3]! > FORMAT_VERSION) throw new StoreFormatError(`block ${b} is in journal format ${h[3]}, newer than this client's ${FORMAT_VERSION}: update the firmware`);
				this.problems.push(`block ${b}: unknown journal format ${h[3]}, ignored`);
				continue;
			}
			this.seqs[b] = v.getUint32(4, true);
			this.eraseCounts[b] = v.getUint32(8, true);
			this.states[b] = BlockState.Log;
			maxErase = Math.max(maxErase, this.eraseCounts[b]!);
			order.push(b);
		}
		order.sort((a, b) => this.seqs[a]! - this.seqs[b]!);
		// a block whose header is unreadable has an unknown erase count: assume the worst
		for (let b = 0; b < this.blockCount; b++) {
			if (this.states[b] === BlockState.Dirty) { this.eraseCounts[b] = maxErase; this.freeCount++; }
		}
		const pending = new Map<number, Op[]>();
		let maxTxn = 0;
		for (const b of order) {
			const end = this.replayBlock(b, pending, (t) => { if (t > maxTxn) maxTxn = t; });
			this.ends[b] = end;
			this.ring[this.ringLength++] = b;
		}
		if (order.length) {
			const head = order[order.length - 1]!;
			this.nextSeq = this.seqs[head]! + 1;
			this.headOffset = this.ends[head]!;
			// A torn tail leaves programmed bytes past the last good record: never write over them.
			const rest = new Uint8Array(this.flash.read(head * this.blockLength + this.headOffset, this.blockLength - this.headOffset));
			if (rest.some((b) => b !== 0xff)) this.headOffset = this.blockLength;
		}
		this.nextTxn = maxTxn + 1;
	}

	private replayBlock(b: number, pending: Map<number, Op[]>, sawTxn: (t: number) => void): number {
		const base = b * this.blockLength;
		const end = this.records(b, (r, at) => {
			sawTxn(r.txn);
			let ops = pending.get(r.txn);
			if (!ops) { ops = []; pending.set(r.txn, ops); }
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
			else if (r.type === RecordType.Commit) { this.apply(ops); pending.delete(r.txn); }
			else this.problems.push(`block ${b}: unknown record type ${r.type} at byte ${at}`);
		}, this.blockLength);
		if (end + RECORD_HEADER + RECORD_TRAILER <= this.blockLength && new Uint8Array(this.flash.read(base + end, 1))[0] !== NO_RECORD) {
			this.problems.push(`block ${b} (sequence ${this.seqs[b]}): a damaged record at byte ${end}; the rest of the block is ignored`);
		}
		return end;
	}
}

const EMPTY = new Uint8Array(0);

/** The record at `at` in bytes, or undefined when it runs past them or its CRC is wrong. */
function parseRecord(bytes: Uint8Array, at: number): Record | undefined {
	if (at + RECORD_HEADER + RECORD_TRAILER > bytes.length) return undefined;
	const v = new DataView(bytes.buffer, bytes.byteOffset + at);
	const keyLength = v.getUint16(2, true), dataLength = v.getUint16(4, true);
	const size = RECORD_HEADER + keyLength + dataLength + RECORD_TRAILER;
	if (at + size > bytes.length || v.getUint32(size - RECORD_TRAILER, true) !== crc32(bytes.subarray(at, at + size - RECORD_TRAILER))) return undefined;
	const keyAt = at + RECORD_HEADER;
	return {
		type: bytes[at]!, flags: bytes[at + 1]!, index: v.getUint16(6, true), txn: v.getUint32(8, true), size,
		key: bytes.subarray(keyAt, keyAt + keyLength), data: bytes.subarray(keyAt + keyLength, keyAt + keyLength + dataLength),
	};
}

function damaged(at: number): DmError {
	return new DmError(500, `the device's storage is damaged at byte ${at}: the value cannot be read whole`);
}

function decodeKey(bytes: Uint8Array): string {
	return decodeUtf8(bytes) ?? "";   // the CRC passed, so the key is what we wrote: valid UTF-8
}

export class Transaction {
	private readonly ops: Op[] = [];
	private done = false;
	private streaming = false;

	constructor(private readonly store: Store, readonly id: number, readonly startSeq: number) {}

	/** A value given whole: its last fragment carries the Last flag (one record fewer than a stream). */
	put(key: string, value: Uint8Array): void {
		const w = this.writer(key);
		if (value.length === 0) w.fragment(undefined, true);
		for (let at = 0; at < value.length; at += FRAGMENT_MAX) w.fragment(value.subarray(at, at + FRAGMENT_MAX), at + FRAGMENT_MAX >= value.length);
		w.done();
	}

	/** A value given in chunks of any size, written as they come; end() adds an empty Last fragment.
	    Nothing else can be written in the transaction until end(): a value's fragments follow each
	    other in the log, which is how the store finds them without keeping a list in RAM. */
	putStream(key: string): { write(chunk: Uint8Array): void; end(): void } {
		const w = this.writer(key);
		this.streaming = true;
		return {
			write: (chunk) => {
				this.check(true);
				for (let at = 0; at < chunk.length; at += FRAGMENT_MAX) w.fragment(chunk.subarray(at, at + FRAGMENT_MAX), false);
			},
			end: () => {
				this.check(true);
				w.fragment(undefined, true);
				this.streaming = false;
				w.done();
			},
		};
	}

	private writer(key: string): { fragment(data: Uint8Array | undefined, last: boolean): void; done(): void } {
		this.check();
		const bytes = encodeUtf8(key);
		const op: Op = { put: true, key: bytes, hash: hashKey(bytes), loc: -1, size: 0, next: 0, complete: false };
		return {
			fragment: (data, last) => {
				const flags = (op.next === 0 ? FragmentFlags.First : 0) | (last ? FragmentFlags.Last : 0);
				const at = this.run(() => this.store.append(RecordType.Fragment, flags, bytes, op.next, this.id, data));
				if (op.loc < 0) op.loc = at;
				op.size += data ? data.length : 0;
				op.next++;
			},
			done: () => {
				op.complete = true;
				this.ops.push(op);
			},
		};
	}

	delete(key: string): void {
		this.check();
		const bytes = encodeUtf8(key);
		this.run(() => this.store.append(RecordType.Delete, 0, bytes, 0, this.id, undefined));
		this.ops.push({ put: false, key: bytes, hash: hashKey(bytes) });
	}

	/** Makes every change visible at once, on flash and in the index. */
	commit(): void {
		this.check();
		this.run(() => this.store.append(RecordType.Commit, 0, new Uint8Array(0), 0, this.id, undefined));
		this.store.apply(this.ops);
		this.finish();
	}

	/** Drops the changes: their records stay uncommitted and are reclaimed by compaction. */
	abort(): void {
		if (!this.done) this.finish();
	}

	private run<T>(write: () => T): T {
		try {
			return write();
		} catch (e) {
			this.finish();   // a failed write (506) ends the transaction: nothing of it counts
			throw e;
		}
	}

	private finish(): void {
		this.done = true;
		this.store.ended(this);
	}

	private check(fromStream = false): void {
		if (this.done) throw new TypeError("the transaction has ended");
		if (this.streaming !== fromStream) throw new TypeError(fromStream ? "the stream has ended" : "a value is being streamed into this transaction: end() it first");
	}
}
