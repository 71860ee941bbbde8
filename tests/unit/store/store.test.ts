// The journaled store on a RAM NOR flash: transactions, streaming, compaction, wear, full flash,
// corruption, index checkpoints (torn, stale, the room they take), and a power cut at every
// program/erase of a 200-transaction workload that writes checkpoints too.
import { DmError } from "../../../modules/dm/error.js";
import { FRAGMENT_MAX, Store, StoreFormatError, crc32 } from "../../../modules/dm/store/index.js";
import { hashKey } from "../../../modules/dm/store/key-index.js";
import { PowerCut, RamNorFlash } from "../../fixtures/nor-flash.js";
import { expected, observed, run, sameState, workload } from "../../xs/host/store-workload.js";
import { assert, describe, engine, it } from "../../harness/index.js";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array | undefined): string | undefined => (b ? String.fromCharCode(...b) : undefined);

function fresh(blocks = 32, blockLength = 4096): RamNorFlash {
	return new RamNorFlash(blocks * blockLength, blockLength);
}

describe("store: CRC-32", () => {
	it("matches the standard check value and continues across pieces", () => {
		assert.equal(crc32(ascii("123456789")), 0xcbf43926);
		assert.equal(crc32(ascii("6789"), crc32(ascii("12345"))), 0xcbf43926);
	});
});

