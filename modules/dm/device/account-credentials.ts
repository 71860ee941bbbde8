// What the transport needs of a DM account to reach its server: SrvURI, Auth/Trsp and the
// account's trust anchors (interpretation 11), and what it says about other origins (Ext/
// TrustedOrigins, Ext/HttpAuth, Ext/TLS11; interpretations 8, 19), read from the tree when a
// session starts.
import { decodeUtf8 } from "../../bytes/index.js";
import { accountLeaf, trspCredentials, type AccountCredentials, type AccountReach, type HttpAuth } from "../credentials.js";
import type { Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";
import { originOf } from "./origin-credentials.js";

/** The credentials of the account at `miid` (SrvID `srvId`). Never log them. */
export function accountCredentials(tree: Tree, miid: string, srvId: string): AccountCredentials {
	const reach = accountReach(tree, miid);
	return {
		srvId, miid, srvUri: tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] }) ?? "",
		tls: trspCredentials(accountLeaf(tree, miid, ["Auth", "Trsp", "Data"]), accountLeaf(tree, miid, ["Auth", "Trsp", "Secret"]), reach.trustAnchors),
		reach,
	};
}

/** Ext/TrustAnchor, Ext/TrustedOrigins, Ext/HttpAuth and Ext/TLS11 of the account at `miid`. An
    entry that does not parse (an origin that is no http(s) URL, HttpAuth without its User or
    Secret) is left out: it can only narrow where credentials go, never widen it. */
export function accountReach(tree: Tree, miid: string): AccountReach {
	const names = (path: string[]): string[] => tree.childNames({ moid: MOIDS.dmAcc, miid, path }) ?? [];
	const text = (path: string[]): string | undefined => tree.text({ moid: MOIDS.dmAcc, miid, path });
	const trustAnchors = names(["Ext", "TrustAnchor"])
		.map((x) => accountLeaf(tree, miid, ["Ext", "TrustAnchor", x])).filter((b): b is Uint8Array => b !== undefined);
	const trustedOrigins = names(["Ext", "TrustedOrigins"])
		.map((x) => originOf(text(["Ext", "TrustedOrigins", x]) ?? "")).filter((o): o is string => o !== undefined);
	const httpAuth: HttpAuth[] = [];
	for (const x of names(["Ext", "HttpAuth"])) {
		const origin = originOf(text(["Ext", "HttpAuth", x, "Origin"]) ?? ""), user = text(["Ext", "HttpAuth", x, "User"]);
		const secretBytes = accountLeaf(tree, miid, ["Ext", "HttpAuth", x, "Secret"]);
		const secret = secretBytes ? decodeUtf8(secretBytes) : undefined;
		const type = (text(["Ext", "HttpAuth", x, "Type"]) ?? "").toLowerCase();
		if (origin === undefined || user === undefined || secret == null) continue;
		if (type !== "" && type !== "basic" && type !== "digest") continue;	// a scheme we cannot answer: send nothing
		httpAuth.push({ origin, user, secret, scheme: type === "basic" ? "Basic" : type === "digest" ? "Digest" : undefined });
	}
	return { trustAnchors, trustedOrigins, httpAuth, tls11: text(["Ext", "TLS11"]) === "true" };
}
