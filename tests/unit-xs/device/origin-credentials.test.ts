// On XS only (tests/unit-xs): the device room loads the transport, whose TLS socket is native.
// Which origin gets an account's credentials (interpretation 19, modules/dm/device/origin-credentials.ts):
// the account's PSK or client certificate go to its own SrvURI origin, as the transport names
// origins (scheme, host, port; a default port is the same origin), and nowhere else.
import { credentialsForOrigin, originOf } from "../../../modules/dm/device/index.js";
import type { AccountCredentials } from "../../../modules/dm/credentials.js";
import { assert, describe, it } from "../../harness/index.js";

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const psk: AccountCredentials = { srvId: "dms1", srvUri: "https://dm.example.com/dm?x=1", tls: { mode: "psk", identity: bytes(0x69, 0x64), key: bytes(1, 2, 3) } };
const x509: AccountCredentials = { srvId: "dms2", srvUri: "https://127.0.0.1:8443/dm", tls: { mode: "x509", trustAnchors: [bytes(0x30)], certificate: bytes(0x30, 1), key: bytes(0x30, 2) } };
/** the origin the transport asks about for a request to this URL */
const at = (url: string): string => originOf(url)!;

describe("device: an account's credentials go only to its own origin", () => {
	it("hands the PSK to the SrvURI's origin, whatever the path, query or explicit default port", () => {
		for (const url of ["https://dm.example.com/dm", "https://dm.example.com/repository/fw.bin", "https://dm.example.com:443/other"]) {
			const c = credentialsForOrigin(psk, at(url));
			assert.ok(c?.psk, url);
			assert.deepEqual(Array.from(c.psk.identity as Uint8Array), [0x69, 0x64]);
			assert.equal(c.x509, undefined);
		}
	});

	it("gives nothing to another host, port or scheme, nor to a name that merely contains the server's", () => {
		for (const url of ["https://repo.example.com/fw", "https://dm.example.com:8443/dm", "http://dm.example.com/dm", "https://dm.example.com.evil.test/dm", "https://evil.test/dm.example.com"]) {
			assert.equal(credentialsForOrigin(psk, at(url)), undefined, url);
		}
	});

	it("an X.509 account's certificate, key and trust anchors go to its origin only", () => {
		const c = credentialsForOrigin(x509, at("https://127.0.0.1:8443/dm/next"));
		assert.ok(c?.x509);
		assert.equal(c.x509.trustAnchors.length, 1);
		assert.ok(c.x509.certificate && c.x509.key);
		assert.equal(credentialsForOrigin(x509, at("https://127.0.0.1:9443/dm")), undefined);
		assert.equal(credentialsForOrigin(x509, at("https://127.0.0.2:8443/dm")), undefined);
	});

	it("an account without TLS credentials, or with a SrvURI that is no URL, gives nothing", () => {
		assert.equal(credentialsForOrigin({ srvId: "dev", srvUri: "http://127.0.0.1:8080/dm", tls: undefined }, at("http://127.0.0.1:8080/dm")), undefined);
		assert.equal(credentialsForOrigin({ ...psk, srvUri: "not a url" }, at("https://dm.example.com/dm")), undefined);
		assert.equal(originOf("not a url"), undefined);
	});
});