describe("store: transactions", () => {
	it("shows a committed transaction, after a remount too", () => {
		const flash = fresh();
		const s = Store.mount(flash);
		const t = s.begin();
		t.put("a", ascii("one"));
		t.put("b", ascii("two"));
		assert.equal(s.has("a"), false, "not before commit");
		t.commit();
		assert.equal(text(s.get("a")), "one");
		const again = Store.mount(flash);
		assert.equal(text(again.get("b")), "two");
		assert.deepEqual(again.keys().sort(), ["a", "b"]);
		assert.deepEqual(again.problems, []);
	});

	it("writes nothing for a transaction that changed nothing, not even a commit record", () => {
		const flash = fresh();
		const s = Store.mount(flash);
		s.transact((t) => t.put("a", ascii("1")));
		const programmed = s.programmed, before = flash.bytes.slice();
		s.transact(() => { /* a change set that found every value as it was */ });
		assert.equal(s.programmed, programmed);
		assert.deepEqual(flash.bytes, before, "the flash is byte for byte as it was");
		s.transact((t) => t.put("b", ascii("2")));
		assert.deepEqual(Store.mount(flash).keys().sort(), ["a", "b"], "the next transaction commits as before");
	});

	it("forgets an aborted or never committed transaction", () => {
		const flash = fresh();
		const s = Store.mount(flash);
		const t = s.begin(); t.put("x", ascii("1")); t.abort();
		const u = s.begin(); u.put("y", ascii("2"));   // never committed: as if power failed
		assert.equal(s.has("x"), false);
		assert.deepEqual(Store.mount(flash).keys(), []);
	});

	it("transact commits what its function wrote, and nothing of it when the function throws", () => {
		const flash = fresh();
		const s = Store.mount(flash);
		s.transact((t) => { t.put("a", ascii("1")); t.put("b", ascii("2")); });
		let thrown = false;
		try { s.transact((t) => { t.put("c", ascii("3")); t.delete("a"); throw new Error("changed my mind"); }); } catch { thrown = true; }
		assert.ok(thrown, "the function's error reaches the caller");
		s.transact((t) => t.put("d", ascii("4")));   // the store is free for the next transaction
		assert.deepEqual(Store.mount(flash).keys().sort(), ["a", "b", "d"]);
	});

	it("applies puts and deletes in order, the last write winning", () => {
		const s = Store.mount(fresh());
		let t = s.begin(); t.put("k", ascii("v1")); t.put("k", ascii("v2")); t.put("gone", ascii("x")); t.commit();
		t = s.begin(); t.delete("gone"); t.put("k", ascii("v3")); t.delete("never"); t.commit();
		assert.equal(text(s.get("k")), "v3");
		assert.equal(s.has("gone"), false);
	});

	it("streams a 64 KiB value in and out without holding it whole", () => {
		const flash = fresh(64);   // a store holds a value of maxValueLength once, plus room to move it
		const s = Store.mount(flash);
		const t = s.begin();
		const w = t.putStream("./FUMO/pkg/Data");
		for (let i = 0; i < 64; i++) w.write(new Uint8Array(1024).fill(i));
		w.end();
		t.commit();
		const again = Store.mount(flash);
		let total = 0, largest = 0, ok = true;
		again.read("./FUMO/pkg/Data", (chunk) => {
			largest = Math.max(largest, chunk.length);
			for (const b of chunk) if (b !== Math.floor(total++ / 1024)) ok = false;
		});
		assert.equal(total, 65536);
		assert.ok(ok, "bytes in order");
		assert.ok(largest <= FRAGMENT_MAX, `chunks of at most ${FRAGMENT_MAX}`);
		const reader = again.reader("./FUMO/pkg/Data")!;
		let pulled = 0;
		for (let c = reader.next(); c; c = reader.next()) {
			assert.ok(c.length > 0 && c.length <= FRAGMENT_MAX && c.every((b, i) => b === Math.floor((pulled + i) / 1024)), "pulled in order");
			pulled += c.length;
		}
		assert.equal(pulled, 65536);
		assert.equal(again.reader("absent"), undefined);
	});

	it("lists the keys directly below a path, and only those", () => {
		const flash = fresh();
		const s = Store.mount(flash);
		const t = s.begin();
		for (const k of ["a", "a/b", "a/c", "a/b/d", "ab", "ab/x", "a/", "b/a/e", "/a"]) t.put(k, ascii(k));
		t.commit();
		assert.deepEqual(s.children("a").sort(), ["a/b", "a/c"], "an empty name is no child");
		assert.deepEqual(s.children("a/b"), ["a/b/d"]);
		assert.deepEqual(s.children("ab"), ["ab/x"]);
		assert.deepEqual(s.children("b"), [], "a grandchild is not a child");
		assert.deepEqual(s.children(""), ["/a"]);
		assert.deepEqual(s.children("a/b/d"), []);
		const u = s.begin(); u.delete("a/c"); u.commit();
		assert.deepEqual(s.children("a"), ["a/b"]);
		assert.deepEqual(Store.mount(flash).children("a"), ["a/b"]);
	});

	it("never lists a deleted child, wherever its slot sat in the index (the slots past the count are stale)", () => {
		const s = Store.mount(fresh());
		const names = ["a/1", "a/2", "a/3", "a/4", "a/5", "a/6", "a/7", "a/8", "a/9"];
		s.transact((t) => { for (const k of names) t.put(k, ascii(k)); t.put("r1", ascii("x")); t.put("r2", ascii("y")); });
		const left = new Set(names);
		for (const k of [...names].reverse()) {
			s.transact((t) => t.delete(k));
			left.delete(k);
			assert.deepEqual(s.children("a").sort(), [...left].sort(), `after deleting ${k}`);
		}
		for (const k of ["r2", "r1"]) {
			s.transact((t) => t.delete(k));
			assert.deepEqual(s.rootKeys("r"), k === "r2" ? ["r1"] : [], `after deleting ${k}`);
		}
	});

	it("lets nothing else into a transaction while a value streams in", () => {
		const s = Store.mount(fresh());
		const t = s.begin();
		const w = t.putStream("big");
		w.write(ascii("part"));
		assert.throws(() => t.put("other", ascii("x")), TypeError);
		assert.throws(() => t.delete("other"), TypeError);
		assert.throws(() => t.commit(), TypeError);
		w.end();
		assert.throws(() => w.write(ascii("late")), TypeError);
		t.commit();
		assert.equal(text(s.get("big")), "part");
	});

	it("lists the keys without \"/\" under a prefix as keys(prefix) does, reading back only root-level keys", () => {
		const flash = fresh(64);
		let readCount = 0;
		const read = flash.read.bind(flash);
		flash.read = (offset: number, length: number): ArrayBuffer => { readCount++; return read(offset, length); };
		const s = Store.mount(flash, { maxValueLength: 4096 });
		const t = s.begin();
		const names = ["q0000000001", "q0000000002", "qn", "q", "b0000000001", "g00001", "t/a/b", "q/x", "qa/b", "d" + "urn:oma:mo:oma-dm-devinfo:1.2", "é0", "kcard", "kbc/one"];
		for (const n of names) t.put(n, new Uint8Array(1));
		for (let k = 0; k < 40; k++) t.put(`tDV/inst/node${k}`, new Uint8Array(1));
		t.commit();
		const reads = (): number => readCount;
		for (const store of [s, Store.mount(flash, { maxValueLength: 4096 })]) {
			for (const prefix of ["", "q", "qn", "b", "g", "t", "é", "k", "x"]) {
				const before = reads();
				const got = store.rootKeys(prefix).sort();
				const spent = reads() - before;
				const all = reads();
				assert.deepEqual(got, store.keys(prefix).filter((k) => !k.includes("/")).sort(), prefix);
				const everyKey = reads() - all;
				// the 9 root-level keys are read back (and a rare hash collision), not the 44 paths
				assert.ok(spent * 5 < everyKey, `rootKeys read flash ${spent} times, keys ${everyKey} for "${prefix}"`);
				assert.ok(spent <= (everyKey / 53) * 10, `${spent} flash reads for "${prefix}"`);
			}
		}
	});

	it("keeps 16 bytes of RAM a key, whatever the key's length", () => {
		const flash = fresh(64);
		const s = Store.mount(flash, { maxValueLength: 4096 });
		const empty = s.indexBytes;
		for (let i = 0; i < 1000; i += 50) {
			const t = s.begin();
			for (let k = i; k < i + 50; k++) t.put(`./DMAcc/server-account-${k % 3}/Ext/Vendor/SomeLongNodeName${k}`, new Uint8Array(4));
			t.commit();
		}
		assert.equal(s.keys().length, 1000);
		assert.equal(s.keys("./DMAcc/server-account-1/").length, 333);
		// the index doubles as it grows: 1000 keys sit in room for 1024
		assert.ok(s.indexBytes - empty <= 1024 * 16, `index ${s.indexBytes} bytes for 1000 keys`);
		assert.equal(Store.mount(flash, { maxValueLength: 4096 }).keys("./DMAcc/server-account-2/").length, 333);
			});

	it("finds a streamed value's fragments when compaction wrote between them", () => {
		const flash = fresh(12, 1024);
		const s = Store.mount(flash, { maxValueLength: 3000 });
		for (let i = 0; i < 40; i++) { const t = s.begin(); t.put(`k${i % 5}`, new Uint8Array(150).fill(i)); t.commit(); }
		const erasesBefore = flash.erases.reduce((a, b) => a + b, 0);
		const t = s.begin();
		const w = t.putStream("stream");
		for (let i = 0; i < 12; i++) w.write(new Uint8Array(200).fill(i));   // 2400 bytes: crosses blocks
		w.end();
		t.commit();
		assert.ok(flash.erases.reduce((a, b) => a + b, 0) > erasesBefore, "compaction ran while the value was written");
		for (const store of [s, Store.mount(flash, { maxValueLength: 3000 })]) {
			const v = store.get("stream")!;
			assert.equal(v.length, 2400);
			assert.ok(v.every((b, i) => b === Math.floor(i / 200)), "bytes in order");
			for (let k = 0; k < 5; k++) assert.equal(store.get(`k${k}`)![0], 35 + k);
		}
	});

	it("allows one open transaction at a time, and none after it ends", () => {
		const s = Store.mount(fresh());
		const t = s.begin();
		assert.throws(() => s.begin(), TypeError);
		t.commit();
		assert.throws(() => t.put("a", ascii("b")), TypeError);
	});
});

