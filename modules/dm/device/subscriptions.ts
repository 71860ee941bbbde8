// SUB (5.3.11): each subscribed sub-tree that changed since it was last reported is PUT to the
// subscription's ServerURI, with the rights of the server that subscribed. A report that fails
// stays pending and is tried again at the next trigger.
import type { AccountCredentials } from "../credentials.js";
import { DmError } from "../error.js";
import { changedSince, listSubscriptions, saveSubscription, send, validatorsOf } from "../commands/index.js";
import type { HttpClient } from "../session/index.js";
import type { Store } from "../store/index.js";
import { AccessControl, Right, accountOf, type Tree } from "../tree/index.js";
import { parseClientUri, substituteServerUri, type DeviceInfoProvider } from "../uri/index.js";
import { accountCredentials } from "./account-credentials.js";

export interface ReportContext {
	readonly tree: Tree;
	readonly store: Store;
	readonly device: DeviceInfoProvider;
	http(account: AccountCredentials): HttpClient & { close?(): void };
	log?(e: { event: "subscription"; clientUri: string; status: number }): void;
}

/** Sends the reports due; returns how many were accepted (HTTP 200). */
export async function reportChanges(c: ReportContext): Promise<number> {
	let sent = 0;
	for (const s of listSubscriptions(c.store)) {
		if (!changedSince(c.tree, s)) continue;
		const miid = accountOf(c.tree, s.srvId);
		if (miid === undefined) continue;
		const access = new AccessControl(c.tree, { kind: "server", srvId: s.srvId });
		const http = c.http(accountCredentials(c.tree, miid, s.srvId));
		let status: number;
		try {
			const uri = parseClientUri(s.clientUri);
			const refs = access.resolve(uri, Right.Read, uri.level);
			const url = substituteServerUri(s.serverUri, c.device);
			status = (await send(http, c.tree, "PUT", url, [{ refs, level: uri.level }], undefined)).status;
			if (status === 200) { saveSubscription(c.store, { ...s, seen: validatorsOf(c.tree, refs) }, s.id); sent++; }
		} catch (e) {
			status = e instanceof DmError ? e.status : 500;
		} finally {
			http.close?.();
		}
		c.log?.({ event: "subscription", clientUri: s.clientUri, status });
	}
	return sent;
}
