// What an account says about origins other than its own server (DMAcc/<x>/Ext/TrustedOrigins,
// HttpAuth, TrustAnchor, TLS11; interpretations 8, 19), as the device reads it from the tree when a
// session starts: an entry that does not parse narrows where credentials go, never widens it.
// DmClient from its own file: the device room's index also loads the native transport, which Node has not
import { DmClient } from "../../../modules/dm/device/client.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { accountReach } from "../../../modules/dm/device/account-credentials.js";
import { accountOf } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVICE } from "../commands/setup.js";

const b64 = (s: string): string => {
	const bytes = encodeUtf8(s), A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	let out = "";
	for (let i = 0; i < bytes.length; i += 3) {
		const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
		out += A[n >> 18]! + A[(n >> 12) & 63]! + (i + 1 < bytes.length ? A[(n >> 6) & 63]! : "=") + (i + 2 < bytes.length ? A[n & 63]! : "=");
	}
	return out;
};

function treeWith(ext: object) {
	const c = new DmClient({
		flash: new RamNorFlash(64 * 4096, 4096), device: DEVICE, random: (n) => new Uint8Array(n), now: () => 0,
		http: () => ({ request: () => Promise.reject(new Error("no HTTP in this test")) }),
	});
	c.applyBootstrap([encodeUtf8(JSON.stringify([{ ClientURI: `${MOIDS.dmAcc}/dms1/`, MOData: { dms1: {
		SrvID: "dms1", SrvURI: "https://dms1.example.com/dm", Name: "one", Perm: { "1": { MOID: "*" } },
		Auth: { Trsp: { Data: "aWQ=", Secret: "cHNr" } }, Ext: ext,
	} } }]))]);
	return accountReach(c.tree, accountOf(c.tree, "dms1")!);
}

describe("device: an account's other origins, read from DMAcc/<x>/Ext", () => {
	it("reads trusted origins as origins, HTTP credentials per origin with their scheme, and the TLS 1.1 switch", () => {
		const reach = treeWith({
			TrustedOrigins: { "1": "HTTPS://Files.Example/firmware", "2": "https://files.example:8443", "3": "not a URL" },
			HttpAuth: {
				a: { Origin: "https://Repo.Example:443/x", User: "dev", Secret: b64("pässword"), Type: "Digest" },
				b: { Origin: "https://repo.example:8443", User: "dev", Secret: b64("pw") },
				c: { Origin: "https://ntlm.example", User: "dev", Secret: b64("pw"), Type: "NTLM" },
				d: { Origin: "ftp://repo.example", User: "dev", Secret: b64("pw"), Type: "Basic" },
			},
			TLS11: true,
		});
		assert.deepEqual(reach.trustedOrigins, ["https://files.example:443", "https://files.example:8443"], "what is no URL is left out");
		assert.deepEqual(reach.httpAuth, [
			{ origin: "https://repo.example:443", user: "dev", secret: "pässword", scheme: "Digest" },
			{ origin: "https://repo.example:8443", user: "dev", secret: "pw", scheme: undefined },
		], "a scheme the transport cannot answer, or an origin that is no http(s) URL, gets nothing");
		assert.equal(reach.tls11, true);
	});

	it("an account without them reaches no other origin with its credentials, and stays on TLS 1.2", () => {
		const reach = treeWith({});
		assert.deepEqual(reach, { trustAnchors: [], trustedOrigins: [], httpAuth: [], tls11: false });
	});
});
