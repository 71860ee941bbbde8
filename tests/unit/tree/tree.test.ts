// The tree over the store: instances, nodes, streaming values, atomic change sets, structure rules
// of the DDF, what servers see (interpretation 7), and cache validators (11).
import { DmError } from "../../../modules/dm/error.js";
import { FRAGMENT_MAX, Store } from "../../../modules/dm/store/index.js";
import { Access as A, Tree, defineSchema, notModified } from "../../../modules/dm/tree/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { MOIDS, parseClientUri, resolveClientUri } from "../../../modules/dm/uri/index.js";
import { DEVINFO_VALUES, TEST_MOID, freshTree, provision, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

function status(fn: () => unknown): number {
	try { fn(); } catch (e) { if (e instanceof DmError) return e.status; throw e; }
	return 200;
}
const T = (miid: string, ...path: string[]) => ({ moid: TEST_MOID, miid, path });

describe("tree: instances and nodes", () => {
	it("keeps what a change set committed, across a remount", () => {
		const { tree, remount } = freshTree();
		provision(tree);
		assert.deepEqual(tree.instances(MOIDS.dmAcc), ["dms1", "dms2", "dms3"]);
		assert.equal(tree.text({ moid: MOIDS.devInfo, miid: "devinfo", path: ["DevID"] }), DEVINFO_VALUES.DevID);
		const again = remount();
		assert.deepEqual(again.instances(MOIDS.dmAcc), ["dms1", "dms2", "dms3"]);
		assert.deepEqual(again.childNames({ moid: MOIDS.dmAcc, miid: "dms2", path: ["Auth"] }), ["Noti", "Trsp"]);
		assert.equal(again.text({ moid: MOIDS.dmAcc, miid: "dms2", path: ["Auth", "Noti", "Secret"] }), "c2VjcmV0", "the device reads secrets");
	});

	it("gives required leaves their DDF default and creates missing ancestors", () => {
		const { tree } = freshTree();
		const cs = tree.change();
		cs.createInstance(TEST_MOID, "a");
		cs.put(T("a", "Val"), "v");
		cs.put(T("a", "Items", "i1", "ID"), "first");
		cs.commit();
		assert.equal(tree.text(T("a", "Num")), "5");
		assert.deepEqual(tree.childNames(T("a", "Items")), ["i1"]);
	});

	it("streams a 64 KiB value in and out in fragments", () => {
		const { tree, remount } = freshTree(96);
		let cs = tree.change();
		cs.createInstance(TEST_MOID, "a");
		cs.put(T("a", "Val"), "v");
		cs.commit();
		cs = tree.change();
		const w = cs.putStream(T("a", "Blob"));
		for (let i = 0; i < 64; i++) w.write(new Uint8Array(1024).fill(i));
		w.end();
		cs.commit();
		let total = 0, largest = 0, ok = true;
		remount().read(T("a", "Blob"), (c) => { ok &&= c[0] === Math.floor(total / 1024); total += c.length; largest = Math.max(largest, c.length); });
		assert.deepEqual([total, largest <= FRAGMENT_MAX, ok], [65536, true, true]);
	});

	it("hands out a leaf's bytes whole or piece by piece, and nothing for an interior or absent node", () => {
		const { tree } = freshTree(96);
		const cs = tree.change();
		cs.createInstance(TEST_MOID, "a");
		cs.put(T("a", "Val"), "v");
		const w = cs.putStream(T("a", "Blob"));
		for (let i = 0; i < 3; i++) w.write(new Uint8Array(700).fill(i + 1));
		w.end();
		cs.commit();
		assert.deepEqual(Array.from(tree.bytes(T("a", "Val"))!), [0x76]);
		const reader = tree.reader(T("a", "Blob"))!;
		const pieces: Uint8Array[] = [];
		for (let c = reader.next(); c; c = reader.next()) pieces.push(c);
		assert.ok(pieces.length >= 3 && pieces.every((p) => p.length > 0 && p.length <= FRAGMENT_MAX), `${pieces.length} pieces`);
		const joined = pieces.flatMap((p) => Array.from(p));
		assert.deepEqual([joined.length, joined[0], joined[700], joined[2099]], [2100, 1, 2, 3]);
		assert.equal(tree.bytes(T("a", "Blob"))!.length, 2100);
		assert.equal(tree.reader(T("a", "Items")), undefined, "interior");
		assert.equal(tree.bytes(T("a")), undefined, "the instance root (its cache validator is not a leaf value)");
		assert.equal(tree.reader(T("b", "Val")), undefined, "absent");
		assert.equal(tree.bytes({ moid: "urn:oma:mo:none:1.0", miid: "x", path: ["Y"] }), undefined, "no such MO");
	});

	it("refuses a malformed streamed value and keeps nothing of it", () => {
		const { tree, store } = freshTree();
		const cs0 = tree.change(); cs0.createInstance(TEST_MOID, "a"); cs0.put(T("a", "Val"), "v"); cs0.commit();
		const before = snapshot(store);
		const cs = tree.change();
		const w = cs.putStream(T("a", "Val"));
		w.write(Uint8Array.of(0x61, 0xc3));
		assert.equal(status(() => w.end()), 415, "chr cut inside a UTF-8 sequence");
		assert.equal(snapshot(store), before);
		assert.equal(status(() => tree.change().putStream(T("a", "Num"))), 415, "an int is given whole");
	});
});

describe("tree: the DDF's rules, all or nothing", () => {
	function setup() {
		const f = freshTree();
		provision(f.tree);
		const cs = f.tree.change(); cs.createInstance(TEST_MOID, "a"); cs.put(T("a", "Val"), "v"); cs.commit();
		return f;
	}
	const cases: [string, number, (t: ReturnType<typeof setup>["tree"]) => void][] = [
		["a value of the wrong format", 415, (t) => { const cs = t.change(); cs.put(T("a", "Val"), "ok"); cs.put(T("a", "Num"), "five"); cs.commit(); }],
		["a node the MO does not define", 415, (t) => { const cs = t.change(); cs.put(T("a", "Val"), "ok"); cs.put(T("a", "Bogus"), "x"); cs.commit(); }],
		["a missing required node", 415, (t) => { const cs = t.change(); cs.put(T("a", "Items", "i1", "When"), "2024-01-01"); cs.commit(); }],
		["a new instance missing its required leaf", 415, (t) => { const cs = t.change(); cs.createInstance(TEST_MOID, "b"); cs.commit(); }],
		["more than N of a ZeroOrN node", 415, (t) => { const cs = t.change(); for (const i of ["1", "2", "3", "4"]) cs.put(T("a", "Items", i, "ID"), i); cs.commit(); }],
		["a second instance of a One MO", 415, (t) => { const cs = t.change(); cs.createInstance(MOIDS.devInfo, "other"); cs.commit(); }],
		["deleting a required node", 405, (t) => { const cs = t.change(); cs.put(T("a", "Val"), "changed"); cs.delete(T("a", "Num")); cs.commit(); }],
		["deleting the only DevInfo", 405, (t) => { const cs = t.change(); cs.delete({ moid: MOIDS.devInfo, miid: "devinfo", path: [] }); cs.commit(); }],
		["an instance that exists", 400, (t) => { const cs = t.change(); cs.createInstance(TEST_MOID, "a"); }],
		["a node of a missing instance", 404, (t) => { const cs = t.change(); cs.put(T("zz", "Val"), "v"); }],
		["a value for an interior node", 415, (t) => { const cs = t.change(); cs.put(T("a", "Items"), "v"); }],
	];
	for (const [what, want, fn] of cases) {
		it(`refuses ${what} with ${want} and leaves the tree as it was`, () => {
			const { tree, store } = setup();
			const before = snapshot(store);
			assert.equal(status(() => fn(tree)), want);
			assert.equal(snapshot(store), before);
			const cs = tree.change(); cs.put(T("a", "Val"), "after"); cs.commit();   // the store is free again
			assert.equal(tree.text(T("a", "Val")), "after");
		});
	}

	it("deletes a sub-tree and an instance with everything below", () => {
		const { tree } = setup();
		let cs = tree.change();
		cs.put(T("a", "Items", "i1", "ID"), "1"); cs.put(T("a", "Items", "i2", "ID"), "2");
		cs.commit();
		cs = tree.change(); cs.delete(T("a", "Items")); cs.commit();
		assert.equal(tree.has(T("a", "Items", "i1", "ID")), false);
		cs = tree.change(); cs.delete(T("a")); cs.commit();
		assert.deepEqual(tree.instances(TEST_MOID), []);
		assert.deepEqual(tree.store.keys("tx/"), []);
	});
});

describe("tree: what servers see (interpretation 7)", () => {
	const { tree } = freshTree();
	provision(tree);
	const resolve = (text: string): string[] => resolveClientUri(parseClientUri(text), tree).map((r) => `${r.miid}/${r.path.join("/")}`);

	it("resolves ClientURIs over the tree, aliases included (interpretation 2)", () => {
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-devinfo:1.0//DevID"), ["devinfo/DevID"]);
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-dmacc:2.0/(x)/SrvURI?nv=(x)/SrvID:dms2"), ["dms2/SrvURI"]);
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-dmacc:1.2/*/Name"), ["dms1/Name", "dms2/Name", "dms3/Name"]);
		assert.equal(status(() => resolve("urn:oma:mo:oma-dm-dmacc:1.2//Name")), 400, "three instances");
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-dmacc:2.0/(x)/Name?nv=(x)/ServerID:dms3"), ["dms3/Name"], "Appendix I.2's ServerID is SrvID (interpretation 3)");
	});

	it("never shows Perm or a secret to a listing, a wildcard, a name or an nv", () => {
		assert.deepEqual(tree.children(MOIDS.dmAcc, "dms1", []), ["Auth", "Name", "SrvID", "SrvURI"]);
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-dmacc:1.2/dms1/Auth/*/*"), ["dms1/Auth/Noti/Data", "dms1/Auth/Noti/Type", "dms1/Auth/Trsp/Data"], "Type came with its default");
		for (const hidden of ["dms1/Perm", "dms1/Perm/1/MOID", "dms1/Auth/Noti/Secret", "dms1/Auth/Trsp/Secret", "(x)/SrvID?nv=(x)/Auth/Noti/Secret:c2VjcmV0"]) {
			assert.equal(status(() => resolve(`urn:oma:mo:oma-dm-dmacc:1.2/${hidden}`)), 404, hidden);
		}
		assert.equal(tree.value(MOIDS.dmAcc, "dms1", ["Auth", "Trsp", "Secret"]), undefined);
	});

	it("says whether a node has children a server sees exactly when children() lists some", () => {
		const paths = [[], ["Auth"], ["Auth", "Noti"], ["Auth", "Trsp"], ["Perm"], ["Perm", "1"], ["SrvID"], ["Nope"]];
		for (const path of paths) {
			const listed = tree.children(MOIDS.dmAcc, "dms1", path) ?? [];
			assert.equal(tree.hasChildren(MOIDS.dmAcc, "dms1", path), listed.length > 0, path.join("/") || "the instance");
		}
		// an instance whose only child is hidden (no Get), then one with a child a server sees too
		const moid = "urn:oma:mo:test-hidden:1.0";
		const schema = defineSchema(moid, { name: "<x>", unnamed: true, format: "node", access: A.Get | A.Add, occurrence: "ZeroOrMore", children: [
			{ name: "Key", format: "bin", access: A.Replace | A.Add, occurrence: "ZeroOrOne" },
			{ name: "Note", format: "chr", access: A.Get | A.Replace | A.Add, occurrence: "ZeroOrOne" },
		] });
		const other = new Tree(Store.mount(new RamNorFlash(32 * 4096, 4096)), [{ tag: "h", schema }]);
		let cs = other.change(); cs.createInstance(moid, "i"); cs.put({ moid, miid: "i", path: ["Key"] }, new Uint8Array([1])); cs.commit();
		assert.deepEqual(other.childNames({ moid, miid: "i", path: [] }), ["Key"]);
		assert.equal(other.hasChildren(moid, "i", []), false, "a hidden child is none to a server");
		cs = other.change(); cs.put({ moid, miid: "i", path: ["Note"] }, "n"); cs.commit();
		assert.equal(other.hasChildren(moid, "i", []), true);
	});

	it("walks a sub-tree without hidden nodes, level by level (lv=)", () => {
		const seen: string[] = [];
		tree.walk({ moid: MOIDS.dmAcc, miid: "dms1", path: [] }, 2, (p) => { seen.push(p.join("/")); });
		assert.deepEqual(seen, ["", "Auth", "Auth/Noti", "Auth/Trsp", "Name", "SrvID", "SrvURI"]);
	});
});

describe("tree: cache validators (11)", () => {
	it("change exactly when the instance's data changes, and survive a remount", () => {
		const { tree, remount } = freshTree();
		provision(tree);
		const cv = (t = tree, miid = "dms1") => t.cacheValidator(MOIDS.dmAcc, miid)!;
		const first = cv(), other = cv(tree, "dms2");
		let cs = tree.change(); cs.put({ moid: MOIDS.dmAcc, miid: "dms1", path: ["Name"] }, "Server dms1"); cs.commit();
		assert.equal(cv(), first, "the same value again is no change");
		cs = tree.change(); cs.put({ moid: MOIDS.dmAcc, miid: "dms1", path: ["Name"] }, "Renamed"); cs.commit();
		const second = cv();
		assert.notEqual(second, first);
		assert.equal(cv(tree, "dms2"), other, "another instance keeps its validator");
		assert.equal(cv(remount()), second, "persisted");
		const refused = tree.change(); refused.put({ moid: MOIDS.dmAcc, miid: "dms1", path: ["Name"] }, "X");
		refused.abort();
		assert.equal(cv(), second, "an aborted change is no change");
	});

	it("answer 304 only for an unchanged instance, and never repeat after delete and re-create", () => {
		const { tree } = freshTree();
		const make = () => { const cs = tree.change(); cs.createInstance(TEST_MOID, "a"); cs.put(T("a", "Val"), "v"); cs.commit(); };
		make();
		const cv = tree.cacheValidator(TEST_MOID, "a")!;
		const uri = (v: string) => parseClientUri(`${TEST_MOID}/a/Val?cv=${v}`);
		const refs = resolveClientUri(uri(cv), tree);
		assert.equal(notModified(tree, uri(cv), refs), true);
		assert.equal(notModified(tree, parseClientUri(`${TEST_MOID}/a/Val`), refs), false, "no cv: always the data");
		const cs = tree.change(); cs.delete(T("a")); cs.commit();
		make();
		assert.notEqual(tree.cacheValidator(TEST_MOID, "a"), cv);
		assert.equal(notModified(tree, uri(cv), refs), false);
	});
});
