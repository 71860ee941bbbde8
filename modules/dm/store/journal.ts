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
import { decodeUtf8, encodeUtf8 } from "../codec/utf8.js";
import { crc32 } from "./crc32.js";
import type { Flash } from "./flash.js";
import { BLOCK_HEADER, FORMAT_VERSION, FragmentFlags, MAGIC, NO_RECORD, RECORD_HEADER, RECORD_TRAILER, RecordType } from "./format.js";

export const FRAGMENT_MAX = 512;
const MAX_KEY = 255;

export class StoreFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "StoreFormatError";
	}
}

/** Where a piece of a value is on flash. An empty value keeps one empty fragment, the location of
    its record, so that compaction sees it too. */
interface Fragment { at: number; length: number }
interface Block { index: number; seq: number; eraseCount: number }
type Op = { kind: "put"; key: string; fragments: Fragment[]; complete: boolean } | { kind: "delete"; key: string };

export interface StoreOptions {
	/** the largest value a transaction may put (default 64 KiB): sets the blocks kept for compaction */
	maxValueLength?: number;
}

export class Store {
	private readonly flash: Flash;
	private readonly blockLength: number;
	private readonly blockCount: number;
	private readonly reserve: number;
	private readonly index = new Map<string, Fragment[]>();
	private log: Block[] = [];                     // oldest first
	private free: { index: number; eraseCount: number; erased: boolean }[] = [];
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
		const payload = this.blockLength - BLOCK_HEADER;
		const perFragment = FRAGMENT_MAX + RECORD_HEADER + RECORD_TRAILER + MAX_KEY;
		const fragmentsPerBlock = Math.max(1, Math.floor(payload / perFragment));
		this.reserve = Math.ceil((options.maxValueLength ?? 65536) / FRAGMENT_MAX / fragmentsPerBlock) + 2;
		if (this.blockCount < this.reserve + 2) throw new RangeError(`the store needs at least ${this.reserve + 2} blocks for values of this size`);
	}

	/** Reads the journal back into an index. Throws StoreFormatError for a journal of a later format. */
	static mount(flash: Flash, options: StoreOptions = {}): Store {
		const store = new Store(flash, options);
		store.scan();
		return store;
	}

	// ---- reading ----

	has(key: string): boolean { return this.index.has(key); }

	size(key: string): number | undefined {
		const f = this.index.get(key);
		return f ? f.reduce((n, x) => n + x.length, 0) : undefined;
	}

	/** Keys in no particular order, optionally only those starting with prefix. */
	keys(prefix = ""): string[] {
		const out: string[] = [];
		for (const k of this.index.keys()) if (k.startsWith(prefix)) out.push(k);
		return out;
	}

	/** Hands the value to onChunk fragment by fragment (each at most FRAGMENT_MAX bytes). */
	read(key: string, onChunk: (chunk: Uint8Array) => void): boolean {
		const fragments = this.index.get(key);
		if (!fragments) return false;
		for (const f of fragments) if (f.length) onChunk(new Uint8Array(this.flash.read(f.at, f.length)));
		return true;
	}

	/** The whole value: for small values only. */
	get(key: string): Uint8Array | undefined {
		const size = this.size(key);
		if (size === undefined) return undefined;
		const out = new Uint8Array(size);
		let at = 0;
		this.read(key, (c) => { out.set(c, at); at += c.length; });
		return out;
	}

	// ---- writing ----

	begin(): Transaction {
		if (this.open) throw new TypeError("a transaction is already open");
		this.open = new Transaction(this, this.nextTxn++, this.log.length ? this.log[this.log.length - 1]!.seq : this.nextSeq);
		return this.open;
	}

	/** @internal */
	ended(t: Transaction): void { if (this.open === t) this.open = undefined; }

	/** @internal: writes one record, starting a new block when the head is full. */
	append(type: RecordType, flags: number, key: string, index: number, txn: number, data: Uint8Array | undefined): number {
		const keyBytes = encodeUtf8(key);
		if (keyBytes.length > MAX_KEY) throw new RangeError(`store key longer than ${MAX_KEY} bytes`);
		const dataLength = data ? data.length : 0;
		const size = RECORD_HEADER + keyBytes.length + dataLength + RECORD_TRAILER;
		if (!this.log.length || this.headOffset + size > this.blockLength) this.startBlock(type !== RecordType.Fragment);
		const record = new Uint8Array(size);
		const v = new DataView(record.buffer);
		v.setUint8(0, type);
		v.setUint8(1, flags);
		v.setUint16(2, keyBytes.length, true);
		v.setUint16(4, dataLength, true);
		v.setUint16(6, index, true);
		v.setUint32(8, txn, true);
		record.set(keyBytes, RECORD_HEADER);
		if (data) record.set(data, RECORD_HEADER + keyBytes.length);
		v.setUint32(size - RECORD_TRAILER, crc32(record.subarray(0, size - RECORD_TRAILER)), true);
		const at = this.log[this.log.length - 1]!.index * this.blockLength + this.headOffset;
		this.flash.write(at, record);
		this.programmed += size;
		this.headOffset += size;
		return at + RECORD_HEADER + keyBytes.length;   // where the data landed
	}

	/** @internal: a committed transaction's ops reach the index. */
	apply(ops: readonly Op[]): void {
		for (const op of ops) {
			if (op.kind === "delete") this.index.delete(op.key);
			else if (op.complete) this.index.set(op.key, op.fragments);
		}
	}

	private startBlock(small: boolean): void {
		// Values leave `reserve` blocks free so that compaction can always move the largest value;
		// compaction may use them, and so may deletes and commits (a full store must still let a
		// server delete, or it could never be emptied).
		if (!this.compacting) {
			for (let guard = this.log.length; this.free.length <= this.reserve && guard > 0 && this.log.length > 1; guard--) {
				if (!this.compactOldest()) break;
			}
			if (this.free.length <= (small ? 1 : this.reserve)) throw new DmError(506, "the device's storage is full");
		}
		if (!this.free.length) throw new DmError(506, "the device's storage is full");
		let pick = 0;
		for (let i = 1; i < this.free.length; i++) if (this.free[i]!.eraseCount < this.free[pick]!.eraseCount) pick = i;
		const chosen = this.free.splice(pick, 1)[0]!;
		const eraseCount = chosen.eraseCount + (chosen.erased ? 0 : 1);
		if (!chosen.erased) this.flash.eraseBlock(chosen.index);
		const header = new Uint8Array(BLOCK_HEADER);
		const v = new DataView(header.buffer);
		header.set(MAGIC, 0);
		header[3] = FORMAT_VERSION;
		v.setUint32(4, this.nextSeq, true);
		v.setUint32(8, eraseCount, true);
		v.setUint32(12, crc32(header.subarray(0, 12)), true);
		this.flash.write(chosen.index * this.blockLength, header);
		this.programmed += BLOCK_HEADER;
		this.log.push({ index: chosen.index, seq: this.nextSeq++, eraseCount });
		this.headOffset = BLOCK_HEADER;
	}

	/** Rewrites the oldest block's live values at the head, commits, then erases the block. */
	/** false when the oldest block holds the open transaction's own records and cannot go */
	private compactOldest(): boolean {
		const victim = this.log[0]!;
		if (this.open && victim.seq >= this.open.startSeq) return false;
		const start = victim.index * this.blockLength, end = start + this.blockLength;
		const moving: string[] = [];
		for (const [key, fragments] of this.index) if (fragments.some((f) => f.at >= start && f.at < end)) moving.push(key);
		this.compacting = true;
		try {
			if (moving.length) {
				const txn = this.nextTxn++;
				const moved: Op[] = [];
				for (const key of moving) {
					const fragments: Fragment[] = [];
					const pieces = this.index.get(key)!.filter((f) => f.length);
					if (pieces.length === 0) pieces.push({ at: 0, length: 0 });
					pieces.forEach((f, n) => {
						const data = f.length ? new Uint8Array(this.flash.read(f.at, f.length)) : undefined;
						const flags = (n === 0 ? FragmentFlags.First : 0) | (n === pieces.length - 1 ? FragmentFlags.Last : 0);
						fragments.push({ at: this.append(RecordType.Fragment, flags, key, n, txn, data), length: f.length });
					});
					moved.push({ kind: "put", key, fragments, complete: true });
				}
				this.append(RecordType.Commit, 0, "", 0, txn, undefined);
				this.apply(moved);
			}
		} finally {
			this.compacting = false;
		}
		this.log.shift();
		this.flash.eraseBlock(victim.index);
		this.free.push({ index: victim.index, eraseCount: victim.eraseCount + 1, erased: true });
		return true;
	}

	// ---- mount ----

	private scan(): void {
		const blocks: Block[] = [];
		const unknown: number[] = [];
		let maxErase = 0;
		for (let b = 0; b < this.blockCount; b++) {
			const h = new Uint8Array(this.flash.read(b * this.blockLength, BLOCK_HEADER));
			const v = new DataView(h.buffer);
			const magic = h[0] === MAGIC[0] && h[1] === MAGIC[1] && h[2] === MAGIC[2];
			if (!magic || v.getUint32(12, true) !== crc32(h.subarray(0, 12))) { unknown.push(b); continue; }
			if (h[3] !== FORMAT_VERSION) {
				if (h[3]! > FORMAT_VERSION) throw new StoreFormatError(`block ${b} is in journal format ${h[3]}, newer than this client's ${FORMAT_VERSION}: update the firmware`);
				this.problems.push(`block ${b}: unknown journal format ${h[3]}, ignored`);
				unknown.push(b);
				continue;
			}
			const block = { index: b, seq: v.getUint32(4, true), eraseCount: v.getUint32(8, true) };
			maxErase = Math.max(maxErase, block.eraseCount);
			blocks.push(block);
		}
		blocks.sort((a, b) => a.seq - b.seq);
		for (const b of unknown) this.free.push({ index: b, eraseCount: maxErase, erased: false });
		const pending = new Map<number, Op[]>();
		let maxTxn = 0;
		for (let i = 0; i < blocks.length; i++) {
			const block = blocks[i]!;
			const end = this.replayBlock(block, pending, (t) => { if (t > maxTxn) maxTxn = t; });
			this.log.push(block);
			if (i === blocks.length - 1) this.headOffset = end;
		}
		if (blocks.length) this.nextSeq = blocks[blocks.length - 1]!.seq + 1;
		this.nextTxn = maxTxn + 1;
		// A torn tail leaves programmed bytes past the last good record: never write over them.
		if (this.log.length) {
			const head = this.log[this.log.length - 1]!;
			const rest = new Uint8Array(this.flash.read(head.index * this.blockLength + this.headOffset, this.blockLength - this.headOffset));
			if (rest.some((b) => b !== 0xff)) this.headOffset = this.blockLength;
		}
	}

	private replayBlock(block: Block, pending: Map<number, Op[]>, sawTxn: (t: number) => void): number {
		const base = block.index * this.blockLength;
		const bytes = new Uint8Array(this.flash.read(base, this.blockLength));
		const v = new DataView(bytes.buffer);
		let at = BLOCK_HEADER;
		while (at + RECORD_HEADER + RECORD_TRAILER <= this.blockLength) {
			const type = bytes[at]!;
			if (type === NO_RECORD) break;
			const keyLength = v.getUint16(at + 2, true), dataLength = v.getUint16(at + 4, true);
			const size = RECORD_HEADER + keyLength + dataLength + RECORD_TRAILER;
			if (at + size > this.blockLength || v.getUint32(at + size - RECORD_TRAILER, true) !== crc32(bytes.subarray(at, at + size - RECORD_TRAILER))) {
				this.problems.push(`block ${block.index} (sequence ${block.seq}): a damaged record at byte ${at}; the rest of the block is ignored`);
				break;
			}
			const flags = bytes[at + 1]!, index = v.getUint16(at + 6, true), txn = v.getUint32(at + 8, true);
			sawTxn(txn);
			const key = decodeKey(bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + keyLength));
			let ops = pending.get(txn);
			if (!ops) { ops = []; pending.set(txn, ops); }
			if (type === RecordType.Fragment) {
				if (flags & FragmentFlags.First) ops.push({ kind: "put", key, fragments: [], complete: false });
				const put = ops[ops.length - 1];
				// a fragment must continue its put; one whose start was compacted away is ignored
				if (put && put.kind === "put" && put.key === key && put.fragments.length === index && !put.complete) {
					put.fragments.push({ at: base + at + RECORD_HEADER + keyLength, length: dataLength });
					if (flags & FragmentFlags.Last) put.complete = true;
				}
			}
			else if (type === RecordType.Delete) ops.push({ kind: "delete", key });
			else if (type === RecordType.Commit) { this.apply(ops); pending.delete(txn); }
			else this.problems.push(`block ${block.index}: unknown record type ${type} at byte ${at}`);
			at += size;
		}
		return at;
	}
}