describe("store: keys whose hashes collide", () => {
	// FNV-1a gives "a/k9479" and "a/k37342" the same hash (checked below), so the index holds them
	// under one hash and only the key on flash tells them apart
	const [one, other] = ["a/k9479", "a/k37342"];

	it("tells the two apart by the key on flash, whole or in fragments, and never answers for the other", () => {
		assert.equal(hashKey(ascii(one)), hashKey(ascii(other)), "the keys collide");
		const flash = fresh();
		const s = Store.mount(flash);
		s.transact((t) => t.put(one, ascii("first")));
		assert.equal(s.get(other), undefined, "the other key is absent though its hash is in the index");
		assert.equal(s.has(other), false);
		const long = new Uint8Array(FRAGMENT_MAX * 2 + 9).map((_, i) => i & 0xff);
		s.transact((t) => t.put(other, long));
		assert.equal(text(s.get(one)), "first");
		assert.deepEqual(s.get(other), long);
		assert.equal(s.get(other, long.length - 1), undefined, "longer than max");
		s.transact((t) => t.delete(one));
		assert.equal(s.get(one), undefined);
		assert.deepEqual(Store.mount(flash).get(other), long);
	});
});

describe("store: compaction and wear", () => {
	it(`keeps the latest state through many compactions (${engine === "xs" ? 1500 : 5000} updates)`, () => {
		const flash = fresh(24, 1024);
		const s = Store.mount(flash, { maxValueLength: 2048 });
		const state = new Map<string, string>();
		const n = engine === "xs" ? 1500 : 5000;
		for (let i = 0; i < n; i++) {
			const key = `./Node${i % 37}`;
			const t = s.begin();
			t.put(key, ascii(`value ${i}`));
			t.commit();
			state.set(key, `value ${i}`);
		}
		const again = Store.mount(flash, { maxValueLength: 2048 });
		assert.deepEqual(again.problems, []);
		for (const [k, v] of state) assert.equal(text(again.get(k)), v, k);
		const counts = flash.erases.filter((c) => c > 0);
		assert.ok(counts.length === flash.erases.length, "every block was used");
		assert.ok(Math.max(...counts) <= 2 * Math.min(...counts) + 1, `erase counts ${counts.join(",")}`);
		const amplification = s.programmed / (n * (`value ${n}`.length + 7));
		assert.ok(amplification < 10, `write amplification ${amplification}`);
	});

	it("reports a full store as 506 and keeps the state it had", () => {
		const flash = fresh(12, 1024);
		const s = Store.mount(flash, { maxValueLength: 1024 });
		let stored = 0;
		let error: unknown;
		try {
			for (;; stored++) { const t = s.begin(); t.put(`k${stored}`, new Uint8Array(200).fill(stored & 0xff)); t.commit(); }
		} catch (e) { error = e; }
		assert.ok(error instanceof DmError && error.status === 506, String(error));
		assert.ok(stored > 5, `${stored} values fit`);
		const again = Store.mount(flash, { maxValueLength: 1024 });
		assert.equal(again.keys().length, stored);
		assert.equal(again.get(`k${stored}`), undefined);
		for (let i = 0; i < stored; i++) assert.equal(again.get(`k${i}`)![0], i & 0xff);
		// and deleting makes room again
		const t = again.begin(); for (let i = 0; i < stored; i++) t.delete(`k${i}`); t.commit();
		const u = again.begin(); u.put("after", ascii("room")); u.commit();
		assert.equal(text(again.get("after")), "room");
	});
});

