// The tree the command tests run on: the fixture's standard MOs with three servers, dms1 owning an
// instance "inst" of the test MO, DevInfo readable by every server ("*"), and a command context of
// dms1 with a scripted HttpClient (see scripted-http.ts).
import type { CommandContext, CommandHooks } from "../../../modules/dm/commands/index.js";
import { runToEnd, writeDmmo, type Selection } from "../../../modules/dm/commands/index.js";
import { JsonWriter } from "../../../modules/dm/codec/index.js";
import type { GenericAlert } from "../../../modules/dm/codec/package3.js";
import { AccessControl, Right } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { DEVINFO_VALUES, TEST_MOID, freshTree, provision } from "../../fixtures/tree.js";
import { ScriptedHttp, text, type Reply, type Sent } from "./scripted-http.js";

export const DEVID = DEVINFO_VALUES.DevID!;
export const DEVICE = Object.freeze({ devId: () => DEVID, mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined });

/** lend: the scripted responses offer pull() with lent pieces (the transport's path) besides read() */
export function setup(script: (req: Sent, n: number) => Reply | "drop" = () => ({ status: 200 }), hooks: CommandHooks = {}, srvId = "dms1", lend = false) {
	const f = freshTree();
	provision(f.tree);
	const owner = new AccessControl(f.tree, { kind: "server", srvId: "dms1" });
	let cs = f.tree.change(owner.guard());
	owner.createInstance(cs, TEST_MOID, "inst");
	const at = (...path: string[]) => ({ moid: TEST_MOID, miid: "inst", path });
	cs.put(at("Val"), "hello");
	cs.put(at("Run"));
	cs.put(at("Secret"), "c2VjcmV0");
	cs.put(at("Items", "i1", "ID"), "one");
	cs.commit();
	cs = f.tree.change();
	cs.createInstance(MOIDS.dacmo, MOIDS.devInfo);
	cs.put({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo", "all", "Permissions", "1", "MAID"] }, "*");
	cs.put({ moid: MOIDS.dacmo, miid: MOIDS.devInfo, path: ["devinfo", "all", "Permissions", "1", "AR"] }, Right.Read);
	// each server may read and write its own account, as a bootstrap would provision it
	cs.createInstance(MOIDS.dacmo, MOIDS.dmAcc);
	for (const s of ["dms1", "dms2", "dms3"]) {
		cs.put({ moid: MOIDS.dacmo, miid: MOIDS.dmAcc, path: [s, "own", "Permissions", "1", "MAID"] }, `serverid:${s}`);
		cs.put({ moid: MOIDS.dacmo, miid: MOIDS.dmAcc, path: [s, "own", "Permissions", "1", "AR"] }, Right.Read | Right.Write);
	}
	cs.commit();
	const http = new ScriptedHttp(script, 7, 3, lend);
	const reports: GenericAlert[] = [];
	/** whom each report is for, in the same order */
	const reportedTo: { srvId: string; url?: string }[] = [];
	const ctx: CommandContext & { omadmAccept?: string | undefined } = {
		tree: f.tree, store: f.store, access: new AccessControl(f.tree, { kind: "server", srvId }), srvId, http, device: DEVICE,
		report: (a, to) => { reports.push(a); reportedTo.push(to); }, hooks,
	};
	return { ...f, ctx, http, reports, reportedTo, at };
}

/** A selection as the dmmo+json the client would send, parsed back. */
export function dmmoOf(tree: CommandContext["tree"], selections: readonly Selection[]): unknown {
	const parts: Uint8Array[] = [];
	runToEnd(writeDmmo(tree, selections, new JsonWriter((b) => parts.push(b.slice()), 16)));
	let all = "";
	for (const p of parts) all += text(p);
	return JSON.parse(all);
}
