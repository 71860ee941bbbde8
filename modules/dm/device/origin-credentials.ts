// Which origin gets which of an account's credentials (a security rule every host follows,
// interpretation 19):
// - the account's PSK or client certificate (Auth/Trsp) go to its own SrvURI origin and to the
//   origins it lists under Ext/TrustedOrigins, and to no other: a server's HGET to a repository, a
//   redirect, a SUB report or DEFAULT's ServerURI on another origin cannot make the device hand
//   its PSK to a third host;
// - any other https origin is reached with X.509, the server checked against the device's trust
//   store (CA certificates the host provides) and the account's Ext/TrustAnchor, and the client
//   stays anonymous at the TLS layer; with no anchor at all nothing is offered and the transport
//   refuses the connection (a TLS failure);
// - HTTP Basic/Digest credentials (Ext/HttpAuth) answer a 401 of their own origin only;
// - Ext/TLS11 lets an X.509 connection fall back to TLS 1.1 (interpretation 8); PSK stays TLS 1.2.
import type { AccountCredentials } from "../credentials.js";
// from their own files: transport's index brings the TLS natives, which a unit test on Node lacks
import type { OriginCredentials } from "../../transport/index.js";
import { parseUrl } from "../../http/index.js";

/** "scheme://host:port" of a URL, or undefined when it is no http(s) URL. Host in lower case,
    the scheme's default port written out, so two spellings of one origin compare equal. */
export function originOf(url: string): string | undefined {
	try {
		return parseUrl(url).origin;
	} catch {
		return undefined;	// the request itself will say what is wrong with the URI
	}
}

/** What `origin` is to `account`: its own server's, one it trusts with its credentials, or another. */
export type OriginRole = "own" | "trusted" | "other";

/** The one place that decides whether an origin may have the account's TLS credentials.
    `origin` is as originOf writes it. */
export function originRole(account: AccountCredentials, origin: string): OriginRole {
	if (originOf(account.srvUri) === origin) return "own";
	// Auth/Trsp is a TLS credential: a listed http origin would get nothing of it anyway
	if (origin.startsWith("https://") && (account.reach?.trustedOrigins ?? []).includes(origin)) return "trusted";
	return "other";
}

/** The credentials the transport may use towards `origin` in `account`'s session; `trustStore` is
    the device's CA certificates (DER). Undefined: nothing to offer (an https origin is then refused). */
export function credentialsForOrigin(account: AccountCredentials, origin: string, trustStore: readonly Uint8Array[] = []): OriginCredentials | undefined {
	const reach = account.reach;
	const out: OriginCredentials = {};
	const auth = reach?.httpAuth.find((a) => a.origin === origin);
	if (auth) out.http = { user: auth.user, password: auth.secret, ...(auth.scheme ? { scheme: auth.scheme } : {}) };
	if (origin.startsWith("https://")) {
		const role = originRole(account, origin), tls = account.tls;
		const tls11 = reach?.tls11 ? { allowTls11: true } : {};
		if (role !== "other" && tls?.mode === "psk") out.psk = { identity: tls.identity, key: tls.key };
		else if (role === "own" && tls?.mode === "x509") out.x509 = { trustAnchors: tls.trustAnchors, ...(tls.certificate && tls.key ? { certificate: tls.certificate, key: tls.key } : {}), ...tls11 };
		else {
			const anchors = [...trustStore, ...(reach?.trustAnchors ?? [])];
			const own = role === "trusted" && tls?.mode === "x509" && tls.certificate && tls.key ? { certificate: tls.certificate, key: tls.key } : {};
			if (anchors.length) out.x509 = { trustAnchors: anchors, ...own, ...tls11 };
		}
	}
	return out.http || out.psk || out.x509 ? out : undefined;
}
