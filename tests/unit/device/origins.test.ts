// Which origin gets which of an account's credentials (interpretation 19, origin-credentials.ts),
// and the device trust store a host hands over (trust-store.ts).
import type { AccountCredentials, AccountReach } from "../../../modules/dm/credentials.js";
import { credentialsForOrigin, originOf, originRole } from "../../../modules/dm/device/origin-credentials.js";
import { parseTrustStore } from "../../../modules/dm/device/trust-store.js";
import { encodeBase64, encodeUtf8 } from "../../../modules/bytes/index.js";
import { assert, describe, it } from "../../harness/index.js";

/** A DER SEQUENCE { SEQUENCE {…} } of the given total length, as a certificate is shaped. */
function derLike(total: number, fill = 0x41): Uint8Array {
	const b = new Uint8Array(total).fill(fill);
	const body = total - 4;
	b.set([0x30, 0x82, body >> 8, body & 255, 0x30]);
	return b;
}

const identity = encodeUtf8("device-1"), key = new Uint8Array([7, 7, 7, 7]);
const anchor = derLike(300, 0x61), store = derLike(320, 0x62), cert = derLike(400, 0x63), certKey = new Uint8Array([9, 9]);
const reach = (o: Partial<AccountReach> = {}): AccountReach => ({ trustAnchors: [anchor], trustedOrigins: [], httpAuth: [], tls11: false, ...o });
const psk = (o: Partial<AccountReach> = {}): AccountCredentials => ({ srvId: "s", srvUri: "https://DM.Example:443/dm", tls: { mode: "psk", identity, key }, reach: reach(o) });
const x509 = (o: Partial<AccountReach> = {}): AccountCredentials => ({ srvId: "s", srvUri: "https://dm.example:8443/dm", tls: { mode: "x509", trustAnchors: [anchor], certificate: cert, key: certKey }, reach: reach(o) });

describe("device: which origin gets an account's credentials", () => {
	it("origins compare with the host in lower case and the default port written out", () => {
		assert.equal(originOf("https://DM.Example/dm"), "https://dm.example:443");
		assert.equal(originOf("HTTPS://dm.example:443/x?y"), "https://dm.example:443");
		assert.equal(originOf("http://dm.example/dm"), "http://dm.example:80");
		assert.equal(originOf("ftp://dm.example/"), undefined);
	});

	it("own origin: the PSK, however the URL spells the host and port", () => {
		const a = psk();
		assert.equal(originRole(a, "https://dm.example:443"), "own");
		assert.deepEqual(credentialsForOrigin(a, originOf("https://dm.EXAMPLE/other/path")!, [store]), { psk: { identity, key } });
	});

	it("http on the same host is another origin: no PSK, no certificate, nothing at all", () => {
		const a = psk({ trustedOrigins: ["http://dm.example:80"] });
		assert.equal(originRole(a, "http://dm.example:80"), "other", "a listed http origin gets no TLS credential either");
		assert.equal(credentialsForOrigin(a, "http://dm.example:80", [store]), undefined);
		assert.equal(originRole(a, "https://dm.example:8443"), "other", "another port is another origin");
	});

	it("another https origin: X.509 against the trust store and Ext/TrustAnchor, anonymous, never the PSK", () => {
		const c = credentialsForOrigin(psk(), "https://repo.example:443", [store]);
		assert.deepEqual(c, { x509: { trustAnchors: [store, anchor] } });
		assert.equal(credentialsForOrigin(psk({ trustAnchors: [] }), "https://repo.example:443", []), undefined, "no anchor at all: nothing offered, the transport refuses");
		const fromX509 = credentialsForOrigin(x509(), "https://repo.example:443", [store]);
		assert.deepEqual(fromX509, { x509: { trustAnchors: [store, anchor] } }, "the client certificate stays home");
	});

	it("a listed origin (Ext/TrustedOrigins) gets the account's PSK or client certificate", () => {
		const a = psk({ trustedOrigins: ["https://repo.example:8443"] });
		assert.equal(originRole(a, "https://repo.example:8443"), "trusted");
		assert.deepEqual(credentialsForOrigin(a, "https://repo.example:8443", [store]), { psk: { identity, key } });
		assert.equal(originRole(a, "https://repo.example:443"), "other", "only the port listed");
		const b = x509({ trustedOrigins: ["https://repo.example:443"] });
		assert.deepEqual(credentialsForOrigin(b, "https://repo.example:443", [store]), { x509: { trustAnchors: [store, anchor], certificate: cert, key: certKey } });
	});

	it("Ext/HttpAuth answers its own origin's 401 only, with its scheme", () => {
		const a = psk({ httpAuth: [{ origin: "https://repo.example:443", user: "u", secret: "pw", scheme: "Digest" }] });
		assert.deepEqual(credentialsForOrigin(a, "https://repo.example:443", [store])?.http, { user: "u", password: "pw", scheme: "Digest" });
		assert.equal(credentialsForOrigin(a, "https://repo.example:8443", [store])?.http, undefined);
		assert.equal(credentialsForOrigin(a, "https://dm.example:443", [store])?.http, undefined, "not even to the account's own server");
	});

	it("Ext/TLS11 lets X.509 fall back to TLS 1.1; PSK stays TLS 1.2", () => {
		assert.equal(credentialsForOrigin(x509({ tls11: true }), "https://dm.example:8443")?.x509?.allowTls11, true);
		assert.equal(credentialsForOrigin(psk({ tls11: true }), "https://repo.example:443", [store])?.x509?.allowTls11, true);
		assert.deepEqual(credentialsForOrigin(psk({ tls11: true }), "https://dm.example:443"), { psk: { identity, key } });
		assert.equal(credentialsForOrigin(x509(), "https://dm.example:8443")?.x509?.allowTls11, undefined, "off by default");
	});
});

describe("device: the trust store a host hands over", () => {
	const pem = (ders: Uint8Array[], extra = ""): Uint8Array => encodeUtf8(extra + ders.map((d) => {
		const b64 = encodeBase64(d);
		let lines = "";
		for (let i = 0; i < b64.length; i += 64) lines += `${b64.slice(i, i + 64)}\r\n`;
		return `-----BEGIN CERTIFICATE-----\r\n${lines}-----END CERTIFICATE-----\n`;
	}).join(""));

	it("reads one DER certificate, or every CERTIFICATE block of a PEM file (other blocks skipped)", () => {
		assert.deepEqual(parseTrustStore(anchor), [anchor]);
		assert.deepEqual(parseTrustStore(pem([anchor, store])), [anchor, store]);
		assert.deepEqual(parseTrustStore(pem([store], "Bundle\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")), [store]);
	});

	it("refuses what is neither, or a broken block, saying what to fix", () => {
		assert.throws(() => parseTrustStore(new Uint8Array([0x30, 0x82, 0xff, 0x00, 0x01])), /PEM or DER/);
		assert.throws(() => parseTrustStore(encodeUtf8("hello")), /no CERTIFICATE block/);
		assert.throws(() => parseTrustStore(encodeUtf8("-----BEGIN CERTIFICATE-----\nAAAA\n")), /END CERTIFICATE/);
		assert.throws(() => parseTrustStore(encodeUtf8("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")), /block 1/);
	});
});
