// DEFAULT (5.3.10): an application needs an MO the tree has no instance of; if a server left a
// ServerURI for it, the data is fetched as HGET does and placed by the client, as the device.
import { defaultFor, hget, type CommandContext } from "../commands/index.js";
import type { AccountCredentials } from "../credentials.js";
import type { HttpClient } from "../session/index.js";
import type { Store } from "../store/index.js";
import type { Tree } from "../tree/index.js";

export interface DefaultContext {
	readonly tree: Tree;
	readonly store: Store;
	/** a command context acting as the device, over the HTTP client given */
	context(http: HttpClient): CommandContext;
	http(account: AccountCredentials): HttpClient & { close?(): void };
}

/** Whether the MO has an instance now. The fetch carries no account's credentials (interpretation 19). */
export async function configureFromDefault(c: DefaultContext, moid: string): Promise<boolean> {
	if (c.tree.instances(moid).length) return true;
	const serverUri = defaultFor(c.store, moid);
	if (serverUri === undefined) return false;
	const http = c.http({ srvId: "", srvUri: serverUri, tls: undefined });
	try {
		return (await hget(c.context(http), serverUri)).status === 200;
	} catch {
		return false;
	} finally {
		http.close?.();
	}
}
