// The BootstrapComplete sessions a bootstrap leaves owed (8): "a successful bootstrap is followed
// by a session with each bootstrapped server". The mark is written in the bootstrap's own commit,
// so neither a power cut nor an unreachable server loses it, and it is cleared by the first
// session with that server that succeeds carrying the BootstrapComplete alert.
import { OWED_BOOTSTRAP_COMPLETE_PREFIX, type Store } from "../store/index.js";
import type { ChangeSet, Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** Store keys marking an account, by MIID, owed a BootstrapComplete session (store/keys.ts). */
const OWED = OWED_BOOTSTRAP_COMPLETE_PREFIX;
const OWED_MARK = Uint8Array.of(1);

/** In a bootstrap's change set: the account at `miid` is owed a BootstrapComplete session, or (false) no longer is. */
export function markOwed(cs: ChangeSet, miid: string, owed: boolean): void {
	cs.record(OWED + miid, owed ? OWED_MARK : undefined);
}

export function isOwed(store: Store, miid: string): boolean {
	return store.has(OWED + miid);
}

/** A BootstrapComplete session with the account at `miid` succeeded: nothing is owed to it any more. */
export function settleOwed(store: Store, miid: string): void {
	if (store.has(OWED + miid)) store.transact((t) => t.delete(OWED + miid));
}

/** SrvIDs of the accounts owed a BootstrapComplete session, sorted. */
export function owedAccounts(store: Store, tree: Tree): string[] {
	const out: string[] = [];
	for (const key of store.children(OWED.slice(0, -1))) {
		const miid = key.slice(OWED.length);
		const srvId = tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] });
		if (srvId !== undefined) out.push(srvId);
	}
	return out.sort();
}
