// Which DMAcc instance (12.2) belongs to a server: the one place the device looks an account up by
// its SrvID. Access control, the session, the bootstraps and the device lifecycle all ask here, so
// the rule (the first instance whose SrvID leaf is exactly that text) cannot drift between them.
import { MOIDS, type NodeRef } from "../uri/index.js";

/** What the lookup reads: a Tree, or a ChangeSet (which sees its own uncommitted writes). */
export interface AccountView {
	instances(moid: string): string[];
	text(ref: NodeRef): string | undefined;
}

/** The MIID of the DM account whose SrvID is `srvId`, or undefined when the device has none. */
export function accountOf(view: AccountView, srvId: string): string | undefined {
	return view.instances(MOIDS.dmAcc).find((m) => view.text({ moid: MOIDS.dmAcc, miid: m, path: ["SrvID"] }) === srvId);
}

/** The SrvID of the account at `miid`, or the MIID itself when the leaf is missing. */
export function srvIdOf(view: AccountView, miid: string): string {
	return view.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] }) ?? miid;
}