describe("store: damaged flash", () => {
	function populated(): RamNorFlash {
		const flash = fresh(8, 1024);
		const s = Store.mount(flash, { maxValueLength: 1024 });
		for (let i = 0; i < 12; i++) { const t = s.begin(); t.put(`k${i}`, new Uint8Array(100).fill(i)); t.commit(); }
		return flash;
	}

	it("reports a flipped bit in a record and never returns damaged data as good", () => {
		for (let bit = 0; bit < 400; bit += 7) {
			const flash = populated();
			const at = 16 + 40 + bit;   // inside the first block's records
			flash.bytes[at] = flash.bytes[at]! ^ (1 << (bit % 8));
			const s = Store.mount(flash, { maxValueLength: 1024 });
			assert.ok(s.problems.length > 0, `bit ${bit}: reported`);
			for (const key of s.keys()) {
				const v = s.get(key)!;
				assert.ok(v.length === 100 && v.every((b) => b === v[0]) && `k${v[0]}` === key, `bit ${bit}: ${key} is intact`);
			}
		}
	});

	it("survives an erased block in the middle of the log", () => {
		const flash = populated();
		flash.bytes.fill(0xff, 1024, 2048);
		const s = Store.mount(flash, { maxValueLength: 1024 });
		for (const key of s.keys()) assert.equal(s.get(key)![0], Number(key.slice(1)));
		const t = s.begin(); t.put("new", ascii("ok")); t.commit();
		assert.equal(text(Store.mount(flash, { maxValueLength: 1024 }).get("new")), "ok");
	});

	it("refuses to read a value damaged after mount (500), never returning it as good", () => {
		const flash = fresh(8, 1024);
		const s = Store.mount(flash, { maxValueLength: 1024 });
		const t = s.begin(); t.put("k", new Uint8Array(700).fill(7)); t.commit();
		const at = flash.bytes.indexOf(7);
		flash.bytes[at + 600] = 0;   // NOR: a bit cleared where it was set
		assert.throws(() => s.get("k"), (e) => e instanceof DmError && e.status === 500);
	});

	it("refuses a one-fragment value damaged after mount (500): get's single read checks its CRC", () => {
		const flash = fresh(8, 1024);
		const s = Store.mount(flash, { maxValueLength: 1024 });
		s.transact((t) => t.put("k", new Uint8Array(40).fill(7)));
		flash.bytes[flash.bytes.indexOf(7) + 20] = 0;
		assert.throws(() => s.get("k"), (e) => e instanceof DmError && e.status === 500);
	});

	it("refuses a journal of a later format, naming what to do", () => {
		const flash = populated();
		flash.bytes[3] = 9;
		const header = flash.bytes.subarray(0, 12);
		new DataView(flash.bytes.buffer).setUint32(12, crc32(header), true);
		assert.throws(() => Store.mount(flash, { maxValueLength: 1024 }), (e) => e instanceof StoreFormatError && /update the firmware/.test(e.message));
	});
});

