// The rights a bootstrapped server starts with (interpretation 16; 10, 12.3), written as DACMO
// entries so that a server can read what it may do (GET on the DACMO MO) instead of guessing:
// - its own DMAcc instance is the server's, as an instance a server creates is its creator's
//   (10: "exclusive full permissions"): AR 15 on the instance;
// - an instance the device made itself (DevInfo, SessionInfo, the device's own MOs) is readable
//   (AR 1, Get) by every bootstrapped server whose Perm/<x>/MOID names its MOID or "*".
// Perm alone never grants Write, Exec or Delegate on the device's own instances. DACMO entries the
// bootstrap carried for a server come first: where one names the server on an instance, it is left
// as it is (it may add to or narrow the default), and no default is written beside it. An instance
// a server created carries its owner's entry and is never granted to another server by default;
// DACMO itself is never a target (rights on it follow from the instances it controls).
import { MOIDS, type NodeRef } from "../uri/index.js";
import { Right } from "./access.js";
import type { ChangeSet } from "./change-set.js";

/** The DACMO entry name a default grant is written under; numbered when taken. */
const ENTRY = "default";

/** What the grants read: the change set's view (uncommitted writes included) and the MOIDs known. */
type View = Pick<ChangeSet, "has" | "text" | "childNames" | "instances" | "put" | "createInstance">;

/** The default rights of the server of DMAcc instance `account` (called as the device, in the change
    set that gave or changed the account: a bootstrap's). */
export function grantBootstrapRights(cs: View, moids: readonly string[], account: string): void {
	const srvId = cs.text({ moid: MOIDS.dmAcc, miid: account, path: ["SrvID"] });
	if (srvId === undefined) return;
	const maid = `serverid:${srvId}`;
	grant(cs, MOIDS.dmAcc, account, maid, Right.All);
	const perm = permitted(cs, account);
	for (const moid of moids) {
		if (moid === MOIDS.dmAcc || moid === MOIDS.dacmo || !(perm.has("*") || perm.has(moid))) continue;
		for (const miid of cs.instances(moid)) if (!ownedByServer(cs, moid, miid)) grant(cs, moid, miid, maid, Right.Read);
	}
}

/** The device made an instance of its own (DevInfo at first boot, SessionInfo at a first session):
    every account whose Perm names the MOID may read it. */
export function grantDeviceInstance(cs: View, moid: string, miid: string): void {
	if (moid === MOIDS.dmAcc || moid === MOIDS.dacmo) return;
	for (const account of cs.instances(MOIDS.dmAcc)) {
		const srvId = cs.text({ moid: MOIDS.dmAcc, miid: account, path: ["SrvID"] });
		const perm = permitted(cs, account);
		if (srvId !== undefined && (perm.has("*") || perm.has(moid))) grant(cs, moid, miid, `serverid:${srvId}`, Right.Read);
	}
}

function permitted(cs: View, account: string): Set<string> {
	const out = new Set<string>();
	for (const x of cs.childNames({ moid: MOIDS.dmAcc, miid: account, path: ["Perm"] })) {
		const moid = cs.text({ moid: MOIDS.dmAcc, miid: account, path: ["Perm", x, "MOID"] });
		if (moid !== undefined) out.add(moid);
	}
	return out;
}

/** Each DACMO permission on an instance: its entry and MAID. */
function* permissions(cs: View, moid: string, miid: string): Generator<{ entry: string; maid: string | undefined; ar: number }> {
	for (const x of cs.childNames(dacmo(moid, miid))) {
		for (const y of cs.childNames(dacmo(moid, miid, x, "Permissions"))) {
			yield { entry: x, maid: cs.text(dacmo(moid, miid, x, "Permissions", y, "MAID")), ar: Number(cs.text(dacmo(moid, miid, x, "Permissions", y, "AR")) ?? 0) };
		}
	}
}

/** A server's instance: some server holds every right on it (the creator's entry, 10). */
function ownedByServer(cs: View, moid: string, miid: string): boolean {
	for (const p of permissions(cs, moid, miid)) if (p.maid?.startsWith("serverid:") && (p.ar & Right.All) === Right.All) return true;
	return false;
}

function grant(cs: View, moid: string, miid: string, maid: string, ar: number): void {
	for (const p of permissions(cs, moid, miid)) if (p.maid === maid) return;	// the bootstrap said what this server may do here
	if (!cs.has({ moid: MOIDS.dacmo, miid: moid, path: [] })) cs.createInstance(MOIDS.dacmo, moid);
	let name = ENTRY;
	for (let n = 2; cs.has(dacmo(moid, miid, name)); n++) name = `${ENTRY}${n}`;
	cs.put(dacmo(moid, miid, name, "Permissions", "1", "MAID"), maid);
	cs.put(dacmo(moid, miid, name, "Permissions", "1", "AR"), ar);
}

function dacmo(moid: string, miid: string, ...rest: string[]): NodeRef {
	return { moid: MOIDS.dacmo, miid: moid, path: [miid, ...rest] };
}
