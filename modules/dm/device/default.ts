// DEFAULT (5.3.10): an application needs an MO the tree has no instance of; if a server left a
// ServerURI for it, the device performs "the operations specified for HGET" against it for that
// server, providing no status back: over the server's account (origin-credentials.ts decides which
// of its credentials go to the ServerURI's origin, interpretation 19) and with its rights, so the
// instance created is the server's (10: the creator's full rights), which it can GET later (I.3).
import { defaultFor, hget, type CommandContext } from "../commands/index.js";
import type { AccountCredentials } from "../credentials.js";
import type { HttpClient } from "../session/index.js";
import type { Store } from "../store/index.js";
import { accountOf, type Tree } from "../tree/index.js";
import { accountCredentials } from "./account-credentials.js";

export interface DefaultContext {
	readonly tree: Tree;
	readonly store: Store;
	/** a command context over the HTTP client given, acting as the server `srvId`, or as the
	    device when the DEFAULT names none (stored by earlier firmware) */
	context(http: HttpClient, srvId: string | undefined): CommandContext;
	http(account: AccountCredentials): HttpClient & { close?(): void };
}

/** Whether the MO has an instance now. A DEFAULT whose server no longer has an account here is
    not used: nobody would own, or be able to read, what it placed. */
export async function configureFromDefault(c: DefaultContext, moid: string): Promise<boolean> {
	if (c.tree.instances(moid).length) return true;
	const stored = defaultFor(c.store, moid);
	if (stored === undefined) return false;
	let account: AccountCredentials;
	if (stored.srvId === undefined) account = { srvId: "", srvUri: stored.serverUri, tls: undefined };
	else {
		const miid = accountOf(c.tree, stored.srvId);
		if (miid === undefined) return false;
		account = accountCredentials(c.tree, miid, stored.srvId);
	}
	const http = c.http(account);
	try {
		return (await hget(c.context(http, stored.srvId), stored.serverUri)).status === 200;
	} catch {
		return false;
	} finally {
		http.close?.();
	}
}
