// Access control (10, 12.3, 6.3.1.1): every command × owner / delegated / none / not provisioned /
// No-Get node. A refused command is 403 (405 where the MO forbids it, 404 where the node is not
// exposed) and changes nothing.
import { DmError } from "../../../modules/dm/error.js";
import { AccessControl, Right, type Principal, type Tree } from "../../../modules/dm/tree/index.js";
import { MOIDS, parseClientUri } from "../../../modules/dm/uri/index.js";
import { TEST_MOID, addAccount, freshTree, provision, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

const server = (srvId: string): Principal => ({ kind: "server", srvId });
const DACMO = MOIDS.dacmo;

/** dms1 creates the test instance (owner); the device delegates Read+Exec to dms2; dms3 has
    nothing; dms4 is not provisioned for the test MO. DevInfo is readable and writable by all ("*"). */
function setup() {
	const f = freshTree();
	provision(f.tree);
	let cs = f.tree.change();
	addAccount(cs, "dms4", [MOIDS.devInfo]);
	cs.commit();
	const owner = new AccessControl(f.tree, server("dms1"));
	cs = f.tree.change(owner.guard());
	owner.createInstance(cs, TEST_MOID, "inst");
	const at = (...path: string[]) => ({ moid: TEST_MOID, miid: "inst", path });
	cs.put(at("Val"), "v");
	cs.put(at("Run"));
	cs.put(at("Secret"), "c2VjcmV0");
	cs.put(at("Fixed"), "set with the instance");
	cs.put(at("Items", "i1", "ID"), "one");
	cs.commit();
	cs = f.tree.change();
	const grant = (moid: string, miid: string, x: string, maid: string, ar: number, path?: string) => {
		if (!cs.has({ moid: DACMO, miid: moid, path: [] })) cs.createInstance(DACMO, moid);
		if (path) cs.put({ moid: DACMO, miid: moid, path: [miid, x, "Path"] }, path);
		cs.put({ moid: DACMO, miid: moid, path: [miid, x, "Permissions", "1", "MAID"] }, maid);
		cs.put({ moid: DACMO, miid: moid, path: [miid, x, "Permissions", "1", "AR"] }, ar);
	};
	grant(TEST_MOID, "inst", "d2", "serverid:dms2", Right.Read | Right.Exec);
	grant(MOIDS.devInfo, "devinfo", "all", "*", Right.Read | Right.Write);
	cs.commit();
	return { ...f, grant: (...a: Parameters<typeof grant>) => { cs = f.tree.change(); grant(...a); cs.commit(); } };
}

type Command = "GET" | "HPUT" | "HGET replace" | "HGET add" | "DELETE" | "EXEC";

/** A command as dm/commands will run it: resolve with the right it needs, then change. */
function run(tree: Tree, who: string, command: Command, text: string): number {
	const ac = new AccessControl(tree, server(who));
	const before = snapshot(tree.store);
	try {
		const uri = parseClientUri(text);
		if (command === "GET" || command === "HPUT") { ac.resolve(uri, Right.Read, uri.level); return 200; }
		if (command === "EXEC") { ac.resolve(uri, Right.Exec); return 200; }
		const cs = tree.change(ac.guard());
		if (command === "HGET add") {
			const [parent] = ac.resolve(parseClientUri(text.replace(/\/[^/]+$/, "/")), Right.Write);
			cs.put({ ...parent!, path: [...parent!.path, "Blob"] }, "AAAA");
		}
		else {
			for (const ref of ac.resolve(uri, Right.Write)) {
				if (command === "DELETE") ac.delete(cs, ref);
				else cs.put(ref, "bmV3");
			}
		}
		cs.commit();
		return 200;
	} catch (e) {
		if (!(e instanceof DmError)) throw e;
		assert.equal(snapshot(tree.store), before, `${command} by ${who} refused (${e.status}) but changed the tree`);
		return e.status;
	}
}

describe("access control: the matrix of commands × authorities", () => {
	const U = `${TEST_MOID}/inst`;
	const rows: [Command, string, Record<string, number>][] = [
		["GET", `${U}/Val`, { dms1: 200, dms2: 200, dms3: 403, dms4: 403 }],
		["HPUT", `${U}/?lv=1`, { dms1: 200, dms2: 200, dms3: 403, dms4: 403 }],
		["HGET replace", `${U}/Secret`, { dms1: 200, dms2: 403, dms3: 403, dms4: 403 }],
		["HGET add", `${U}/Blob`, { dms1: 200, dms2: 403, dms3: 403, dms4: 403 }],
		["DELETE", `${U}/Items`, { dms1: 200, dms2: 403, dms3: 403, dms4: 403 }],
		["EXEC", `${U}/Run`, { dms1: 200, dms2: 200, dms3: 403, dms4: 403 }],
	];
	const roles: Record<string, string> = { dms1: "owner", dms2: "delegated Read+Exec", dms3: "no rights", dms4: "MOID not provisioned" };
	for (const [command, text, want] of rows) {
		for (const who of Object.keys(want)) {
			it(`${command} by the ${roles[who]} → ${want[who]}`, () => {
				const { tree } = setup();
				assert.equal(run(tree, who, command, text), want[who]);
			});
		}
	}

	for (const command of ["GET", "HPUT"] as const) {
		it(`${command} of a No-Get node is 404 for everyone with rights, owner included`, () => {
			const { tree } = setup();
			for (const who of ["dms1", "dms2"]) assert.equal(run(tree, who, command, `${U}/Secret`), 404, who);
			assert.equal(run(tree, "dms3", command, `${U}/Secret`), 403, "no rights on the instance comes first");
			assert.equal(run(tree, "dms1", command, `${TEST_MOID}/(x)/Val?nv=(x)/Secret:c2VjcmV0`), 404, "nor can an nv test it");
		});
	}

	it("a No-Get node is in no listing or wildcard", () => {
		const { tree } = setup();
		const ac = new AccessControl(tree, server("dms1"));
		const refs = ac.resolve(parseClientUri(`${U}/*`), Right.Read).map((r) => r.path.join("/"));
		assert.deepEqual(refs, ["Fixed", "Items", "Num", "Run", "Val"]);
		const walked: string[] = [];
		tree.walk({ moid: TEST_MOID, miid: "inst", path: [] }, 9, (p) => { walked.push(p.join("/")); });
		assert.ok(!walked.includes("Secret"));
	});

	it("EXEC of a node without Exec is 405; writing a permanent node is 405", () => {
		const { tree } = setup();
		assert.equal(run(tree, "dms1", "EXEC", `${U}/Val`), 405);
		assert.equal(run(tree, "dms1", "HGET replace", `${U}/Fixed`), 405);
		assert.equal(run(tree, "dms1", "HGET replace", `${MOIDS.devInfo}//DevID`), 405, "DevInfo is permanent");
		assert.equal(run(tree, "dms1", "DELETE", `${U}/Val`), 405, "a required node");
	});

	it("wildcards and x-names see only the instances an authority has rights on", () => {
		const { tree } = setup();
		const sel = (who: string, text: string) => new AccessControl(tree, server(who)).resolve(parseClientUri(text), Right.Read).map((r) => r.miid);
		assert.deepEqual(sel("dms2", `${TEST_MOID}/*/Val`), ["inst"]);
		assert.equal(run(tree, "dms3", "GET", `${TEST_MOID}/*/Val`), 404);
		assert.deepEqual(sel("dms1", `${MOIDS.devInfo}//DevID`), ["devinfo"], "\"*\" in MAID is everyone");
		assert.equal(run(tree, "dms1", "GET", `${MOIDS.dmAcc}/*/SrvID`), 404, "no DACMO entry for the accounts yet");
	});

	it("a command touching a node it has no rights on fails whole (DM-OBJ-012)", () => {
		const { tree, grant } = setup();
		grant(TEST_MOID, "inst", "items", "serverid:dms1", Right.Write, "/Items");   // overrides at Items: no Read there
		assert.equal(run(tree, "dms1", "GET", `${U}/`), 403, "the sub-tree includes Items");
		assert.equal(run(tree, "dms1", "GET", `${U}/Val`), 200);
		assert.equal(run(tree, "dms1", "HGET replace", `${U}/Items/i1/ID`), 200);
		assert.equal(run(tree, "dms2", "GET", `${U}/Items/i1/ID`), 403, "dms2 is not in the overriding entry");
	});

	it("a deeper entry named with a wildcard still rules its nodes in a GET of the sub-tree; one past lv= rules none it touches", () => {
		const { tree, grant } = setup();
		grant(TEST_MOID, "inst", "ids", "serverid:dms1", Right.Write, "/Items/*/ID");   // no Read on any item's ID
		assert.equal(run(tree, "dms1", "GET", `${U}/`), 403, "Items/i1/ID is in the sub-tree");
		assert.equal(run(tree, "dms1", "GET", `${U}/Items/i1`), 403);
		assert.equal(run(tree, "dms1", "GET", `${U}/?lv=2`), 200, "lv=2 stops at Items/i1, above the IDs");
		assert.equal(run(tree, "dms1", "GET", `${U}/Val`), 200);
	});
});

describe("access control: delegation (12.3)", () => {
	const maid = (x: string) => ({ moid: DACMO, miid: TEST_MOID, path: ["inst", x, "Permissions", "1", "MAID"] });
	const ar = (x: string) => ({ moid: DACMO, miid: TEST_MOID, path: ["inst", x, "Permissions", "1", "AR"] });
	function delegate(tree: Tree, by: string, to: string): number {
		const ac = new AccessControl(tree, server(by));
		const before = snapshot(tree.store);
		try {
			const cs = tree.change(ac.guard());
			cs.put(maid("g"), `serverid:${to}`);
			cs.put(ar("g"), Right.Read);
			cs.commit();
			return 200;
		} catch (e) {
			if (!(e instanceof DmError)) throw e;
			assert.equal(snapshot(tree.store), before);
			return e.status;
		}
	}

	it("the owner delegates Read to another server, which can then read", () => {
		const { tree } = setup();
		assert.equal(run(tree, "dms3", "GET", `${TEST_MOID}/inst/Val`), 403);
		assert.equal(delegate(tree, "dms1", "dms3"), 200);
		assert.equal(run(tree, "dms3", "GET", `${TEST_MOID}/inst/Val`), 200);
		assert.equal(run(tree, "dms3", "HGET replace", `${TEST_MOID}/inst/Val`), 403);
	});

	it("an authority without Delegate cannot delegate", () => {
		const { tree } = setup();
		assert.equal(delegate(tree, "dms2", "dms3"), 403);
	});

	it("delegating to a server not provisioned for the MOID is refused", () => {
		const { tree } = setup();
		assert.equal(delegate(tree, "dms1", "dms4"), 403);
	});

	it("the DACMO shows an authority its own entries, read through the target's rights", () => {
		const { tree } = setup();
		const ac = new AccessControl(tree, server("dms2"));
		const refs = ac.resolve(parseClientUri(`${DACMO}/${encodeURIComponent(TEST_MOID)}/inst/d2/Permissions/1/AR`), Right.Read);
		assert.equal(tree.text(refs[0]!), String(Right.Read | Right.Exec));
		assert.equal(run(tree, "dms3", "GET", `${DACMO}/${encodeURIComponent(TEST_MOID)}/`), 403);
	});

	it("deleting an instance drops its DACMO entries; a server creating one owns it", () => {
		const { tree } = setup();
		assert.equal(run(tree, "dms1", "DELETE", `${TEST_MOID}/inst/`), 200);
		assert.equal(tree.has({ moid: DACMO, miid: TEST_MOID, path: ["inst"] }), false);
		const ac = new AccessControl(tree, server("dms3"));
		const cs = tree.change(ac.guard());
		ac.createInstance(cs, TEST_MOID, "mine");
		cs.put({ moid: TEST_MOID, miid: "mine", path: ["Val"] }, "x");
		cs.commit();
		assert.equal(run(tree, "dms3", "HGET replace", `${TEST_MOID}/mine/Val`), 200);
		assert.equal(run(tree, "dms1", "GET", `${TEST_MOID}/mine/Val`), 403);
		assert.equal(run(tree, "dms4", "HGET add", `${TEST_MOID}/mine/Blob`), 403);
	});

	it("a server may not create an instance of an MOID it was not provisioned for", () => {
		const { tree } = setup();
		const ac = new AccessControl(tree, server("dms4"));
		const cs = tree.change(ac.guard());
		let status = 200;
		try { ac.createInstance(cs, TEST_MOID, "nope"); } catch (e) { status = (e as DmError).status; }
		assert.equal(status, 403);
		assert.deepEqual(tree.instances(TEST_MOID), ["inst"]);
	});

	it("Perm and Auth/Bootstrap are the bootstrap's: a server with full rights on its account may not write them (9.3.2, 10)", () => {
		const { tree, grant } = setup();
		grant(MOIDS.dmAcc, "dms1", "own", "serverid:dms1", Right.All);
		const status = (fn: (ac: AccessControl, cs: ReturnType<Tree["change"]>) => void): number => {
			const ac = new AccessControl(tree, server("dms1"));
			const cs = tree.change(ac.guard());
			try { fn(ac, cs); cs.commit(); return 200; } catch (e) { cs.abort(); return (e as DmError).status; } finally { cs.abort(); }
		};
		const at = (miid: string, ...path: string[]) => ({ moid: MOIDS.dmAcc, miid, path });
		const before = snapshot(tree.store);
		assert.equal(status((_, cs) => cs.put(at("dms1", "Auth", "Bootstrap", "ServerURI"), "https://evil.example/bs")), 403);
		assert.equal(status((_, cs) => cs.put(at("dms1", "Perm", "9", "MOID"), "*")), 403);
		// and the DMAcc MO allows no server to add an account (its root has no Add): 405
		assert.equal(status((ac, cs) => { ac.createInstance(cs, MOIDS.dmAcc, "rogue"); cs.put(at("rogue", "SrvID"), "rogue"); cs.put(at("rogue", "Perm", "1", "MOID"), "*"); }), 405);
		assert.deepEqual(snapshot(tree.store), before, "nothing changed");
		// what the account's own server may keep current is still its to write
		assert.equal(status((_, cs) => cs.put(at("dms1", "Auth", "Noti", "Secret"), "bmV3")), 200);
		// deleting its whole account takes Perm along: that is the server's to decide
		assert.equal(status((ac, cs) => ac.delete(cs, at("dms1"))), 200);
		assert.equal(tree.has(at("dms1")), false);
	});
});
