// SUB (5.3.11): each subscribed sub-tree whose report would differ from the last one sent is PUT
// to the subscription's ServerURI, with the rights of the server that subscribed (a sub-tree gone,
// or no longer readable by its server, is reported as an empty document). A report that fails
// stays pending and is tried again at the next trigger.
import type { AccountCredentials } from "../credentials.js";
import { DmError } from "../error.js";
import { fingerprint, listSubscriptions, saveSubscription, selectFor, send } from "../commands/index.js";
import type { HttpClient } from "../session/index.js";
import type { Store } from "../store/index.js";
import { AccessControl, accountOf, type Tree } from "../tree/index.js";
import { substituteServerUri, type DeviceInfoProvider } from "../uri/index.js";
import { accountCredentials } from "./account-credentials.js";

export interface ReportContext {
	readonly tree: Tree;
	readonly store: Store;
	readonly device: DeviceInfoProvider;
	http(account: AccountCredentials): HttpClient & { close?(): void };
	log?(e: { event: "subscription"; clientUri: string; status: number }): void;
}

/** Sends the reports due; returns how many were accepted (any 2xx). */
export async function reportChanges(c: ReportContext): Promise<number> {
	let sent = 0;
	for (const s of listSubscriptions(c.store)) {
		const access = new AccessControl(c.tree, { kind: "server", srvId: s.srvId });
		const selection = selectFor(access, s.clientUri);
		const seen = fingerprint(c.tree, selection);
		if (seen === s.seen) continue;
		const miid = accountOf(c.tree, s.srvId);
		if (miid === undefined) continue;
		const http = c.http(accountCredentials(c.tree, miid, s.srvId));
		let status: number;
		try {
			const url = substituteServerUri(s.serverUri, c.device);
			status = (await send(http, c.tree, "PUT", url, [selection ?? { refs: [], level: undefined }], undefined)).status;
			if (status >= 200 && status < 300) { saveSubscription(c.store, { ...s, seen }, s.id); sent++; }
		} catch (e) {
			status = e instanceof DmError ? e.status : 500;
		} finally {
			http.close?.();
		}
		c.log?.({ event: "subscription", clientUri: s.clientUri, status });
	}
	return sent;
}