describe("store: index checkpoints", () => {
	const options = { maxValueLength: 4096 };
	/** 600 keys in 30 transactions, then `updates` small overwrites: a journal with checkpoints */
	function filled(updates = 0, blocks = 64, blockLength = 2048): { flash: RamNorFlash; store: Store } {
		const flash = fresh(blocks, blockLength);
		const store = Store.mount(flash, options);
		for (let i = 0; i < 600; i += 20) store.transact((t) => { for (let k = i; k < i + 20; k++) t.put(`m/n${k}`, new Uint8Array(8 + (k % 5)).fill(k & 0xff)); });
		for (let i = 0; i < updates; i++) store.transact((t) => { t.put(`m/n${(i * 7) % 600}`, new Uint8Array(30).fill(i & 0xff)); if (i % 9 === 0) t.delete(`m/n${(i * 13) % 600}`); });
		return { flash, store };
	}
	const contents = (s: Store): string => s.keys().sort().map((k) => `${k}=${s.get(k)!.join(".")}`).join(" ");

	it("mounts from the checkpoint and the journal after it, to the state a whole replay gives", () => {
		const { flash, store } = filled(300);
		assert.ok(store.checkpointsWritten > 0, "the workload wrote checkpoints");
		const fast = Store.mount(flash, options);
		const full = Store.mount(flash, { ...options, checkpoints: false });
		assert.equal(fast.mountedFromCheckpoint, true);
		assert.equal(full.mountedFromCheckpoint, false);
		assert.equal(contents(fast), contents(store));
		assert.equal(contents(fast), contents(full));
		assert.deepEqual(fast.children("m").length, full.children("m").length);
		assert.equal(fast.indexBytes, full.indexBytes, "the checkpoint costs the index no RAM");
		// and it keeps working: a commit after a checkpoint mount is seen by the next mount
		fast.transact((t) => t.put("m/after", ascii("x")));
		assert.equal(text(Store.mount(flash, options).get("m/after")), "x");
	});

	it("ignores a torn checkpoint (a flipped byte anywhere in it) and replays the whole journal", () => {
		const { flash, store } = filled(40);
		const cpBlocks: number[] = [];
		for (let b = 0; b < 64; b++) if (flash.bytes[b * 2048] === 0x44 && flash.bytes[b * 2048 + 1] === 0x4d && flash.bytes[b * 2048 + 2] === 0x43) cpBlocks.push(b);
		assert.ok(cpBlocks.length > 0, "a checkpoint on flash");
		for (const b of cpBlocks) flash.bytes[b * 2048 + 2047 - 0] &= 0x7f;   // the last byte of each checkpoint block
		for (const b of cpBlocks) flash.bytes[b * 2048 + 100] ^= 0x01;       // and one in the middle
		const again = Store.mount(flash, options);
		assert.equal(again.mountedFromCheckpoint, false);
		assert.equal(contents(again), contents(store));
		assert.deepEqual(again.problems, []);
	});

	it("ignores a checkpoint the log has moved past (its head block compacted away, or its blocks reused)", () => {
		const flash = fresh(24, 2048);
		const s = Store.mount(flash, options);
		for (let i = 0; i < 200; i++) s.transact((t) => t.put(`k${i % 30}`, new Uint8Array(60).fill(i & 0xff)));
		assert.ok(s.checkpointsWritten > 0 && Store.mount(flash, options).mountedFromCheckpoint, "a good checkpoint first");
		// a firmware that writes no checkpoints goes on: compaction turns the whole log over
		const later = Store.mount(flash, { ...options, checkpoints: false });
		const erasesBefore = flash.erases.reduce((a, b) => a + b, 0);
		for (let i = 0; i < 1500; i++) later.transact((t) => t.put(`k${i % 30}`, new Uint8Array(60).fill((i * 3) & 0xff)));
		assert.ok(flash.erases.reduce((a, b) => a + b, 0) - erasesBefore > 24, "the log turned over");
		const again = Store.mount(flash, options);
		assert.equal(again.mountedFromCheckpoint, false, "the old checkpoint is not used");
		assert.equal(contents(again), contents(later));
	});

	it("never costs the journal room: a full store holds as much with checkpoints as without", () => {
		const fill = (checkpoints: boolean): number => {
			const flash = fresh(16, 2048);
			const s = Store.mount(flash, { maxValueLength: 2048, checkpoints });
			let stored = 0;
			try {
				for (;; stored++) s.transact((t) => t.put(`k${stored}`, new Uint8Array(150).fill(stored & 0xff)));
			} catch (e) {
				if (!(e instanceof DmError) || e.status !== 506) throw e;
			}
			const again = Store.mount(flash, { maxValueLength: 2048, checkpoints });
			assert.equal(again.keys().length, stored);
			return stored;
		};
		assert.equal(fill(true), fill(false));
	});
});

