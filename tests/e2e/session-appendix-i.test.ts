// xsdm's DM client (hosts/sim/dm-device) against the development DM server over TLS-PSK on
// loopback: the Appendix I scenarios as scripted sessions, checked by what the server recorded
// (it holds the client to 7.2.1, 5.2.2–5.2.4, Appendix C and F on its own), plus 5.6 aborts and a
// scan of every byte the client sent for its secrets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer, type ServerOptions } from "../../hosts/sim/peers/dm-server/server.js";
import { notify } from "../../hosts/sim/peers/dm-server/notify.js";
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import { compiled, runXsdm, type Run } from "../host/xsdm.js";
import { listeningDevice } from "./listening-device.js";
import { after, assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const NOTI_SECRET = Buffer.from("notification-secret-42");
const DEVID = "IMEI:493005100592800";
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0", SESSIONINFO = "urn:oma:mo:oma-sessioninfomo:1.0";

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** The factory bootstrap (8.2) as dmmo+json: DevInfo, one account for dm-server, and the rights
    DACMO gives it (Read on DevInfo and SessionInfo, Read+Write on its own account). */
function factory(port: number): string {
	const grant = (moid: string, miid: string, ar: number) => ({
		ClientURI: `${DACMO}/${encodeURIComponent(moid)}/`,
		MOData: { [moid]: { [miid]: { dms: { Permissions: { "1": { MAID: "serverid:dms1", AR: ar } } } } } },
	});
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: DEVID, Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "" } } },
		{ ClientURI: `${DMACC}/dms1/`, MOData: { dms1: {
			SrvID: "dms1", SrvURI: `https://127.0.0.1:${port}/dm`, Name: "dev server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC }, "3": { MOID: SESSIONINFO } },
			Auth: { Trsp: { Data: psk.identity && Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") },
				Noti: { Type: 0, Data: Buffer.from("noti-data").toString("base64"), Secret: NOTI_SECRET.toString("base64") } },
		} } },
		grant(DEVINFO, "devinfo", 1),
		grant(DMACC, "dms1", 3),
		grant(SESSIONINFO, "session", 1),
	]);
}