function decodeKey(bytes: Uint8Array): string {
	return decodeUtf8(bytes) ?? "";   // the CRC passed, so the key is what we wrote: valid UTF-8
}

export class Transaction {
	private readonly ops: Op[] = [];
	private done = false;

	constructor(private readonly store: Store, readonly id: number, readonly startSeq: number) {}

	/** A value given whole: its last fragment carries the Last flag (one record fewer than a stream). */
	put(key: string, value: Uint8Array): void {
		const w = this.writer(key);
		if (value.length === 0) w.fragment(undefined, true);
		for (let at = 0; at < value.length; at += FRAGMENT_MAX) w.fragment(value.subarray(at, at + FRAGMENT_MAX), at + FRAGMENT_MAX >= value.length);
		w.done();
	}

	/** A value given in chunks of any size, written as they come; end() adds an empty Last fragment. */
	putStream(key: string): { write(chunk: Uint8Array): void; end(): void } {
		const w = this.writer(key);
		return {
			write: (chunk) => {
				this.check();
				for (let at = 0; at < chunk.length; at += FRAGMENT_MAX) w.fragment(chunk.subarray(at, at + FRAGMENT_MAX), false);
			},
			end: () => {
				this.check();
				w.fragment(undefined, true);
				w.done();
			},
		};
	}

	private writer(key: string): { fragment(data: Uint8Array | undefined, last: boolean): void; done(): void } {
		this.check();
		const op: Op = { kind: "put", key, fragments: [], complete: false };
		let n = 0;
		return {
			fragment: (data, last) => {
				const at = this.run(() => this.store.append(RecordType.Fragment, (n === 0 ? FragmentFlags.First : 0) | (last ? FragmentFlags.Last : 0), key, n, this.id, data));
				op.fragments.push({ at, length: data ? data.length : 0 });   // an empty last one still marks where the value ends
				n++;
			},
			done: () => {
				op.complete = true;
				this.ops.push(op);
			},
		};
	}

	delete(key: string): void {
		this.check();
		this.run(() => this.store.append(RecordType.Delete, 0, key, 0, this.id, undefined));
		this.ops.push({ kind: "delete", key });
	}

	/** Makes every change visible at once, on flash and in the index. */
	commit(): void {
		this.check();
		this.run(() => this.store.append(RecordType.Commit, 0, "", 0, this.id, undefined));
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

	private check(): void {
		if (this.done) throw new TypeError("the transaction has ended");
	}
}
