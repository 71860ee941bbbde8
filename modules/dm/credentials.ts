// The TLS credentials of a DM account, as the transport needs them (9.2.2, 9.3.2, interpretation 11).
// Auth/Trsp serves the management sessions: Data is the PSK identity, or the client's DER
// certificate; Secret the PSK, or the certificate's private key; Ext/TrustAnchor/<x> the DER
// certificates a server's chain must end in. Auth/Bootstrap serves the bootstrap server (12.2.1):
// ClientPubKey is the PSK identity or the certificate, ClientSecretKey the PSK or the private key,
// and in X.509 mode ServerPubKey is the certificate the bootstrap server's chain must end in (its
// own, self-signed, or its CA's). The mode is X.509 when Data / ClientPubKey is a DER certificate.
// SecMode has no defined encoding in 12.2 and is not read: the key material says what it is.
import type { Tree } from "./tree/index.js";
import { MOIDS } from "./uri/index.js";

/** How TLS authenticates both ends of a connection to an account's server. Never log the keys. */
export type TlsCredentials =
	| { readonly mode: "psk"; readonly identity: Uint8Array; readonly key: Uint8Array }
	| { readonly mode: "x509"; readonly trustAnchors: readonly Uint8Array[]; readonly certificate?: Uint8Array; readonly key?: Uint8Array };

/** Whether the bytes are one DER SEQUENCE with a long-form length covering them exactly, whose
    first element is a SEQUENCE (the tbsCertificate). Every certificate is longer than 127 bytes,
    so its length is long-form; a UTF-8 PSK identity never is (0x81–0x84 cannot follow "0"). */
export function isDerCertificate(bytes: Uint8Array): boolean {
	if (bytes.length < 4 || bytes[0] !== 0x30) return false;
	const n = bytes[1]! - 0x80;
	if (n < 1 || n > 3 || bytes.length < 2 + n + 1) return false;
	let length = 0;
	for (let i = 0; i < n; i++) length = length * 256 + bytes[2 + i]!;
	return length >= 128 && 2 + n + length === bytes.length && bytes[2 + n] === 0x30;
}

/** Auth/Trsp and Ext/TrustAnchor: undefined when the account has neither a PSK nor trust anchors
    (then only a development server over plain http can be reached). */
export function trspCredentials(data: Uint8Array | undefined, secret: Uint8Array | undefined, trustAnchors: readonly Uint8Array[]): TlsCredentials | undefined {
	if (data && isDerCertificate(data)) return { mode: "x509", trustAnchors, certificate: data, ...(secret ? { key: secret } : {}) };
	if (data && secret) return { mode: "psk", identity: data, key: secret };
	if (trustAnchors.length) return { mode: "x509", trustAnchors };
	return undefined;
}

/** Auth/Bootstrap: both ends always authenticate (9.3.2), so each mode needs all of its parts. */
export function bootstrapCredentials(clientPubKey: Uint8Array | undefined, clientSecretKey: Uint8Array | undefined, serverPubKey: Uint8Array | undefined): TlsCredentials | undefined {
	if (!clientPubKey || !clientSecretKey) return undefined;
	if (!isDerCertificate(clientPubKey)) return { mode: "psk", identity: clientPubKey, key: clientSecretKey };
	if (!serverPubKey || !isDerCertificate(serverPubKey)) return undefined;
	return { mode: "x509", trustAnchors: [serverPubKey], certificate: clientPubKey, key: clientSecretKey };
}

/** What the transport needs of an account to reach its server (Auth/Trsp, or Auth/Bootstrap for
    its bootstrap server; interpretation 11). */
export interface AccountCredentials {
	readonly srvId: string;
	/** the DMAcc instance the credentials were read from; absent for a server with none (a bootstrap server, the default one) */
	readonly miid?: string;
	readonly srvUri: string;
	/** undefined when the account has no TLS credentials (a plain-http development server) */
	readonly tls: TlsCredentials | undefined;
	/** what the account says about origins other than its SrvURI's (interpretation 19); absent: nothing */
	readonly reach?: AccountReach;
}

/** HTTP Basic/Digest credentials for one origin (Ext/HttpAuth/<x>). Never log the secret. */
export interface HttpAuth {
	/** "scheme://host:port", as transport's parseUrl writes an origin */
	readonly origin: string;
	readonly user: string;
	/** the password (UTF-8) */
	readonly secret: string;
	/** the one scheme answered; undefined: whichever the server offers (Digest first) */
	readonly scheme: "Basic" | "Digest" | undefined;
}

/** DMAcc/<x>/Ext beyond the account's own server (interpretations 8, 19). */
export interface AccountReach {
	/** Ext/TrustAnchor: DER certificates, trusted for every https origin of this account's sessions */
	readonly trustAnchors: readonly Uint8Array[];
	/** Ext/TrustedOrigins, as origins ("scheme://host:port"): they get Auth/Trsp too */
	readonly trustedOrigins: readonly string[];
	readonly httpAuth: readonly HttpAuth[];
	/** Ext/TLS11: an X.509 connection may fall back to TLS 1.1 */
	readonly tls11: boolean;
}

/** The bytes of a leaf of the DMAcc instance at `miid`, undefined when absent. Until Tree hands out
    a leaf's bytes itself (the store room's reader), this is the one place outside tree/ that reads
    the store under a tree key. */
export function accountLeaf(tree: Tree, miid: string, path: string[]): Uint8Array | undefined {
	return tree.bytes({ moid: MOIDS.dmAcc, miid, path });
}
