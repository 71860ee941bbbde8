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

/** FNV-1a over the key's UTF-8 bytes: cheap on XS, and spread well enough for a sorted index. */
export function hashKey(key: Uint8Array): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
	return h >>> 0;
}

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
	/** bytes the index holds now (its arrays, not the keys, which are on flash) */
	get byteLength(): number { return this.hashes.byteLength * 4; }

	/** The slot of the key, or -1. */
	find(hash: number, key: Uint8Array): number {
		for (let i = this.lowerBound(hash); i < this.count && this.hashes[i] === hash; i++) {
			if (this.sameKey(this.locs[i]!, key)) return i;
		}
		return -1;
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
		let lo = 0, hi = this.count;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.hashes[mid]! < hash) lo = mid + 1;
			else hi = mid;
		}
		return lo;
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
