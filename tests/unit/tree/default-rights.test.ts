// Interpretation 16: the rights a bootstrapped server starts with, written as DACMO entries. A
// server owns its own account; it may read the device's own instances of the MOIDs its Perm names;
// nothing more, and what the bootstrap's own DACMO entries say about it stands.
import { STANDARD_MOS } from "../../../modules/dm/mo/index.js";
import { AccessControl, DEVICE, Right, grantBootstrapRights, grantDeviceInstance, type Tree } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { DEVINFO_VALUES, TEST_MOID, addAccount, freshTree } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

const MOIDS_KNOWN = [...STANDARD_MOS.map((m) => m.schema.moid), TEST_MOID];
const rights = (tree: Tree, srvId: string, moid: string, miid: string, path: string[] = []): number =>
	new AccessControl(tree, { kind: "server", srvId }).rights({ moid, miid, path });

/** DevInfo made by the device; a test instance made by server dms9 (its owner); then a bootstrap
    gives dms1 (Perm: DevInfo, DMAcc, the test MO) and dms2 (Perm: *), with `carried` DACMO entries. */
function bootstrapped(carried: (cs: ReturnType<Tree["change"]>) => void = () => undefined) {
	const f = freshTree();
	let cs = f.tree.change();
	cs.createInstance(MOIDS.devInfo, "devinfo");
	for (const [k, v] of Object.entries(DEVINFO_VALUES)) cs.put({ moid: MOIDS.devInfo, miid: "devinfo", path: [k] }, v);
	addAccount(cs, "dms9", [TEST_MOID]);
	cs.commit();
	const owner = new AccessControl(f.tree, { kind: "server", srvId: "dms9" });
	cs = f.tree.change(owner.guard());
	owner.createInstance(cs, TEST_MOID, "theirs");
	cs.put({ moid: TEST_MOID, miid: "theirs", path: ["Val"] }, "v");
	cs.commit();
	cs = f.tree.change(new AccessControl(f.tree, DEVICE).guard());
	addAccount(cs, "dms1", [MOIDS.devInfo, MOIDS.dmAcc, TEST_MOID]);
	addAccount(cs, "dms2", ["*"]);
	carried(cs);
	for (const a of ["dms1", "dms2"]) grantBootstrapRights(cs, MOIDS_KNOWN, a);
	cs.commit();
	return f;
}

describe("tree: default rights of a bootstrapped server (interpretation 16)", () => {
	it("owns its own account, reads the device's instances its Perm names, and gets nothing else", () => {
		const { tree } = bootstrapped();
		assert.equal(rights(tree, "dms1", MOIDS.dmAcc, "dms1"), Right.All);
		assert.equal(rights(tree, "dms1", MOIDS.dmAcc, "dms2"), 0, "another server's account");
		assert.equal(rights(tree, "dms1", MOIDS.devInfo, "devinfo", ["FwV"]), Right.Read, "Perm alone never grants Write");
		assert.equal(rights(tree, "dms1", TEST_MOID, "theirs"), 0, "an instance another server created");
		assert.equal(rights(tree, "dms2", MOIDS.devInfo, "devinfo"), Right.Read, "Perm *");
		assert.equal(rights(tree, "dms2", MOIDS.dmAcc, "dms1"), 0);
		assert.equal(rights(tree, "dms9", MOIDS.devInfo, "devinfo"), 0, "a server the bootstrap did not give is not touched");
	});

	it("writes them as DACMO entries the server itself can read", () => {
		const { tree } = bootstrapped();
		const dms1 = new AccessControl(tree, { kind: "server", srvId: "dms1" });
		const entries = tree.childNames({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo"] }) ?? [];
		assert.deepEqual(entries.map((x) => tree.text({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo", x, "Permissions", "1", "MAID"] })).sort(), ["serverid:dms1", "serverid:dms2"]);
		assert.equal(dms1.rights({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo", entries[0]!, "Permissions"] }), Right.Read);
	});

	it("leaves what the bootstrap's DACMO says about a server: it may narrow or widen the default", () => {
		const { tree } = bootstrapped((cs) => {
			cs.createInstance(MOIDS.dacmo, MOIDS.devInfo);
			const at = (x: string, ...p: string[]) => ({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo", x, ...p] });
			cs.put(at("mine", "Permissions", "1", "MAID"), "serverid:dms1");
			cs.put(at("mine", "Permissions", "1", "AR"), Right.Read | Right.Write);
			cs.put(at("none", "Path"), "/");
			cs.put(at("none", "Permissions", "1", "MAID"), "serverid:dms2");
			cs.put(at("none", "Permissions", "1", "AR"), 0);
		});
		assert.equal(rights(tree, "dms1", MOIDS.devInfo, "devinfo"), Right.Read | Right.Write);
		assert.equal(rights(tree, "dms2", MOIDS.devInfo, "devinfo"), 0);
		assert.deepEqual(tree.childNames({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo"] }), ["mine", "none"], "no default beside them");
	});

	it("a device instance made later (SessionInfo at a first session) is readable by the servers whose Perm names it", () => {
		const { tree } = bootstrapped();
		const cs = tree.change();
		cs.createInstance(MOIDS.sessionInfo, "session");
		grantDeviceInstance(cs, MOIDS.sessionInfo, "session");
		cs.commit();
		assert.equal(rights(tree, "dms2", MOIDS.sessionInfo, "session"), Right.Read, "Perm *");
		assert.equal(rights(tree, "dms1", MOIDS.sessionInfo, "session"), 0, "not in dms1's Perm");
	});

	it("granting again writes nothing new", () => {
		const { tree } = bootstrapped();
		const before = tree.childNames({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo"] });
		const cs = tree.change();
		grantBootstrapRights(cs, MOIDS_KNOWN, "dms1");
		grantDeviceInstance(cs, MOIDS.devInfo, "devinfo");
		cs.commit();
		assert.deepEqual(tree.childNames({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo"] }), before);
	});
});