async function device(server: DmServer, port: number, o: { flash?: string; extra?: string[] } = {}): Promise<Run & { flash: string }> {
	let flash = o.flash;
	if (!flash) {
		const dir = mkdtempSync(join(tmpdir(), "dm-session-"));
		dirs.push(dir);
		flash = join(dir, "flash.bin");
	}
	void server;
	const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(port), "--session", "dms1", ...(o.extra ?? [])],
		{ options: ["--flash", flash, "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
	return { ...r, flash };
}

async function withServer(options: Partial<ServerOptions>, body: (server: DmServer, port: number) => Promise<void>): Promise<void> {
	const server = new DmServer({ psk, ...options });
	const port = await server.listen();
	try {
		await body(server, port);
	} finally {
		await server.close();
	}
}

/** Scripts name the server's own port, known only once it listens: filled in before the first session. */
function withPort(server: DmServer, port: number): void {
	for (const p of server["options"].sessions![0]!) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
}

function noSecrets(server: DmServer): void {
	const all = Buffer.concat(server.wire);
	for (const secret of [psk.key, NOTI_SECRET, Buffer.from(psk.key.toString("base64")), Buffer.from(NOTI_SECRET.toString("base64"))]) {
		assert.equal(all.indexOf(secret), -1, "a secret left the device");
	}
}

describe("DM sessions: xsdm client ↔ dm-server over TLS-PSK (Appendix I)", () => {
	it("I.1: GETs answered in multipart (Appendix F), then HPOST of one leaf as text/plain and END", () => withServer({
		omadmAccept: "text/plain, application/dmmo+json;q=0.5",
		sessions: [[
			[["GET", "urn:oma:mo:oma-dm-devinfo:1.0//"], ["GET", "urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/*/ID"]],
			[["HPOST", "https://127.0.0.1:PORT/camera_state?DevID=[DevID]", "urn:oma:mo:oma-dm-devinfo:1.2//FwV"], ["END"]],
		] as Command[][]],
	}, async (server, port) => {
		withPort(server, port);
		const r = await device(server, port);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		const s = server.sessions[0]!;
		assert.deepEqual(s.violations, []);
		assert.equal(s.trigger, "urn:oma:at:dm:2.0:BootstrapComplete", "the factory account's first session (8)");
		const p3 = s.received[1]!;
		assert.ok(p3.kind === "package3");
		assert.deepEqual(p3.body.Status, [{ sc: 200 }, { sc: 404 }]);
		const devinfo = p3.results[0]![0]!;
		assert.equal(devinfo.ClientURI, `${DEVINFO}/devinfo/`);
		assert.equal((devinfo.MOData.devinfo as Record<string, string>).DevID, DEVID);
		assert.equal(s.received.length, 2, "END: no Package#3");
		const post = server.repositoryRequests.find((q) => q.path === "/camera_state")!;
		assert.equal(post.method, "POST");
		assert.equal(post.contentType, "text/plain");
		assert.equal(post.body.toString(), "fw-1.0");
		assert.ok(server.wire.some((w) => w.toString("latin1").startsWith(`POST /camera_state?DevID=${DEVID} HTTP/1.1`)), "[DevID] substituted from DevInfo");
		assert.match(r.stdout, /command 0 GET urn:oma:mo:oma-dm-devinfo:1.0\/\/: 200/);
		noSecrets(server);
	}));

	it("I.2: HGET re-provisions the notification secret from text/plain; SessionInfo and DevID in Appendix F's multipart", () => withServer({
		repository: { "/new_secret": { contentType: "text/plain", body: "AB123CES121XX90TPOWQESEFSE33" } },
		sessions: [[
			[["HGET", "https://127.0.0.1:PORT/new_secret?DevID=[DevID]", "urn:oma:mo:oma-dm-dmacc:2.0/(x)/AuthNoti/AuthSecret?nv=(x)/ServerID:dms1"]],
			[["GET", `${DEVINFO}//DevID`], ["GET", `${DEVINFO}//DevID`], ["GET", `${SESSIONINFO}//`], ["GET", "urn:oma:mo:invalid-moid:1.0//"], ["GET", `${DMACC}/dms1/Auth/Noti/Secret`]],
		] as Command[][]],
	}, async (server, port) => {
		withPort(server, port);
		const r = await device(server, port);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		const s = server.sessions[0]!;
		assert.deepEqual(s.violations, []);
		assert.ok(s.received[1]!.kind === "package3" && s.received[1]!.body.Status[0]!.sc === 200);
		const get = server.repositoryRequests.find((q) => q.path === "/new_secret")!;
		assert.equal(get.method, "GET");
		const p3 = s.received[2]!;
		assert.ok(p3.kind === "package3");
		assert.deepEqual(p3.body.Status.map((x) => x.sc), [200, 200, 200, 404, 404], "a No-Get secret is absent to GET (interpretation 7)");
		assert.deepEqual(p3.results.map((x) => x[0]!.ClientURI), [`${DEVINFO}/devinfo/DevID`, `${DEVINFO}/devinfo/DevID`, `${SESSIONINFO}/session/`]);
		assert.deepEqual(p3.results[2]![0]!.MOData, { session: { CBT: 3, ROAMING: 2 } });
		assert.equal(Buffer.concat(server.wire).indexOf("AB123CES121XX90TPOWQESEFSE33"), -1, "the new secret never goes back");
		noSecrets(server);
	}));

	it("5.6: a server that cannot be reached aborts the session; the client exits non-zero and does not retry", () => withServer({
		// a listening device first delivers what the factory bootstrap owes (8): BootstrapComplete
		sessions: [[[["END"]]], [[["GET", `${DEVINFO}//DevID`]]]],
	}, async (server, port) => {
		await server.close();
		const r = await device(server, port);
		assert.equal(r.code, 1);
		assert.match(r.stdout, /failed: /);
	}));

	it("the next session resumes the TLS session of the last one where its server chose DHE-PSK (one connection per session)", () => withServer({ pskCiphers: ["DHE-PSK-AES128-GCM-SHA256"] }, async (server, port) => {
		const r = await device(server, port, { extra: ["--sessions", "3"] });
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.equal(server.sessions.length, 3);
		assert.deepEqual(server.connections.map((c) => c.resumed), [false, true, true]);
	}));

	it("an account whose server chose plain PSK makes a new handshake each session: there a ticket costs more than it saves", () => withServer({}, async (server, port) => {
		const r = await device(server, port, { extra: ["--sessions", "3"] });
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.equal(server.sessions.length, 3);
		assert.deepEqual(server.connections.map((c) => c.resumed), [false, false, false]);
	}));

	it("CONT moves the rest of the session to another URI of the server", () => withServer({
		sessions: [[[["CONT", "https://127.0.0.1:PORT/dm2"]], [["GET", `${DEVINFO}//Man`]]] as Command[][]],
	}, async (server, port) => {
		withPort(server, port);
		const r = await device(server, port);
		assert.equal(r.code, 0, r.stdout + r.stderr);
		assert.deepEqual(server.sessions[0]!.violations, []);
		assert.match(r.stdout, /sent Package#3 to https:\/\/127\.0\.0\.1:\d+\/dm2/);
		assert.equal(server.sessions[0]!.received.length, 3);
	}));

	it("Package#0 over WAP push: a forged one is dropped, the verified one starts a server-initiated session with its NOTIFICATION-ID and MOS", () => withServer({
		// a listening device first delivers what the factory bootstrap owes (8): BootstrapComplete
		sessions: [[[["END"]]], [[["GET", `${DEVINFO}//DevID`]]]],
	}, async (server, port) => {
		const dir = mkdtempSync(join(tmpdir(), "dm-session-"));
		dirs.push(dir);
		const { code, out } = await listeningDevice(join(dir, "flash.bin"), ["--factory-json", factory(port)], async (udpPort) => {
			await notify({ serverId: "dms1", notificationId: 99, secret: Buffer.from("a guess"), authData: Buffer.from("noti-data"), port: udpPort });
			await notify({ serverId: "dms1", notificationId: 100, secret: NOTI_SECRET, authData: Buffer.from("noti-data"), requestMos: true, port: udpPort });
		});
		assert.equal(code, 0, out);
		assert.deepEqual(server.sessions.map((x) => x.trigger), ["urn:oma:at:dm:2.0:BootstrapComplete", "urn:oma:at:dm:2.0:ServerInitiatedMgmt"], "the forged notification started nothing");
		const s = server.sessions[1]!;
		assert.deepEqual(s.violations, []);
		assert.equal(s.trigger, "urn:oma:at:dm:2.0:ServerInitiatedMgmt");
		const p1 = s.received[0]!;
		assert.ok(p1.kind === "package1");
		assert.deepEqual(p1.body.Alert![0]!.Data, { "NOTIFICATION-ID": 100 });
		assert.deepEqual(p1.body.MOS!.map((m) => m.MOID), [DEVINFO, DMACC, SESSIONINFO]);
		assert.match(out, /"accepted":false,"reason":"bad-digest"/);
	}));

	it("PREFERRED-CON-TYPE: a notification preferring a link the device does not have up waits; the next goes over the first preferred one that is up, and SessionInfo says so", () => withServer({
		sessions: [[[["END"]]], [[["GET", `${SESSIONINFO}//CBT`]]]],
	}, async (server, port) => {
		const dir = mkdtempSync(join(tmpdir(), "dm-session-"));
		dirs.push(dir);
		const { code, out } = await listeningDevice(join(dir, "flash.bin"), ["--factory-json", factory(port), "--connections", "wlan,wireline"], async (udpPort) => {
			await notify({ serverId: "dms1", notificationId: 1, secret: NOTI_SECRET, authData: Buffer.from("noti-data"), preferredConnections: [1], port: udpPort });
			await notify({ serverId: "dms1", notificationId: 2, secret: NOTI_SECRET, authData: Buffer.from("noti-data"), preferredConnections: [1, 3], port: udpPort });
		});
		assert.equal(code, 0, out);
		assert.match(out, /session with dms1 waits for CELLULAR/);
		assert.match(out, /session with dms1 over WIRELINE/);
		assert.equal(server.sessions.length, 2, "the factory's BootstrapComplete at start, then the notification's");
		const s = server.sessions[1]!;
		assert.deepEqual(s.violations, []);
		const p1 = s.received[0]!, p3 = s.received[1]!;
		assert.ok(p1.kind === "package1" && p3.kind === "package3");
		assert.deepEqual(p1.body.Alert![0]!.Data, { "NOTIFICATION-ID": 2 });
		assert.match(JSON.stringify(p3.results), /"CBT":3/);
	}));
});
