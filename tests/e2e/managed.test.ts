// A device whose factory file holds one standard DMAcc and nothing else (no DevInfo, no DACMO) is
// managed end to end by a DM server it has never seen (issue 15 points 1, 2, 4, 7; interpretations
// 16, 17, 20): dm-device on xsdm against dm-server over TLS-PSK on loopback.
// - its first session is BootstrapComplete (8: a factory bootstrap is a bootstrap), the next ones
//   ClientInitiatedMgmt;
// - DevInfo is the device's own, from --devinfo, with a DevID generated once and the same after a
//   restart; the server GETs DevInfo and its own account, is refused DELETE of SrvID (405) and
//   HGETs its account's Name, all on the rights its bootstrap gave it (visible as DACMO entries);
// - a Package#0 replayed after the device restarted is dropped (the duplicate filter is on flash);
// - MOS items carry the DDF link of each MO (5.2.2), and the link serves that MO's DDF (a
//   repository on a second origin, X.509 from a test CA);
// - SUB reports at the granularity subscribed, after a server's HGET;
// - DEFAULT's ServerURI is fetched as the issuing server's HGET (its credentials, its rights);
// - the no-progress limit is the account's Ext/NoProgressLimit, and any progress restarts it.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:https";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer, PSK_SUITES } from "../../hosts/sim/peers/dm-server/server.js";
import { notificationBytes } from "../../hosts/sim/peers/dm-server/notify.js";
import { sendDatagram, wapPush } from "../../hosts/sim/peers/dm-server/wap-push.js";
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import { Repository } from "../../hosts/sim/peers/repository.js";
import { makeTestPki } from "../../hosts/sim/peers/x509-pki.js";
import { ddfFileName } from "../../modules/dm/mo/ddf-link.js";
import { compiled, root, runXsdm, type Run } from "../host/xsdm.js";
import { listeningDevice } from "./listening-device.js";
import { after, assert, describe, it } from "../harness/index.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
const BOOTSTRAP_COMPLETE = "urn:oma:at:dm:2.0:BootstrapComplete", CLIENT_INITIATED = "urn:oma:at:dm:2.0:ClientInitiatedMgmt";
const psk = { identity: "managed-device-3", key: Buffer.from("5a1f0c3e7b2d4a6988aa0c1e3f5b7d9e", "hex") };
const NOTI_SECRET = Buffer.from("managed-noti-secret");
const dir = mkdtempSync(join(tmpdir(), "managed-e2e-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");
let flashes = 0;
const newFlash = (): string => join(dir, `flash-${++flashes}.bin`);
const FLASH = (file: string): string[] => ["--flash", file, "--flash-size", String(256 * 1024), "--flash-block", "4096"];

/** One standard DMAcc, as a new user's factory file holds it: no DevInfo, no DACMO. */
function standardAccount(port: number, ext: object = {}): string {
	return JSON.stringify([{ ClientURI: `${DMACC}/dms1/`, MOData: { dms1: {
		SrvID: "dms1", SrvURI: `https://127.0.0.1:${port}/dm`, Name: "before",
		Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC } },
		Auth: { Trsp: { Data: b64(psk.identity), Secret: b64(psk.key) }, Noti: { Type: 0, Data: b64("noti-data"), Secret: b64(NOTI_SECRET) } },
		...(Object.keys(ext).length ? { Ext: ext } : {}),
	} } }]);
}

function session(flash: string, port: number, extra: string[] = [], ext: object = {}): Promise<Run> {
	return runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", standardAccount(port, ext), "--session", "dms1", ...extra], { options: FLASH(flash), timeoutMs: 60000 });
}

