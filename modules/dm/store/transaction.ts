// A transaction: the records of its puts and deletes go to the journal as they are made, and count
// only once its commit record is on flash; the index learns of them only then.
import { encodeUtf8 } from "../../bytes/index.js";
import { FragmentFlags, RecordType } from "./format.js";
import { type KeyIndex, hashKey } from "./key-index.js";
import type { RecordFields } from "./record.js";

export const FRAGMENT_MAX = 512;

/** What a transaction (or a transaction being replayed at mount) changes, until its commit. The key
    bytes are held only that long; once applied, the index keeps a hash and flash addresses. */
export type Op =
	| { put: true; key: Uint8Array; hash: number; loc: number; size: number; next: number; complete: boolean }
	| { put: false; key: Uint8Array; hash: number };

/** A committed transaction's ops reach the index, in order (the last write of a key wins). */
export function applyOps(index: KeyIndex, ops: readonly Op[]): void {
	for (const op of ops) {
		if (!op.put) index.remove(op.hash, op.key);
		else if (op.complete) index.set(op.hash, op.key, op.loc, op.size);
	}
}

/** What a transaction needs of the store: to append its records, and to say it has ended. */
export interface Journal {
	/** writes one record at the head; returns its flash address */
	append(r: RecordFields): number;
	/** the transaction committed: its ops reach the index */
	apply(ops: readonly Op[]): void;
	/** the transaction has ended, committed or not */
	ended(t: Transaction, committed: boolean): void;
}

export class Transaction {
	private readonly ops: Op[] = [];
	private done = false;
	private streaming = false;

	constructor(private readonly journal: Journal, readonly id: number, readonly startSeq: number) {}

	/** A value given whole: its last fragment carries the Last flag (one record fewer than a stream). */
	put(key: string, value: Uint8Array): void {
		const w = this.writer(key);
		if (value.length === 0) w.fragment(undefined, true);
		// a value of one fragment goes as it is (most do): no view made
		if (value.length <= FRAGMENT_MAX && value.length) w.fragment(value, true);
		else for (let at = 0; at < value.length; at += FRAGMENT_MAX) w.fragment(value.subarray(at, at + FRAGMENT_MAX), at + FRAGMENT_MAX >= value.length);
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
				const at = this.run(() => this.journal.append({ type: RecordType.Fragment, flags, key: bytes, index: op.next, txn: this.id, data }));
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
		this.run(() => this.journal.append({ type: RecordType.Delete, flags: 0, key: bytes, index: 0, txn: this.id, data: undefined }));
		this.ops.push({ put: false, key: bytes, hash: hashKey(bytes) });
	}

	/** Makes every change visible at once, on flash and in the index. */
	commit(): void {
		this.check();
		// A transaction that wrote nothing leaves nothing on flash, no commit record either: a change
		// that changed nothing (SessionInfo's bearer, as it was) must not wear the flash every session.
		if (this.ops.length) {
			this.run(() => this.journal.append(commitRecord(this.id)));
			this.journal.apply(this.ops);
		}
		this.finish(true);
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

	private finish(committed = false): void {
		this.done = true;
		this.journal.ended(this, committed);
	}

	private check(fromStream = false): void {
		if (this.done) throw new TypeError("the transaction has ended");
		if (this.streaming !== fromStream) throw new TypeError(fromStream ? "the stream has ended" : "a value is being streamed into this transaction: end() it first");
	}
}

const NO_KEY = new Uint8Array(0);

export function commitRecord(txn: number): RecordFields {
	return { type: RecordType.Commit, flags: 0, key: NO_KEY, index: 0, txn, data: undefined };
}