describe("store: power cut at every program and erase (RAM flash)", () => {
	const steps = workload(engine === "xs" ? 120 : 200);
	const options = { maxValueLength: 4608 };
	const geometry = (): RamNorFlash => new RamNorFlash(20 * 2048, 2048);

	it(`finds the state before or after the interrupted transaction, at every cut (${engine === "xs" ? 120 : 200} transactions)`, () => {
		const reference = geometry();
		const written = Store.mount(reference, options);
		run(written, steps);
		const total = reference.operations;
		assert.ok(written.checkpointsWritten >= 5, `${written.checkpointsWritten} checkpoints written: the cuts must land in them too`);
		let fromCheckpoint = 0;
		assert.ok(reference.erases.some((c) => c > 1), "the workload must compact (blocks reused)");
		let checked = 0;
		const stride = engine === "xs" ? 4 : 1;   // XS interprets: every fourth cut point there, all of them on Node
		for (let cut = 1; cut <= total; cut += stride) {
			const flash = geometry();
			flash.cutAt = cut;
			let committed = 0;
			try {
				run(Store.mount(flash, options), steps, (k) => { committed = k; });
				throw new Error(`cut ${cut} never happened`);
			} catch (e) {
				if (!(e instanceof PowerCut)) throw e;
			}
			flash.cutAt = 0;
			const mounted = Store.mount(flash, options);
			if (mounted.mountedFromCheckpoint) fromCheckpoint++;
			const state = observed(mounted);
			// the reference path: a whole replay, which must agree with the checkpoint's mount
			assert.ok(sameState(state, observed(Store.mount(flash, { ...options, checkpoints: false }))), `cut ${cut}: the checkpoint's mount and a whole replay differ`);
			const before = expected(steps, committed), after = expected(steps, committed + 1);
			assert.ok(sameState(state, before) || sameState(state, after), `cut ${cut} during transaction ${committed + 1}: ${JSON.stringify([...state])}`);
			checked++;
		}
		assert.equal(checked, Math.ceil(total / stride), `${checked} cut points checked of ${total} operations`);
		assert.ok(fromCheckpoint > checked / 4, `${fromCheckpoint} of ${checked} mounts started from a checkpoint`);
		assert.ok(total > 200, `${total} operations`);
	});
});
