// CaseSense (6.4): "whether the Node name and names of descendant Nodes in the tree below should be
// treated as case sensitive or case insensitive": a node without its own CaseSense inherits its
// parent's, a node's own setting governs its own name, and the MO root defaults to case sensitive.
import { Store } from "../../../modules/dm/store/index.js";
import { Access as A, childSchema, defineSchema, schemaAt, Tree } from "../../../modules/dm/tree/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";

const MOID = "urn:oma:mo:test-case:1.0";
const RW = A.Get | A.Replace | A.Add | A.Delete;
const SCHEMA = defineSchema(MOID, {
	name: "<x>", unnamed: true, format: "node", access: A.Get | A.Add | A.Delete, occurrence: "ZeroOrMore", children: [
		{ name: "Top", format: "chr", access: RW, occurrence: "ZeroOrOne" },
		{ name: "Cfg", format: "node", access: RW, occurrence: "ZeroOrOne", caseSense: false, children: [
			{ name: "Mode", format: "chr", access: RW, occurrence: "ZeroOrOne" },
			{ name: "Deep", format: "node", access: RW, occurrence: "ZeroOrOne", children: [
				{ name: "Leaf", format: "int", access: RW, occurrence: "ZeroOrOne" },
				{ name: "<x>", unnamed: true, format: "chr", access: RW, occurrence: "ZeroOrMore" },
			] },
			{ name: "Exact", format: "node", access: RW, occurrence: "ZeroOrOne", caseSense: true, children: [
				{ name: "Inner", format: "chr", access: RW, occurrence: "ZeroOrOne" },
			] },
		] },
	],
});

describe("tree: CaseSense is inherited (6.4)", () => {
	it("gives every node without its own CaseSense its parent's, and the root CS", () => {
		assert.equal(SCHEMA.root.caseSense, true);
		assert.equal(schemaAt(SCHEMA, ["Top"])!.caseSense, true);
		assert.equal(schemaAt(SCHEMA, ["Cfg"])!.caseSense, false);
		assert.equal(schemaAt(SCHEMA, ["Cfg", "Deep", "Leaf"])!.caseSense, false, "two levels below a CIS node");
		assert.equal(schemaAt(SCHEMA, ["Cfg", "Exact"])!.caseSense, true);
		assert.equal(schemaAt(SCHEMA, ["Cfg", "Exact", "Inner"])!.caseSense, true, "below an explicit CS");
	});

	it("matches names by the child's own CaseSense, at every depth", () => {
		assert.equal(childSchema(SCHEMA.root, "top"), undefined, "Top is CS");
		assert.equal(childSchema(SCHEMA.root, "CFG")!.name, "Cfg", "Cfg's own name is CIS");
		assert.equal(schemaAt(SCHEMA, ["cfg", "DEEP", "leaf"])!.name, "Leaf");
		assert.equal(schemaAt(SCHEMA, ["cfg", "exact"]), undefined, "Exact is CS again");
		assert.equal(schemaAt(SCHEMA, ["cfg", "Exact", "inner"]), undefined);
	});

	it("refuses two children whose names differ only in case under a CIS node", () => {
		assert.throws(() => defineSchema(MOID, { name: "r", format: "node", access: RW, caseSense: false, children: [
			{ name: "A", format: "chr", access: RW }, { name: "a", format: "chr", access: RW }] }), TypeError);
	});

	it("refuses a CIS child whose name folds to a CS sibling's, in either order; allows CS names that differ only in case", () => {
		const pair = (first: boolean, second: boolean) => defineSchema(MOID, { name: "r", format: "node", access: RW, children: [
			{ name: "abc", format: "chr", access: RW, caseSense: first }, { name: "ABC", format: "chr", access: RW, caseSense: second }] });
		assert.throws(() => pair(false, true), TypeError, "a name ABC would match both: the DDF's order would decide");
		assert.throws(() => pair(true, false), TypeError);
		const both = pair(true, true);
		assert.equal(childSchema(both.root, "ABC")!.name, "ABC");
		assert.equal(childSchema(both.root, "abc")!.name, "abc");
		assert.equal(childSchema(both.root, "Abc"), undefined);
	});

	it("finds a stored node under any spelling where CIS, and only the exact one where CS", () => {
		const tree = new Tree(Store.mount(new RamNorFlash(32 * 4096, 4096)), [{ tag: "c", schema: SCHEMA }]);
		const cs = tree.change();
		cs.createInstance(MOID, "i");
		cs.put({ moid: MOID, miid: "i", path: ["Cfg", "Deep", "Leaf"] }, "7");
		cs.put({ moid: MOID, miid: "i", path: ["Cfg", "Deep", "Name1"] }, "v");
		cs.commit();
		assert.equal(tree.child(MOID, "i", ["Cfg"], "DEEP"), "Deep");
		assert.equal(tree.child(MOID, "i", ["Cfg", "Deep"], "LEAF"), "Leaf", "inherited from Cfg, two levels up");
		assert.equal(tree.child(MOID, "i", ["Cfg", "Deep"], "name1"), "Name1", "an unnamed node's run-time name, CIS by inheritance");
		assert.equal(tree.child(MOID, "i", [], "cfg"), "Cfg");
		assert.equal(tree.child(MOID, "i", [], "TOP"), undefined);
	});
});
