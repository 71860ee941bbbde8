// Which account a Package#0 is for, and whether it may start anything (5.2.1.2, 7.1.1, 9.1): the
// screen of codec/package0-screen.ts over the tree's accounts and their Auth/Noti credentials.
import { screenPackage0, type Verdict } from "../codec/index.js";
import { accountLeaf } from "../credentials.js";
import { accountOf, srvIdOf, type Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** The account a notification names: a DM server's, or one whose bootstrap server it comes from (8.4). */
export interface NotifiedAccount { readonly miid: string; readonly srvId: string; readonly bootstrap: boolean }

/** The account a Package#0 is for (5.2.1.2): by SrvID; without a SERVER-ID the only account, if
    there is one; or the one account whose Auth/Bootstrap/ServerURI the SERVER-ID is (a bootstrap
    server has no SrvID of its own on the device: it is known by its URI). Several accounts naming
    the same bootstrap server would make the trigger's credentials ambiguous: none is chosen. */
export function notifiedAccount(tree: Tree, serverId: string | undefined): NotifiedAccount | undefined {
	const all = tree.instances(MOIDS.dmAcc);
	if (serverId === undefined) return all.length === 1 ? { miid: all[0]!, srvId: srvIdOf(tree, all[0]!), bootstrap: false } : undefined;
	const miid = accountOf(tree, serverId);
	if (miid !== undefined) return { miid, srvId: serverId, bootstrap: false };
	const naming = all.filter((m) => tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["Auth", "Bootstrap", "ServerURI"] }) === serverId);
	return naming.length === 1 ? { miid: naming[0]!, srvId: srvIdOf(tree, naming[0]!), bootstrap: true } : undefined;
}

export interface ScreenOptions {
	/** the duplicates seen so far; only looked at here (interpretation 20: a pair is recorded when its session starts) */
	readonly filter: { seen(srvId: string, notificationId: number): boolean };
	/** POSIX seconds, undefined while the wall clock is unset */
	readonly now: number | undefined;
	readonly windowSeconds: number;
}

/** The screen's verdict, with the account it named when accepted. */
export function screenNotification(tree: Tree, bytes: Uint8Array, o: ScreenOptions): { verdict: Verdict; notified: NotifiedAccount | undefined } {
	let notified: NotifiedAccount | undefined;
	const verdict = screenPackage0(bytes, {
		account: (serverId) => {
			notified = notifiedAccount(tree, serverId);
			if (!notified) return undefined;
			const secret = accountLeaf(tree, notified.miid, ["Auth", "Noti", "Secret"]);
			const data = accountLeaf(tree, notified.miid, ["Auth", "Noti", "Data"]);
			return { serverId: notified.srvId, ...(secret ? { secret } : {}), ...(data ? { authData: data } : {}) };
		},
		filter: { admit: (serverId, id) => !o.filter.seen(serverId, id) },
		now: o.now, windowSeconds: o.windowSeconds,
	});
	return { verdict, notified };
}
