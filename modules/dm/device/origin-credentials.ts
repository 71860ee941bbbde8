// Which origin gets an account's credentials (a security rule every host follows, interpretation
// 19): the account's PSK or client certificate go to its own SrvURI origin and to no other. A
// session's HGET to a repository, a redirect, a SUB report or DEFAULT's ServerURI on another
// origin gets nothing of them, so a server cannot make the device hand its PSK to a third host.
import type { AccountCredentials } from "../credentials.js";
import { parseUrl, type OriginCredentials } from "../../transport/index.js";

/** "scheme://host:port" of a URL, or undefined when it is no http(s) URL. */
export function originOf(url: string): string | undefined {
	try {
		return parseUrl(url).origin;
	} catch {
		return undefined;	// the request itself will say what is wrong with the URI
	}
}

/** The credentials the transport may use towards `origin` for `account`'s session: its TLS
    credentials when `origin` is its SrvURI's, else none. */
export function credentialsForOrigin(account: AccountCredentials, origin: string): OriginCredentials | undefined {
	const tls = account.tls;
	if (!tls || originOf(account.srvUri) !== origin) return undefined;
	return tls.mode === "psk"
		? { psk: { identity: tls.identity, key: tls.key } }
		: { x509: { trustAnchors: tls.trustAnchors, ...(tls.certificate && tls.key ? { certificate: tls.certificate, key: tls.key } : {}) } };
}
