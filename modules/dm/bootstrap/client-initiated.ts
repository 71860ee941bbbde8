// Client-initiated bootstrap (8.3): the DM Bootstrap fetched from the bootstrap server an account
// names in Auth/Bootstrap, authenticated both ways by TLS with the Auth/Bootstrap credentials
// (9.3.2; PSK or X.509, see ../credentials.ts), and applied as HGET without a ClientURI does (8.5),
// in one commit. Figure 12 is missing from the spec: the bootstrap is an HTTP GET of
// Auth/Bootstrap/ServerURI (ServerURI substitutions applied) that answers application/dmmo+json;
// anything else changes nothing.
import { pullBody } from "../commands/index.js";
import { accountLeaf, bootstrapCredentials, type AccountCredentials } from "../credentials.js";
import { DmError } from "../error.js";
import type { HttpClient } from "../session/index.js";
import { accountOf, srvIdOf, type Tree } from "../tree/index.js";
import { MOIDS, substituteServerUri, type DeviceInfoProvider } from "../uri/index.js";
import { placedAccounts, type BootstrapWriter } from "./writer.js";

export interface ClientBootstrapContext {
	readonly tree: Tree;
	readonly device: DeviceInfoProvider;
	readonly development: boolean;
	/** an HTTP client whose credentials go to this (bootstrap) account's origin only */
	http(account: AccountCredentials): HttpClient & { close?(): void };
	/** a writer that owes each account it gives a BootstrapComplete session */
	writer(): BootstrapWriter;
}

/** Fetches and applies the bootstrap of the account `srvId` names. Returns the SrvIDs of the
    accounts it gave, each owed a BootstrapComplete session; rejects with a DmError and changes
    nothing when the server, its TLS or its document is refused. */
export async function clientBootstrap(c: ClientBootstrapContext, srvId: string): Promise<string[]> {
	const miid = accountOf(c.tree, srvId);
	if (miid === undefined) throw new DmError(404, `no DM account with SrvID ${srvId}`);
	const serverUri = c.tree.text({ moid: MOIDS.dmAcc, miid, path: ["Auth", "Bootstrap", "ServerURI"] });
	const at = (leaf: string): Uint8Array | undefined => accountLeaf(c.tree, miid, ["Auth", "Bootstrap", leaf]);
	const tls = bootstrapCredentials(at("ClientPubKey"), at("ClientSecretKey"), at("ServerPubKey"));
	if (!serverUri || !tls) throw new DmError(404, `the account ${srvId} has no Auth/Bootstrap server and credentials for both ends (9.3.2)`);
	const url = substituteServerUri(serverUri, c.device);
	if (!url.startsWith("https:") && !c.development) throw new DmError(419, "a bootstrap travels only over TLS (9.3): Auth/Bootstrap/ServerURI must be https");
	const http = c.http({ srvId: `${srvId}#bootstrap`, srvUri: url, tls });
	try {
		const response = await http.request({ method: "GET", url, headers: [["Accept", "application/dmmo+json"]] });
		if (response.status !== 200) throw new DmError(419, `the bootstrap server answered HTTP ${response.status}`);
		const type = (response.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
		if (type !== "application/dmmo+json") throw new DmError(415, `the bootstrap server sent ${JSON.stringify(type)}, not application/dmmo+json`);
		const writer = c.writer();
		let placed: string[];
		try {
			// each piece applied as the transport lends it: the reader keeps nothing of it
			await pullBody(response, (chunk) => writer.write(chunk));
			placed = writer.end();
		} catch (e) {
			writer.abort();
			throw e;
		}
		return placedAccounts(placed).map((m) => srvIdOf(c.tree, m));
	} finally {
		http.close?.();
	}
}
