// The registry of store key prefixes: no two rooms' keys can collide.
import { KEY_SPACES } from "../../../modules/dm/store/index.js";
import { GENERATION_KEY, instancePrefix, nodeKey } from "../../../modules/dm/tree/keys.js";
import { assert, describe, it } from "../../harness/index.js";

describe("store: key prefixes", () => {
	it("names each prefix once, and none starts another unless the table says so", () => {
		const prefixes = KEY_SPACES.map((s) => s.prefix);
		assert.equal(new Set(prefixes).size, prefixes.length, `a prefix is listed twice: ${prefixes.join(" ")}`);
		for (const a of KEY_SPACES) {
			assert.ok(a.prefix.length > 0 && a.owner.length > 0 && a.holds.length > 0, `${a.prefix}: prefix, owner and holds`);
			for (const b of KEY_SPACES) {
				if (a === b || !b.prefix.startsWith(a.prefix)) continue;
				assert.ok(a.contains?.includes(b.prefix), `"${a.prefix}" (${a.owner}) is a prefix of "${b.prefix}" (${b.owner}) and the table does not say it is by design`);
			}
			for (const c of a.contains ?? []) assert.ok(c.startsWith(a.prefix) && prefixes.includes(c), `${a.prefix} contains ${c}: not a listed longer prefix`);
		}
	});

	it("keeps the strings earlier firmware wrote (they are the on-flash format)", () => {
		assert.deepEqual(KEY_SPACES.map((s) => s.prefix), ["t", "g", "p", "q", "qn", "b", "d", "kbc/", "kcard", "kn/", "fo", "fi"]);
	});

	it("gives the tree's keys the tree's prefix, as earlier firmware wrote them", () => {
		const tree = KEY_SPACES.find((s) => s.owner === "dm/tree")!;
		assert.equal(tree.prefix, "t");
		assert.equal(GENERATION_KEY, "t#generation");
		assert.equal(instancePrefix("acc"), "tacc/");
		assert.equal(nodeKey("acc", "a/b", ["Auth", "x"]), "tacc/a%2Fb/Auth/x");
		// every other owner's prefix must not start a tree key
		for (const s of KEY_SPACES) if (s !== tree) assert.ok(!GENERATION_KEY.startsWith(s.prefix) && !"tacc/".startsWith(s.prefix), s.prefix);
	});
});
