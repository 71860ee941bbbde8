// What the transport needs of a DM account to reach its server: SrvURI, Auth/Trsp and the
// account's trust anchors (interpretation 11), read from the tree when a session starts.
import { accountLeaf, trspCredentials, type AccountCredentials } from "../credentials.js";
import type { Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** The credentials of the account at `miid` (SrvID `srvId`). Never log them. */
export function accountCredentials(tree: Tree, miid: string, srvId: string): AccountCredentials {
	const anchors = (tree.childNames({ moid: MOIDS.dmAcc, miid, path: ["Ext", "TrustAnchor"] }) ?? [])
		.map((x) => accountLeaf(tree, miid, ["Ext", "TrustAnchor", x])).filter((b): b is Uint8Array => b !== undefined);
	return {
		srvId, srvUri: tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] }) ?? "",
		tls: trspCredentials(accountLeaf(tree, miid, ["Auth", "Trsp", "Data"]), accountLeaf(tree, miid, ["Auth", "Trsp", "Secret"]), anchors),
	};
}
