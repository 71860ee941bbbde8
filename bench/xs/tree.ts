// xsdm --flash F ... bench/xs/tree.js build|read std|nodes|value: the tree on xsdm's file flash
// (outside the XS heap, as on the device). "build" writes the four standard MOs with 3 server
// accounts, plus 1,000 extra leaves ("nodes") or one 64 KiB leaf ("value"); "read" mounts it and
// walks every node, streaming every value; "imports" only loads the modules. bench/run.ts takes the
// peak heap of each on xsdm32.
import storage from "embedded:storage/flash";
import { argv } from "embedded:sim/host";
import { STANDARD_MOS } from "../../modules/dm/mo/index.js";
import { Store } from "../../modules/dm/store/index.js";
import { STORE_PARTITION, storeFlash } from "../../modules/dm/store/flash.js";
import { Access, defineSchema, Tree } from "../../modules/dm/tree/index.js";
import { provision } from "../../tests/fixtures/tree.js";

const BENCH_MOID = "urn:oma:mo:bench:1.0";
const BENCH = defineSchema(BENCH_MOID, {
	name: "<x>", unnamed: true, format: "node", access: Access.Get, occurrence: "ZeroOrOne", children: [
		{ name: "Blob", format: "bin", access: Access.Get, occurrence: "ZeroOrOne" },
		{ name: "Leaves", format: "node", access: Access.Get, occurrence: "ZeroOrOne", children: [
			{ name: "<x>", unnamed: true, format: "chr", access: Access.Get, occurrence: "ZeroOrMore" },
		] },
	],
});

const [phase, variant] = argv();
// "imports": the modules alone, which on xsdm are compiled into the heap (preloaded to ROM on the device)
const store = phase === "imports" ? undefined! : Store.mount(storeFlash(storage.open({ path: STORE_PARTITION })), { maxValueLength: 65536 });
const tree = phase === "imports" ? undefined! : new Tree(store, [...STANDARD_MOS, { tag: "b", schema: BENCH }]);

if (phase === "imports") console.log("{}");
else if (phase === "build") {
	provision(tree);
	let cs = tree.change();
	cs.createInstance(BENCH_MOID, "b");
	cs.commit();
	if (variant === "nodes") {
		for (let i = 0; i < 1000; i += 50) {
			cs = tree.change();
			for (let k = i; k < i + 50; k++) cs.put({ moid: BENCH_MOID, miid: "b", path: ["Leaves", `n${k}`] }, `value ${k}`);
			cs.commit();
		}
	}
	if (variant === "value") {
		cs = tree.change();
		const w = cs.putStream({ moid: BENCH_MOID, miid: "b", path: ["Blob"] });
		const chunk = new Uint8Array(512);
		for (let i = 0; i < 128; i++) { chunk.fill(i); w.write(chunk); }
		w.end();
		cs.commit();
	}
	console.log(JSON.stringify({ keys: store.keys().length }));
}
else {
	let nodes = 0, bytes = 0;
	for (const moid of tree.moids()) {
		for (const miid of tree.instances(moid)) {
			tree.walk({ moid, miid, path: [] }, 64, (path, def) => {
				nodes++;
				if (def.format !== "node") tree.read({ moid, miid, path: [...path] }, (c) => { bytes += c.length; });
			});
		}
	}
	console.log(JSON.stringify({ nodes, bytes }));
}
