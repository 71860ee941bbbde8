// Issue 18 part 5's figure for string leaf values: what the heap pays per chr leaf that a
// dmmo+json body replaces, from the body's bytes to flash (JSON reader, DmmoApplier, change set,
// store). A document replacing `count` chr leaves is applied as an HGET's body is, in the pieces a
// connection lends, as the device; the heap's growth is read before and after with no collection
// in between (XS reclaims chunks and slots only when it collects), so the growth is what the path
// allocated: chunk bytes (strings, buffers' bytes) and slots (objects, views, numbers).
// The reader alone (its events dropped) is measured the same way, after.
//   leaves.js COUNT: prints {"leaf_chunk_bytes_per_chr_leaf": n, ...}; 0 collections or it fails
import { collectGarbage, collections, heap, argv } from "embedded:sim/host";
import { DmmoReader, type DmmoHandler } from "../../modules/dm/codec/index.js";
import { DmmoApplier, type CommandContext } from "../../modules/dm/commands/index.js";
import { encodeUtf8 } from "../../modules/bytes/index.js";
import { STANDARD_MOS } from "../../modules/dm/mo/index.js";
import { Store } from "../../modules/dm/store/index.js";
import { Access, AccessControl, DEVICE, Tree, defineSchema } from "../../modules/dm/tree/index.js";
import { RamNorFlash } from "../../tests/fixtures/nor-flash.js";
import { provision } from "../../tests/fixtures/tree.js";

const MOID = "urn:oma:mo:bench-leaves:1.0";
const SCHEMA = defineSchema(MOID, {
	name: "<x>", unnamed: true, format: "node", access: Access.Get | Access.Add | Access.Delete, occurrence: "ZeroOrOne", children: [
		{ name: "Leaves", format: "node", access: Access.Get | Access.Add | Access.Replace | Access.Delete, occurrence: "ZeroOrOne", children: [
			{ name: "<x>", unnamed: true, format: "chr", access: Access.Get | Access.Add | Access.Replace | Access.Delete, occurrence: "ZeroOrMore" },
		] },
	],
});

const count = Number(argv()[0] ?? 100);
const store = Store.mount(new RamNorFlash(256 * 4096, 4096));
const tree = new Tree(store, [...STANDARD_MOS, { tag: "b", schema: SCHEMA }]);
provision(tree);
const setupCs = tree.change();
setupCs.createInstance(MOID, "b");
setupCs.commit();
const ctx = {
	tree, store, access: new AccessControl(tree, DEVICE), srvId: "", http: undefined!, device: undefined!,
	report: () => undefined, hooks: {},
} as unknown as CommandContext;

// values of 40 characters, a few of them not ASCII, as names and descriptions are
const value = (i: number, round: number): string => `value ${round}.${i} é € of forty characters…`.padEnd(40, "x");
function documentOf(round: number): Uint8Array {
	const leaves: Record<string, string> = {};
	for (let i = 0; i < count; i++) leaves[`n${i}`] = value(i, round);
	return encodeUtf8(JSON.stringify([{ ClientURI: `${MOID}/b/Leaves`, MOData: { Leaves: leaves } }]));
}

// pieces of a connection's buffer: one buffer, lent piece by piece
const piece = new Uint8Array(1024);
function feed(reader: DmmoReader, doc: Uint8Array): void {
	for (let at = 0; at < doc.length; at += piece.length) {
		const n = Math.min(piece.length, doc.length - at);
		piece.set(doc.subarray(at, at + n));
		if (reader.feed(piece.subarray(0, n)) < 0) throw reader.toDmError()!;
	}
	if (reader.feed(new Uint8Array(0), true) < 0) throw reader.toDmError()!;
}

function apply(doc: Uint8Array): void {
	const cs = tree.change(ctx.access.guard());
	feed(new DmmoReader(new DmmoApplier(ctx, cs, { moid: MOID, miid: "b", path: ["Leaves"] }), { stringChunk: 256 }), doc);
	cs.commit();
}

// the reader alone, its events dropped: what reading a value costs before the tree sees it
const IGNORE: DmmoHandler = { beginItem() {}, beginInterior() {}, endInterior() {}, leaf() {}, leafText() {}, endItem() {} };
function read(doc: Uint8Array): void {
	feed(new DmmoReader(IGNORE, { stringChunk: 256 }), doc);
}

apply(documentOf(0));   // the leaves exist: the measured round replaces them
const doc = documentOf(1), reference = documentOf(2);
apply(reference);       // warms up whatever the first round made once
// room for the measured round: XS collects when its chunks or slots run out, and keeps what it grew
let room: unknown[] | undefined = [new ArrayBuffer(4 << 20)];
for (let i = 0; i < 100000; i++) room.push({ i });
room = undefined;
collectGarbage();
const before = heap(), collected = collections();
apply(doc);
const after = heap();
read(doc);
const afterRead = heap();
if (collections() !== collected) throw new Error("the heap was collected during the measured rounds: lower COUNT");
for (let i = 0; i < count; i += Math.max(1, count >> 3)) {
	const text = tree.text({ moid: MOID, miid: "b", path: ["Leaves", `n${i}`] });
	if (text !== value(i, 1)) throw new Error(`n${i} reads back ${JSON.stringify(text)}`);
}
console.log(JSON.stringify({
	leaf_chunk_bytes_per_chr_leaf: Math.round((after.chunks - before.chunks) / count),
	leaf_slot_bytes_per_chr_leaf: Math.round((after.slots - before.slots) / count),
	leaf_reader_chunk_bytes_per_chr_leaf: Math.round((afterRead.chunks - after.chunks) / count),
	leaf_reader_slot_bytes_per_chr_leaf: Math.round((afterRead.slots - after.slots) / count),
	leaf_document_bytes_per_chr_leaf: Math.round(doc.length / count),
}));