describe("managed by a server it has never seen (issue 15)", () => {
	it("managed: a factory file with one standard DMAcc: BootstrapComplete first; GET DevInfo (from --devinfo) and its own account, DELETE SrvID 405, HGET into Name; DevID the same after a restart", async () => {
		const dm = new DmServer({
			psk,
			repository: { "/name": { contentType: "text/plain", body: "renamed by HGET" } },
			sessions: [[
				[["GET", `${DEVINFO}//FwV`], ["GET", `${DMACC}//SrvID`], ["DELETE", `${DMACC}//SrvID`], ["HGET", "https://127.0.0.1:PORT/name", `${DMACC}//Name`], ["GET", `${DACMO}/${encodeURIComponent(DEVINFO)}/`]],
				[["GET", `${DMACC}//Name`], ["GET", `${DEVINFO}//`]],
				[["END"]],
			], [[["GET", `${DEVINFO}//DevID`]], [["END"]]]] as Command[][][],
		});
		const port = await dm.listen();
		for (const p of dm["options"].sessions![0]!) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
		const flash = newFlash();
		try {
			const devinfo = JSON.stringify({ Man: "Acme", Mod: "Sensor 1", FwV: "3.1.4" });
			const first = await session(flash, port, ["--devinfo-json", devinfo]);
			assert.equal(first.code, 0, first.stdout + first.stderr);
			const s = dm.sessions[0]!;
			assert.deepEqual(s.violations, []);
			assert.equal(s.trigger, BOOTSTRAP_COMPLETE, "a factory bootstrap is followed by BootstrapComplete (8)");
			const p3 = s.received[1]!;
			assert.ok(p3.kind === "package3");
			assert.deepEqual(p3.body.Status.map((x) => x.sc), [200, 200, 405, 200, 200], JSON.stringify(p3.body.Status));
			const fwv = p3.results[0]![0]!;
			assert.deepEqual(Object.values(fwv.MOData)[0], "3.1.4", "FwV is the host's fact");
			assert.equal(Object.values(p3.results[1]![0]!.MOData)[0], "dms1", "its own SrvID");
			// the default rights as DACMO entries the server can read (interpretation 16)
			const dacmo = JSON.stringify(p3.results[2]);
			assert.ok(dacmo.includes("\"MAID\":\"serverid:dms1\"") && dacmo.includes("\"AR\":1"), `Get on the device's DevInfo, as a DACMO entry: ${dacmo}`);
			const p3b = s.received[2]!;
			assert.ok(p3b.kind === "package3");
			assert.equal(Object.values(p3b.results[0]![0]!.MOData)[0], "renamed by HGET", "HGET wrote its account's Name");
			const info = Object.values(p3b.results[1]![0]!.MOData)[0] as Record<string, string>;
			assert.equal(info.Man, "Acme");
			assert.equal(info.DmV, "2.0");
			assert.match(info.DevID!, /^UUID:[0-9a-f-]{36}$/, "no DevID fact on this host: generated");
			assert.equal(s.devId, info.DevID, "OMADM-DevID is DevInfo/DevID");

			const second = await session(flash, port);
			assert.equal(second.code, 0, second.stdout + second.stderr);
			const t = dm.sessions[1]!;
			assert.equal(t.trigger, CLIENT_INITIATED, "BootstrapComplete was owed once");
			assert.equal(t.devId, info.DevID, "the same DevID after a restart (kept on flash)");
			const p3c = t.received[1]!;
			assert.ok(p3c.kind === "package3");
			assert.equal(Object.values(p3c.results[0]![0]!.MOData)[0], info.DevID);
		} finally {
			await dm.close();
		}
	});

	it("managed: a Package#0 replayed after the device restarted is dropped; a new one runs; MOS items link each MO's DDF, served by a repository on another origin", async () => {
		const pki = makeTestPki();
		// the device maker's DDFs: the standard MOs' and the device's own, each under its MOID's file name
		const files: Record<string, string> = {};
		const ddfs = [...readdirSync(join(root, "modules/dm/mo/ddf")).map((f) => join(root, "modules/dm/mo/ddf", f)), join(root, "hosts/sim/dm-device/ddf/demo.xml")];
		for (const file of ddfs) {
			const xml = readFileSync(file, "utf8");
			const moid = /<DDFName>([^<]+)<\/DDFName>/.exec(xml)![1]!;
			files[`/ddf/${ddfFileName(moid)}`] = xml;
		}
		const repo = new Repository({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files });
		const repoPort = await repo.listen();
		const dm = new DmServer({ psk });
		const port = await dm.listen();
		const flash = newFlash();
		const args = ["--factory-json", standardAccount(port), "--ddf-base", `https://localhost:${repoPort}/ddf/`];
		const p0 = Buffer.from(notificationBytes({ serverId: "dms1", notificationId: 41, secret: NOTI_SECRET, authData: Buffer.from("noti-data"), requestMos: true }));
		const push = (bytes: Uint8Array, udpPort: number) => sendDatagram(wapPush(bytes, 41), udpPort, "127.0.0.1");
		try {
			const first = await listeningDevice(flash, args, (udp) => push(p0, udp));
			assert.equal(first.code, 0, first.out);
			assert.deepEqual(dm.sessions.map((s) => s.trigger), [BOOTSTRAP_COMPLETE, "urn:oma:at:dm:2.0:ServerInitiatedMgmt"], first.out);
			const p1 = dm.sessions[1]!.received[0]!;
			assert.ok(p1.kind === "package1");
			const mos = p1.body.MOS!;
			assert.ok(mos.length >= 2, JSON.stringify(mos));
			for (const item of mos) {
				assert.equal(item.DDF, `https://localhost:${repoPort}/ddf/${ddfFileName(item.MOID!)}`, `${item.MOID}: its DDF link`);
				const xml = await new Promise<string>((resolve, reject) => {
					request(item.DDF!, { ca: pki.ca.cert }, (res) => {
						let body = "";
						res.setEncoding("utf8").on("data", (d: string) => { body += d; }).on("end", () => resolve(`${res.statusCode} ${body}`));
					}).on("error", reject).end();
				});
				assert.ok(xml.startsWith("200 ") && xml.includes(`<DDFName>${item.MOID}</DDFName>`), `${item.DDF} serves the DDF of ${item.MOID}`);
			}
			assert.deepEqual(mos.find((m) => m.MOID === DMACC)?.MIID, ["dms1"], "MOS names the server's own DMAcc instance");

			// the device restarts; the same Package#0 comes again (within its TIMESTAMP window)
			const replayed = await listeningDevice(flash, args, async (udp) => {
				await push(p0, udp);
				await new Promise((r) => setTimeout(r, 1500));
				await push(notificationBytes({ serverId: "dms1", notificationId: 42, secret: NOTI_SECRET, authData: Buffer.from("noti-data") }), udp);
			});
			assert.equal(replayed.code, 0, replayed.out);
			assert.match(replayed.out, /"accepted":false.*"reason":"duplicate"/, "the replay is dropped as a duplicate");
			assert.equal(dm.sessions.length, 3, "only the new notification started a session");
			const p1b = dm.sessions[2]!.received[0]!;
			assert.ok(p1b.kind === "package1");
			assert.deepEqual(p1b.body.Alert![0]!.Data, { "NOTIFICATION-ID": 42 });
		} finally {
			await dm.close();
			await repo.close();
		}
	});

	it("managed: DEFAULT's ServerURI is fetched as its server's HGET: over the account's TLS-PSK (same origin), and the server can GET the instance it then owns (5.3.10, I.3)", async () => {
		const CFG = "urn:oma:mo:x-test-config:1.0";
		const dm = new DmServer({
			psk,
			repository: { "/cfg": { contentType: "application/dmmo+json", body: JSON.stringify([{ ClientURI: `${CFG}//`, MOData: { c1: { Val: "from DEFAULT" } } }]) } },
			sessions: [[[["DEFAULT", "https://127.0.0.1:PORT/cfg?dev=[DevID]", CFG]]], [[["GET", `${CFG}//Val`], ["GET", `${DACMO}/${encodeURIComponent(CFG)}/`]]]] as Command[][][],
		});
		const port = await dm.listen();
		for (const p of dm["options"].sessions![0]!) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
		try {
			const factory = JSON.parse(standardAccount(port)) as { MOData: { dms1: { Perm: Record<string, { MOID: string }> } } }[];
			factory[0]!.MOData.dms1.Perm["3"] = { MOID: CFG };
			const r = await runXsdm(compiled("hosts/sim/dm-device/test-driver.ts"), ["--factory-json", JSON.stringify(factory), "--session", "dms1", "--sessions", "2", "--configure", CFG],
				{ options: FLASH(newFlash()), timeoutMs: 60000 });
			assert.equal(r.code, 0, r.stdout + r.stderr);
			assert.match(r.stdout, /^command 0 DEFAULT .*: 200$/m);
			assert.match(r.stdout, new RegExp(`^configure ${CFG}: true$`, "m"), "the application's request was served from DEFAULT's ServerURI");
			const fetched = dm.repositoryRequests.filter((q) => q.path === "/cfg");
			assert.equal(fetched.length, 1, "one GET: dm-server speaks TLS-PSK only, so the account's own credentials went to its own origin");
			assert.equal(fetched[0]!.method, "GET");
			const p3 = dm.sessions[1]!.received[1]!;
			assert.ok(p3.kind === "package3");
			assert.deepEqual(p3.body.Status.map((x) => x.sc), [200, 200], "the issuing server reads what DEFAULT created");
			assert.equal(Object.values(p3.results[0]![0]!.MOData)[0], "from DEFAULT");
			assert.match(JSON.stringify(p3.results[1]), /"AR":15,"MAID":"serverid:dms1"|"MAID":"serverid:dms1","AR":15/, "it owns the instance (10), as its own HGET would");
		} finally {
			await dm.close();
		}
	});

	it("managed: SUB on one leaf: a sibling's change by HGET reports nothing, the leaf's change by HGET reports once, by PUT to the SUB's ServerURI (5.3.11)", async () => {
		const dm = new DmServer({
			psk,
			repository: { "/poll": { contentType: "text/plain", body: "3600" }, "/name": { contentType: "text/plain", body: "watched" }},
			sessions: [
				[[["SUB", "https://127.0.0.1:PORT/sub", `${DMACC}//Name`]], [["HGET", "https://127.0.0.1:PORT/poll", `${DMACC}//Ext/PollInterval`]]],
				[[["HGET", "https://127.0.0.1:PORT/name", `${DMACC}//Name`]]],
				[[["GET", `${DMACC}//Name`]]],
			] as Command[][][],
		});
		const port = await dm.listen();
		for (const sc of dm["options"].sessions!) for (const p of sc) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
		const flash = newFlash();
		const reports = () => dm.repositoryRequests.filter((q) => q.path === "/sub");
		try {
			const one = await session(flash, port, [], { PollInterval: 0 });	// the sibling exists: HGET replaces it
			assert.equal(one.code, 0, one.stdout + one.stderr);
			assert.match(one.stdout, /^command 0 HGET .*PollInterval: 200$/m, `the sibling changed:\n${one.stdout}`);
			assert.equal(reports().length, 0, "a sibling's change is not the subscribed leaf's");
			const two = await session(flash, port);
			assert.equal(two.code, 0, two.stdout + two.stderr);
			assert.equal(reports().length, 1, "the leaf changed by HGET: one report");
			assert.equal(reports()[0]!.method, "PUT");
			assert.match(reports()[0]!.body.toString(), /"Name":"watched"|"watched"/);
			const three = await session(flash, port);
			assert.equal(three.code, 0, three.stdout + three.stderr);
			assert.equal(reports().length, 1, "once: nothing changed since");
		} finally {
			await dm.close();
		}
	});

	it("managed: the no-progress limit is the account's Ext/NoProgressLimit, and a Package#2 that keeps trickling in is not cut by it", async () => {
		// a DM server over TLS-PSK that answers Package#1 as it is told: never, or a piece every 1.5 s
		const p2 = JSON.stringify({ CMD: [["END"]] });
		let mode: "silent" | "trickle" = "silent";
		const server = createTlsServer({
			pskCallback: (_socket: TLSSocket, identity: string) => (identity === psk.identity ? psk.key : null),
			ciphers: PSK_SUITES.join(":"), minVersion: "TLSv1.2", maxVersion: "TLSv1.2",
		}, (socket) => {
			let seen = "";
			socket.setEncoding("latin1").on("data", (d: string) => {
				seen += d;
				const head = seen.indexOf("\r\n\r\n");
				const length = Number(/content-length: *(\d+)/i.exec(seen)?.[1] ?? "-1");
				if (head < 0 || seen.length < head + 4 + length || mode === "silent") return;
				seen = "";
				const pieces = [`HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oma.dm.request+json\r\nContent-Length: ${p2.length}\r\n\r\n`, ...p2.match(/.{1,5}/g)!];
				const next = (): void => { const piece = pieces.shift(); if (piece !== undefined && !socket.destroyed) { socket.write(piece); setTimeout(next, 1500); } };
				next();
			}).on("error", () => undefined);
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const port = (server.address() as { port: number }).port;
		try {
			const started = Date.now();
			const silent = await session(newFlash(), port, [], { NoProgressLimit: 3 });
			const took = Date.now() - started;
			assert.equal(silent.code, 1, silent.stdout + silent.stderr);
			assert.match(silent.stdout, /within 3000 ms/, "given up after the account's 3 s");
			assert.ok(took < 30000, `not the default five minutes (${took} ms)`);
			mode = "trickle";
			const t0 = Date.now();
			const slow = await session(newFlash(), port, [], { NoProgressLimit: 3 });
			assert.equal(slow.code, 0, slow.stdout + slow.stderr);
			assert.ok(Date.now() - t0 > 5500, "the Package#2 took longer than the limit in all, and the session still ended with END");
			assert.match(slow.stdout, /session ended after 1 packages/);
		} finally {
			await new Promise<void>((r) => server.close(() => r()));
		}
	});
});
