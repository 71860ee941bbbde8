// Server-initiated bootstrap (8.4, 9.3) end to end: the factory leaves the device one account that
// names a bootstrap server in Auth/Bootstrap. The bootstrap server pushes a Package#0 whose
// SERVER-ID is its Auth/Bootstrap/ServerURI, signed with the account's notification credentials;
// dm-device on xsdm then takes the DM Bootstrap from that server over TLS-PSK with the
// Auth/Bootstrap credentials (mutual authentication, 9.3.2) and opens BootstrapComplete with the
// DM server the bootstrap named. A forged trigger, and a server at that URI that cannot prove it
// holds the bootstrap key, change nothing and say so.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { notify } from "../../hosts/sim/peers/dm-server/notify.js";
import { listeningDevice } from "./listening-device.js";
import { after, assert, describe, it } from "../harness/index.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
const bootstrapPsk = { identity: "bootstrap-client", key: Buffer.from("0102030405060708090a0b0c0d0e0f10", "hex") };
const impostorPsk = { identity: "bootstrap-client", key: Buffer.from("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "hex") };
const dmPsk = { identity: "pushed-device", key: Buffer.from("f0e0d0c0b0a090807060504030201000", "hex") };
const NOTI = { secret: Buffer.from("bootstrap-trigger-secret"), authData: Buffer.from("bs-noti-data") };
const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");

const dir = mkdtempSync(join(tmpdir(), "server-bootstrap-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function factory(bootstrapUrl: string): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:356938035643810", Man: "Acme", Mod: "M1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
		{ ClientURI: `${DMACC}/bs/`, MOData: { bs: {
			SrvID: "bs", SrvURI: bootstrapUrl, Name: "bootstrap server", Perm: { "1": { MOID: DMACC } },
			Auth: {
				Bootstrap: { ServerURI: bootstrapUrl, SecMode: b64("\x00"), ClientPubKey: b64(bootstrapPsk.identity), ServerPubKey: b64("bs"), ClientSecretKey: b64(bootstrapPsk.key) },
				Noti: { Type: 0, Data: b64(NOTI.authData), Secret: b64(NOTI.secret) },
			},
		} } },
	]);
}

function delivered(dmPort: number): string {
	return JSON.stringify([{ ClientURI: `${DMACC}/dms7/`, MOData: { dms7: {
		SrvID: "dms7", SrvURI: `https://127.0.0.1:${dmPort}/dm`, Name: "managing server", Perm: { "1": { MOID: DEVINFO } },
		Auth: { Trsp: { Data: b64(dmPsk.identity), Secret: b64(dmPsk.key) } },
	} } }]);
}

describe("server-initiated bootstrap end to end (8.4)", () => {
	it("a signed trigger from the account's bootstrap server brings the bootstrap over mutually authenticated TLS; forged triggers and an impostor change nothing", async () => {
		const dm = new DmServer({ psk: dmPsk });
		const dmPort = await dm.listen();
		// the impostor holds the bootstrap server's address but not the device's bootstrap key
		const impostor = new DmServer({ psk: impostorPsk, repository: { "/bootstrap": { contentType: "application/dmmo+json", body: delivered(dmPort) } } });
		const bsPort = await impostor.listen();
		const bootstrapUrl = `https://127.0.0.1:${bsPort}/bootstrap`;
		const flash = join(dir, "flash.bin");
		try {
			const refused = await listeningDevice(flash, ["--factory-json", factory(bootstrapUrl)], async (port) => {
				// a trigger that is not signed with the account's notification secret starts nothing
				await notify({ serverId: bootstrapUrl, notificationId: 1, secret: Buffer.from("a guess"), authData: NOTI.authData, port });
				await notify({ serverId: bootstrapUrl, notificationId: 2, secret: NOTI.secret, authData: NOTI.authData, port });
			});
			assert.equal(refused.code, 1, refused.out);
			assert.match(refused.out, /"accepted":false,"reason":"bad-digest"/);
			assert.match(refused.out, /bootstrap refused, nothing changed \(bs's bootstrap server\): .*TLS handshake failed/);
			assert.deepEqual(impostor.repositoryRequests, [], "no request reached a server that failed the handshake");
			assert.equal(dm.sessions.length, 0);
			assert.ok(!refused.out.includes(bootstrapPsk.key.toString("hex")) && !refused.out.includes(b64(bootstrapPsk.key)), "the log names no key");
			await impostor.close();

			const bs = new DmServer({ psk: bootstrapPsk, repository: { "/bootstrap": { contentType: "application/dmmo+json", body: delivered(dmPort) } } });
			await bs.listen(bsPort);
			try {
				const ok = await listeningDevice(flash, [], (port) => notify({ serverId: bootstrapUrl, notificationId: 3, secret: NOTI.secret, authData: NOTI.authData, port }));
				assert.equal(ok.code, 0, ok.out);
				assert.match(ok.out, /server-initiated bootstrap from bs's bootstrap server: accounts dms7/);
				assert.deepEqual(bs.repositoryRequests.map((q) => [q.method, q.path]), [["GET", "/bootstrap"]]);
				assert.equal(dm.sessions.length, 1);
				assert.equal(dm.sessions[0]!.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");
				assert.deepEqual(dm.sessions[0]!.violations, []);
				for (const w of [...bs.wire, ...dm.wire]) assert.ok(!w.includes(bootstrapPsk.key) && !w.includes(dmPsk.key), "no key crosses the wire");
			} finally {
				await bs.close();
			}
		} finally {
			await dm.close();
			await impostor.close().catch(() => undefined);
		}
	});
});
