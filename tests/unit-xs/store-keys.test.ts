// The store's native key hash and comparison (modules/dm/store/native/keys.c) against their
// TypeScript references: the index on flash (checkpoints) holds these hashes, so the C must give
// exactly the loop's numbers.
import { random } from "embedded:sim/host";
import { encodeUtf8 } from "../../modules/bytes/index.js";
import { hashKey, hashKeyReference, indexOfHash, indexOfReference, lowerBound, lowerBoundReference, sameAt, sameAtReference } from "../../modules/dm/store/index.js";
import { assert, describe, it } from "../harness/index.js";

describe("store: native key hash and comparison", () => {
	it("are the C cores on XS, not the TypeScript loops", () => {
		assert.ok(hashKey !== hashKeyReference, "xsdm registers xs_store_hash_key");
		assert.ok(sameAt !== sameAtReference, "xsdm registers xs_store_same_at");
		assert.ok(lowerBound !== lowerBoundReference, "xsdm registers xs_store_lower_bound");
		assert.ok(indexOfHash !== indexOfReference, "xsdm registers xs_store_index_of");
	});

	it("hash as FNV-1a does: the empty key, a tree key, a subarray view", () => {
		assert.equal(hashKey(new Uint8Array(0)), 0x811c9dc5);
		assert.equal(hashKey(encodeUtf8("a")), 0xe40c292c);
		const key = encodeUtf8("xxtdi/devinfo/DevID");
		assert.equal(hashKey(key.subarray(2)), hashKeyReference(encodeUtf8("tdi/devinfo/DevID")));
	});

	it("hash as the reference on 300 random keys", () => {
		for (let n = 0; n < 300; n++) {
			const key = random(new Uint8Array(n % 260));
			assert.equal(hashKey(key), hashKeyReference(key), `key ${n}`);
		}
	});

	it("compare as the reference: equal, a byte off, too short, at every offset, on views", () => {
		const bytes = random(new Uint8Array(40));
		const views = [bytes, bytes.subarray(3), bytes.subarray(5, 30)];
		for (const a of views) {
			for (let at = -1; at <= a.length + 1; at++) {
				for (const length of [0, 1, 7, a.length - at, a.length - at + 1]) {
					if (length < 0 || at < 0 && length > a.length) continue;
					const key = new Uint8Array(Math.max(0, length));
					for (let i = 0; i < key.length; i++) key[i] = a[at + i] ?? 0;
					assert.equal(sameAt(a, at, key), sameAtReference(a, at, key), `at ${at} length ${length}`);
					if (key.length) {
						key[key.length - 1] ^= 1;
						assert.equal(sameAt(a, at, key), sameAtReference(a, at, key), `at ${at} length ${length}, last byte off`);
					}
				}
			}
		}
		assert.ok(sameAt(encodeUtf8("tdi/devinfo/DevID"), 0, encodeUtf8("tdi/devinfo")));
		assert.ok(!sameAt(encodeUtf8("tdi/dev"), 0, encodeUtf8("tdi/devinfo")));
	});

	it("search as the reference: sorted hashes with repeats, a stale tail past count, a view, every probe", () => {
		const words = new Uint32Array(random(new Uint8Array(4 * 64)).buffer);
		const values = Array.from(words).map((v, i) => (i % 5 === 0 ? 0xffffffff : i % 7 === 0 ? 0 : v)).sort((x, y) => x - y);
		for (let i = 10; i < 20; i++) values[i] = values[9]!;   // a run of equal hashes: the first of them is found
		const sorted = Uint32Array.from(values);
		const view = new Uint32Array(sorted.buffer, 8, 40);
		for (const [hashes, counts] of [[sorted, [0, 1, 2, 33, 64]], [view, [0, 17, 40]]] as [Uint32Array, number[]][]) {
			for (const count of counts) {
				const probes = [0, 1, 0xffffffff, 0xfffffffe, 2 ** 32, -1, 0.5, 1e-9, NaN];
				for (let i = 0; i < hashes.length; i++) probes.push(hashes[i]!, hashes[i]! + 1, hashes[i]! - 1, hashes[i]! + 0.5);
				for (const p of probes) assert.equal(lowerBound(hashes, count, p), lowerBoundReference(hashes, count, p), `count ${count} probe ${p}`);
			}
		}
	});

	it("find a parent hash as the reference: repeats, a stale tail past count, a view, every start and probe", () => {
		const words = new Uint32Array(random(new Uint8Array(4 * 48)).buffer);
		for (let i = 0; i < words.length; i += 3) words[i] = words[0]!;   // one hash many times
		words[47] = 0xffffffff;
		const view = new Uint32Array(words.buffer, 12, 30);
		for (const [hashes, counts] of [[words, [0, 1, 20, 47, 48]], [view, [0, 9, 30]]] as [Uint32Array, number[]][]) {
			for (const count of counts) {
				const probes = [0, 0xffffffff, 2 ** 32, -1, 0.5, NaN, hashes[0]! + 0.5];
				for (let i = 0; i < hashes.length; i += 5) probes.push(hashes[i]!);
				for (const p of probes) for (let from = -1; from <= count + 1; from++) {
					assert.equal(indexOfHash(hashes, count, p, from), indexOfReference(hashes, count, p, from), `count ${count} probe ${p} from ${from}`);
				}
			}
		}
	});

	it("refuse a count beyond the hashes", () => {
		assert.throws(() => indexOfHash(new Uint32Array(4), 5, 1, 0), RangeError);
		assert.throws(() => indexOfHash(new Uint32Array(new ArrayBuffer(32), 8, 4), 5, 1, 0), RangeError);
		assert.throws(() => lowerBound(new Uint32Array(4), 5, 1), RangeError);
		assert.throws(() => lowerBound(new Uint32Array(new ArrayBuffer(32), 8, 4), 5, 1), RangeError);
		assert.throws(() => lowerBound(new Uint32Array(4), -1, 1), RangeError);
	});
});
