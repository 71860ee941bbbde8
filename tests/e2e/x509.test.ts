// X.509 accounts end to end (9.2.1 DM-SEC-003, 9.2.2, 9.3.2, interpretation 11): dm-device on xsdm
// against dm-server with a certificate, both ends authenticated, with a PKI made by openssl at test
// time. A management session over Auth/Trsp (client certificate and key, Ext/TrustAnchor), and a
// client-initiated bootstrap over Auth/Bootstrap in X.509 mode (ClientPubKey the certificate,
// ClientSecretKey its key, ServerPubKey what the bootstrap server's chain must end in). A server
// the account does not trust, and a bootstrap server that does not accept the device's
// certificate, are refused and change nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { makeTestPki, type Issued } from "../../hosts/sim/peers/x509-pki.js";
import { compiled, runXsdm, type Run } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
const pki = makeTestPki();
const b64 = (b: Buffer): string => b.toString("base64");
const dir = mkdtempSync(join(tmpdir(), "x509-e2e-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const DEVINFO_ITEM = { ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:356938035643811", Man: "Acme", Mod: "M1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } };

function managed(srvId: string, port: number, anchor: Issued): object {
	return { ClientURI: `${DMACC}/${srvId}/`, MOData: { [srvId]: {
		SrvID: srvId, SrvURI: `https://localhost:${port}/dm`, Name: "X.509 server", Perm: { "1": { MOID: DEVINFO } },
		Auth: { Trsp: { Data: b64(pki.client.certDer), Secret: b64(pki.client.keyDer) } },
		Ext: { TrustAnchor: { "1": b64(anchor.certDer) } },
	} } };
}

function server(o: { clientCa?: Issued; repository?: Record<string, { contentType: string; body: string }> } = {}): DmServer {
	return new DmServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, clientCa: (o.clientCa ?? pki.ca).cert, ...(o.repository ? { repository: o.repository } : {}) });
}

let n = 0;
function device(items: object[], args: string[]): Promise<Run> {
	return runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", JSON.stringify([DEVINFO_ITEM, ...items]), ...args],
		{ options: ["--flash", join(dir, `flash-${++n}.bin`), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
}

describe("X.509 accounts end to end", () => {
	it("a management session with a client certificate, the server checked against Ext/TrustAnchor; an untrusted server is refused", async () => {
		const dm = server();
		const port = await dm.listen();
		try {
			const r = await device([managed("x1", port, pki.ca)], ["--session", "x1"]);
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(dm.sessions.length, 1);
			assert.deepEqual(dm.sessions[0]!.violations, []);
			for (const w of dm.wire) assert.equal(w.indexOf(pki.client.keyDer), -1, "the private key never crosses the wire");

			const wrong = await device([managed("x2", port, pki.otherCa)], ["--session", "x2"]);
			assert.equal(wrong.code, 1, wrong.stdout);
			assert.match(wrong.stdout, /TLS/);
			assert.equal(dm.sessions.length, 1, "nothing reached the server");
		} finally {
			await dm.close();
		}
	});

	it("a bootstrap in X.509 mode: both ends proved by certificate, then BootstrapComplete; a bootstrap server that refuses the device's certificate changes nothing", async () => {
		const dm = server();
		const dmPort = await dm.listen();
		const delivered = JSON.stringify([managed("x9", dmPort, pki.ca)]);
		const bs = server({ repository: { "/bs": { contentType: "application/dmmo+json", body: delivered } } });
		const bsPort = await bs.listen();
		// a bootstrap server that trusts another CA for its clients: mutual authentication fails
		const picky = server({ clientCa: pki.otherCa, repository: { "/bs": { contentType: "application/dmmo+json", body: delivered } } });
		const pickyPort = await picky.listen();
		const account = (port: number) => ({ ClientURI: `${DMACC}/bs/`, MOData: { bs: {
			SrvID: "bs", SrvURI: `https://localhost:${port}/bs`, Name: "bootstrap server", Perm: { "1": { MOID: DMACC } },
			Auth: { Bootstrap: { ServerURI: `https://localhost:${port}/bs`, SecMode: b64(Buffer.from([1])), ClientPubKey: b64(pki.client.certDer), ServerPubKey: b64(pki.ca.certDer), ClientSecretKey: b64(pki.client.keyDer) } },
		} } });
		try {
			const r = await device([account(bsPort)], ["--bootstrap", "bs"]);
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /client-initiated bootstrap: accounts x9/);
			assert.equal(dm.sessions.length, 1);
			assert.equal(dm.sessions[0]!.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");
			assert.deepEqual(dm.sessions[0]!.violations, []);

			const refused = await device([account(pickyPort)], ["--bootstrap", "bs"]);
			assert.equal(refused.code, 1, refused.stdout);
			assert.match(refused.stdout, /failed: bootstrap from bs's bootstrap server: .*TLS/);
			assert.deepEqual(picky.repositoryRequests, []);
			assert.equal(dm.sessions.length, 1);
		} finally {
			await Promise.all([dm.close(), bs.close(), picky.close()]);
		}
	});
});
