// A factory bootstrap (8.2) from a build's config, for a board or a test build provisioned with one
// PSK account: DevInfo comes from the device's own facts (interpretation 17) and the server's rights
// from the bootstrap's defaults (interpretation 16), so the document carries only the account.
import { encodeBase64, encodeUtf8 } from "../../modules/bytes/index.js";
import { MOIDS } from "../../modules/dm/uri/index.js";

export interface AccountConfig {
	/** the DM server's https SrvURI */
	server: string;
	srvId: string;
	/** the PSK identity (UTF-8) and the PSK (hex) the server gave this device */
	pskIdentity: string;
	pskHex: string;
}

/** The dmmo+json factory document for one account, or undefined when the config names no server. */
export function configFactory(c: Partial<AccountConfig>): Uint8Array | undefined {
	if (!c.server || !c.srvId || !c.pskIdentity || !c.pskHex) return undefined;
	const psk = Uint8Array.from(c.pskHex.match(/../g) ?? [], (x) => parseInt(x, 16));
	return encodeUtf8(JSON.stringify([{
		ClientURI: `${MOIDS.dmAcc}/${c.srvId}/`,
		MOData: { [c.srvId]: {
			SrvID: c.srvId, SrvURI: c.server, Name: c.srvId,
			Perm: { "1": { MOID: MOIDS.devInfo }, "2": { MOID: MOIDS.dmAcc }, "3": { MOID: MOIDS.sessionInfo } },
			Auth: { Trsp: { Data: encodeBase64(encodeUtf8(c.pskIdentity)), Secret: encodeBase64(psk) } },
		} },
	}]));
}
