// Client-initiated bootstrap (8.3, 9.3) end to end: the factory leaves the device one account that
// names a bootstrap server in Auth/Bootstrap; dm-device on xsdm fetches the DM Bootstrap from it
// over TLS-PSK with the Auth/Bootstrap credentials, applies it, and opens a BootstrapComplete
// session with the DM server the bootstrap named (a second dm-server, with other credentials).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { compiled, runXsdm } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
const bootstrapPsk = { identity: "bootstrap-client", key: Buffer.from("11112222333344445555666677778888", "hex") };
const dmPsk = { identity: "managed-device", key: Buffer.from("9999aaaabbbbccccddddeeeeffff0000", "hex") };
const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");

const dir = mkdtempSync(join(tmpdir(), "client-bootstrap-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function factory(bootstrapUrl: string): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:990000862471854", Man: "Acme", Mod: "M1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
		{ ClientURI: `${DMACC}/bs/`, MOData: { bs: {
			SrvID: "bs", SrvURI: bootstrapUrl, Name: "bootstrap server", Perm: { "1": { MOID: DMACC } },
			Auth: { Bootstrap: { ServerURI: bootstrapUrl, SecMode: b64("\x00"), ClientPubKey: b64(bootstrapPsk.identity), ServerPubKey: b64("bs"), ClientSecretKey: b64(bootstrapPsk.key) } },
		} } },
	]);
}

function delivered(dmPort: number): string {
	return JSON.stringify([{ ClientURI: `${DMACC}/dms9/`, MOData: { dms9: {
		SrvID: "dms9", SrvURI: `https://127.0.0.1:${dmPort}/dm`, Name: "managing server", Perm: { "1": { MOID: DEVINFO } },
		Auth: { Trsp: { Data: b64(dmPsk.identity), Secret: b64(dmPsk.key) } },
	} } }]);
}

describe("client-initiated bootstrap end to end (8.3)", () => {
	it("fetches the bootstrap with the Auth/Bootstrap credentials, applies it, and opens BootstrapComplete with the new server", async () => {
		const dm = new DmServer({ psk: dmPsk });
		const dmPort = await dm.listen();
		const bs = new DmServer({ psk: bootstrapPsk, repository: { "/bootstrap": { contentType: "application/dmmo+json", body: delivered(dmPort) } } });
		const bsPort = await bs.listen();
		try {
			const flash = ["--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"];
			const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(`https://127.0.0.1:${bsPort}/bootstrap`), "--bootstrap", "bs"], { options: flash, timeoutMs: 60000 });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /client-initiated bootstrap: accounts dms9/);
			assert.deepEqual(bs.repositoryRequests.map((q) => [q.method, q.path]), [["GET", "/bootstrap"]]);
			assert.equal(dm.sessions.length, 1);
			assert.equal(dm.sessions[0]!.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");
			assert.deepEqual(dm.sessions[0]!.violations, []);
			for (const w of [...bs.wire, ...dm.wire]) assert.ok(!w.includes(bootstrapPsk.key) && !w.includes(dmPsk.key), "no key crosses the wire");

			// a bootstrap server answering anything but dmmo+json changes nothing
			await bs.close();
			const wrong = new DmServer({ psk: bootstrapPsk, repository: { "/bootstrap": { contentType: "text/plain", body: "hello" } } });
			const wrongPort = await wrong.listen();
			try {
				const again = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(`https://127.0.0.1:${wrongPort}/bootstrap`), "--bootstrap", "bs"],
					{ options: ["--flash", join(dir, "other.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
				assert.equal(again.code, 1);
				assert.match(again.stdout, /not application\/dmmo\+json/);
			} finally {
				await wrong.close();
			}
		} finally {
			await dm.close();
			await bs.close().catch(() => undefined);
		}
	});

	it("a BootstrapComplete the new server could not take is still owed after a restart, and the first session carries it", async () => {
		const probe = new DmServer({ psk: dmPsk });
		const dmPort = await probe.listen();
		await probe.close();   // the managing server is down while the device bootstraps
		const bs = new DmServer({ psk: bootstrapPsk, repository: { "/bootstrap": { contentType: "application/dmmo+json", body: delivered(dmPort) } } });
		const bsPort = await bs.listen();
		const flash = ["--flash", join(dir, "owed.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"];
		try {
			const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(`https://127.0.0.1:${bsPort}/bootstrap`), "--bootstrap", "bs"], { options: flash, timeoutMs: 60000 });
			assert.equal(r.code, 1, r.stdout);
			assert.match(r.stdout, /failed: BootstrapComplete session with dms9/);
		} finally {
			await bs.close();
		}
		const dm = new DmServer({ psk: dmPsk });
		await dm.listen(dmPort);
		try {
			const again = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--session", "dms9"], { options: flash, timeoutMs: 60000 });
			assert.equal(again.code, 0, again.stdout + again.stderr);
			assert.deepEqual(dm.sessions.map((s) => s.trigger), ["urn:oma:at:dm:2.0:BootstrapComplete"]);
			const later = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--session", "dms9"], { options: flash, timeoutMs: 60000 });
			assert.equal(later.code, 0, later.stdout);
			assert.equal(dm.sessions[1]!.trigger, "urn:oma:at:dm:2.0:ClientInitiatedMgmt", "owed once");
		} finally {
			await dm.close();
		}
	});
});
