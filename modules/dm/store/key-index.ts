// The store's RAM index: for each live key, where its value's first record is on flash and how
// long the value is. Keys stay on flash: an entry is three 32-bit words (12 bytes) whatever the
// key's length, where a Map of strings to fragment lists cost ~200 bytes a key on the 32-bit host,
// so a thousand-node tree needed more RAM than the ESP32 gives XS. Entries are kept sorted by a
// hash of the key; a lookup is a binary search, and a hash match is confirmed by reading the key
// back from flash (`sameKey`), so a collision costs a flash read, never a wrong answer.
//
// Keys are paths ("a/b/c"); each entry also keeps the hash of its parent path ("a/b"), so that
// listing a node's children scans a typed array and reads from flash only the likely matches,
// rather than every key (16 bytes a key in all).
import { sameBytes } from "../../bytes/index.js";

/** FNV-1a over the key's UTF-8 bytes, spread well enough for a sorted index: the TypeScript loop,
    which Node runs and which the XS tests hold the C core (native/keys.c) to. */
export function hashKeyReference(key: Uint8Array): number {
	let h = 0x811c9dc5;
	for (let i = 0, n = key.length; i < n; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
	return h >>> 0;
}

/** Whether `bytes` hold `key` from byte `at` on (they may go on after it): the reference of the C
    core's comparison. */
export function sameAtReference(bytes: Uint8Array, at: number, key: Uint8Array): boolean {
	return at >= 0 && at + key.length <= bytes.length && sameBytes(bytes.subarray(at, at + key.length), key);
}

// A lookup hashes its key and compares it with the one read back from flash; on XS every byte a
// JavaScript loop reads is a call into the engine, so there the C cores of native/keys.c do both
// (xsdm and the ESP32 build register them). `native("...")` is written out literally for the
// Moddable SDK's compiler, and typeof keeps Node on the loops (as crc32.ts does).
declare const native: ((name: string) => (...args: never[]) => unknown) | undefined;
const nativeHash = typeof native === "function" ? native("xs_store_hash_key") as (key: Uint8Array) => number : undefined;
const nativeSameAt = typeof native === "function" ? native("xs_store_same_at") as (bytes: Uint8Array, at: number, key: Uint8Array) => boolean : undefined;
const nativeLowerBound = typeof native === "function" ? native("xs_store_lower_bound") as (buffer: ArrayBufferLike, byteOffset: number, count: number, hash: number) => number : undefined;
const nativeIndexOf = typeof native === "function" ? native("xs_store_index_of") as (buffer: ArrayBufferLike, byteOffset: number, count: number, hash: number, from: number) => number : undefined;

/** FNV-1a over the key's UTF-8 bytes (the C core on XS, hashKeyReference elsewhere). */
export const hashKey: (key: Uint8Array) => number = nativeHash ? (key) => nativeHash(key) : hashKeyReference;

/** Whether `bytes` hold `key` from byte `at` on (the C core on XS, sameAtReference elsewhere). */
export const sameAt: (bytes: Uint8Array, at: number, key: Uint8Array) => boolean = nativeSameAt ? (bytes, at, key) => nativeSameAt(bytes, at, key) : sameAtReference;

/** The first of hashes[0..count) (sorted) that is not below `hash`, or count: the reference binary
    search the C core (xs_store_lower_bound) is held to. */
export function lowerBoundReference(hashes: Uint32Array, count: number, hash: number): number {
	let lo = 0, hi = count;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (hashes[mid]! < hash) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** lowerBoundReference's answer (the C core on XS, where each probe in JavaScript is an engine call). */
export const lowerBound: (hashes: Uint32Array, count: number, hash: number) => number = nativeLowerBound
	? (hashes, count, hash) => {
		// the C reads the buffer from the view's offset and can bound count only by the buffer's end
		if (count > hashes.length) throw new RangeError("count beyond the hashes");
		return nativeLowerBound(hashes.buffer, hashes.byteOffset, count, hash);
	}
	: lowerBoundReference;

/** The first of hashes[from..count) that is `hash`, or -1: the reference of the C core
    (xs_store_index_of). Not the typed array's indexOf: on XS it reads every element through the
    engine's generic property path, some 600 instructions each. */
export function indexOfReference(hashes: Uint32Array, count: number, hash: number, from: number): number {
	for (let i = from < 0 ? 0 : from; i < count; i++) if (hashes[i] === hash) return i;
	return -1;
}

/** indexOfReference's answer (the C core on XS). */
export const indexOfHash: (hashes: Uint32Array, count: number, hash: number, from: number) => number = nativeIndexOf
	? (hashes, count, hash, from) => {
		if (count > hashes.length) throw new RangeError("count beyond the hashes");
		return nativeIndexOf(hashes.buffer, hashes.byteOffset, count, hash, from);
	}
	: indexOfReference;

/** The hash of the key's parent path: the bytes before its last "/" (none: the empty path). */
export function parentHash(key: Uint8Array): number {
	let end = key.length;
	while (end > 0 && key[end - 1] !== 0x2f) end--;
	return hashKey(key.subarray(0, end > 0 ? end - 1 : 0));
}

export class KeyIndex {
	private hashes = new Uint32Array(16);
	private locs = new Uint32Array(16);
	private sizes = new Uint32Array(16);
	private parents = new Uint32Array(16);
	private count = 0;

	/** `sameKey(loc, key)`: whether the record at flash address loc is for this key. */
	constructor(private readonly sameKey: (loc: number, key: Uint8Array) => boolean) {}

	get length(): number { return this.count; }
	loc(slot: number): number { return this.locs[slot]!; }
	size(slot: number): number { return this.sizes[slot]!; }
	parent(slot: number): number { return this.parents[slot]!; }
	/** The first slot at or after `from` whose parent hash is `hash`, or -1: a listing's scan of
	    the parents, in C on XS (slots at and past count are stale). */
	nextWithParent(hash: number, from: number): number {
		return indexOfHash(this.parents, this.count, hash, from);
	}
	/** bytes the index holds now (its arrays, not the keys, which are on flash) */
	get byteLength(): number { return this.hashes.byteLength * 4; }

	/** The slot of the key, or -1. */
	find(hash: number, key: Uint8Array): number {
		for (let i = this.firstOf(hash); i >= 0; i = this.nextOf(hash, i)) {
			if (this.sameKey(this.locs[i]!, key)) return i;
		}
		return -1;
	}

	/** The first slot with this hash, or -1; nextOf gives the others. Only the key on flash tells
	    which of them, if any, is a given key's: for a caller that reads the record anyway. */
	firstOf(hash: number): number {
		const i = this.lowerBound(hash);
		return i < this.count && this.hashes[i] === hash ? i : -1;
	}

	/** The slot after `slot` with the same hash, or -1. */
	nextOf(hash: number, slot: number): number {
		const i = slot + 1;
		return i < this.count && this.hashes[i] === hash ? i : -1;
	}

	set(hash: number, key: Uint8Array, loc: number, size: number): void {
		const found = this.find(hash, key);
		if (found >= 0) {
			this.locs[found] = loc;
			this.sizes[found] = size;
			return;
		}
		if (this.count === this.hashes.length) this.grow();
		const at = this.lowerBound(hash);
		for (const a of [this.hashes, this.locs, this.sizes, this.parents]) a.copyWithin(at + 1, at, this.count);
		this.hashes[at] = hash;
		this.locs[at] = loc;
		this.sizes[at] = size;
		this.parents[at] = parentHash(key);
		this.count++;
	}

	remove(hash: number, key: Uint8Array): void {
		const at = this.find(hash, key);
		if (at < 0) return;
		for (const a of [this.hashes, this.locs, this.sizes, this.parents]) a.copyWithin(at, at + 1, this.count);
		this.count--;
	}

	/** The entries' four columns (hashes, locations, sizes, parent hashes) as bytes in the host's
	    order, views of the index's own arrays: what a checkpoint writes. */
	columns(): Uint8Array[] {
		return [this.hashes, this.locs, this.sizes, this.parents].map((a) => new Uint8Array(a.buffer, a.byteOffset, this.count * 4));
	}

	/** Replaces the entries with `count` whose columns `fill` writes (a checkpoint's, in columns()
	    order and sorted as this index keeps them). The arrays grow as set() would grow them. */
	load(count: number, fill: (columns: Uint8Array[]) => void): void {
		let capacity = 16;
		while (capacity < count) capacity *= 2;
		this.hashes = new Uint32Array(capacity);
		this.locs = new Uint32Array(capacity);
		this.sizes = new Uint32Array(capacity);
		this.parents = new Uint32Array(capacity);
		this.count = count;
		fill(this.columns());
	}

	/** Keeps only the entries whose record location passes `keep`, in order. */
	retain(keep: (loc: number) => boolean): void {
		let to = 0;
		for (let i = 0; i < this.count; i++) {
			if (!keep(this.locs[i]!)) continue;
			if (to !== i) {
				this.hashes[to] = this.hashes[i]!;
				this.locs[to] = this.locs[i]!;
				this.sizes[to] = this.sizes[i]!;
				this.parents[to] = this.parents[i]!;
			}
			to++;
		}
		this.count = to;
	}

	/** Forgets every entry (a checkpoint that failed its check half way through loading). */
	clear(): void {
		this.load(0, () => { /* nothing to fill */ });
	}

	private lowerBound(hash: number): number {
		return lowerBound(this.hashes, this.count, hash);
	}

	private grow(): void {
		const capacity = this.hashes.length * 2;
		const widen = (a: Uint32Array): Uint32Array<ArrayBuffer> => { const b = new Uint32Array(capacity); b.set(a); return b; };
		this.hashes = widen(this.hashes);
		this.locs = widen(this.locs);
		this.sizes = widen(this.sizes);
		this.parents = widen(this.parents);
	}
}
