// DmClient over a RAM flash and a scripted HttpClient (tests/unit/commands/scripted-http.ts):
// a factory bootstrap applied as the device, a session, backoff after a failed one, a queued
// alert surviving a failed session and a remount to go out in the next, SUB reports of changed
// sub-trees (once per change, across a remount), and DEFAULT configuration for a local request.
// DmClient from its own file: the device room's index also loads the native transport, which Node has not
import { DmClient } from "../../../modules/dm/device/client.js";
import type { AccountCredentials } from "../../../modules/dm/credentials.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { ConnectionType, encodePackage0, signPackage0 } from "../../../modules/dm/codec/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { TEST_MO, TEST_MOID } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { ScriptedHttp, type Reply, type Sent } from "../commands/scripted-http.js";
import { DEVICE } from "../commands/setup.js";

const P2 = { "Content-Type": "application/vnd.oma.dm.request+json" };
const cmds = (...c: string[][]): Reply => ({ status: 200, headers: P2, body: JSON.stringify({ CMD: c }) });

const FACTORY = JSON.stringify([
	{ ClientURI: `${MOIDS.devInfo}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:1", Man: "M", Mod: "D", DmV: "2.0", Lang: "en", DevType: "t", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
	{ ClientURI: `${MOIDS.dmAcc}/dms1/`, MOData: { dms1: { SrvID: "dms1", SrvURI: "https://dms1.example.com/dm", Name: "one", Perm: { "1": { MOID: "*" } }, Auth: { Trsp: { Data: "aWQ=", Secret: "cHNr" }, Noti: { Type: 0, Data: "ZGF0YQ==", Secret: "c2VjcmV0" } } } } },
	{ ClientURI: `${MOIDS.dacmo}/${encodeURIComponent(TEST_MOID)}/`, MOData: { [TEST_MOID]: { t1: { all: { Permissions: { "1": { MAID: "serverid:dms1", AR: 15 } } } } } } },
	{ ClientURI: `${TEST_MOID}/t1/`, MOData: { t1: { Val: "v", Num: 1, Items: { a: { ID: "a" } } } } },
]);

function client(flash: RamNorFlash, script: (req: Sent, n: number) => Reply | "drop", clock = { t: 0 }) {
	const accounts: AccountCredentials[] = [];
	const http = new ScriptedHttp(script);
	let n = 0;
	const c = new DmClient({
		flash, device: DEVICE, random: (len) => new Uint8Array(len).map(() => (n += 37) & 255), now: () => clock.t,
		http: (a) => { accounts.push(a); return http; }, mos: [{ tag: "x", schema: TEST_MO }], backoff: { baseMs: 1000, maxMs: 8000 },
	});
	return { c, http, accounts };
}

describe("DmClient", () => {
	it("applies a factory bootstrap and runs a session with the account's credentials", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http, accounts } = client(flash, () => cmds(["GET", `${TEST_MOID}/t1/Val`], ["END"]));
		assert.deepEqual(c.applyBootstrap([encodeUtf8(FACTORY)]), [`${MOIDS.devInfo}/devinfo/`, `${MOIDS.dmAcc}/dms1/`, `${MOIDS.dacmo}/urn%3Aoma%3Amo%3Atest-mo%3A1.0/`, `${TEST_MOID}/t1/`]);
		assert.deepEqual(c.servers(), ["dms1"]);
		assert.deepEqual(await c.session("dms1"), { ok: true, packages: 1 });
		assert.equal(http.sent[0]!.headers["omadm-devid"], "IMEI:1");
		const tls = accounts[0]!.tls!;
		assert.ok(tls.mode === "psk");
		assert.deepEqual(Array.from(tls.identity), [0x69, 0x64], "Auth/Trsp/Data decoded from base64");
		assert.deepEqual((await c.session("nobody")).ok, false);
	});

	it("a bootstrapped account is owed a BootstrapComplete session until one succeeds, across failures and reboots (8)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const clock = { t: 0 };
		let up = false;
		const first = client(flash, () => (up ? cmds(["END"]) : "drop"), clock);
		first.c.applyBootstrap([encodeUtf8(FACTORY)]);
		assert.deepEqual(first.c.owedBootstrapComplete(), ["dms1"], "a factory bootstrap is a bootstrap (8): its account is owed one too");
		up = true;
		assert.ok((await first.c.session("dms1")).ok);
		assert.equal(JSON.parse(first.http.sent[0]!.text).Alert[0].AlertType, "urn:oma:at:dm:2.0:BootstrapComplete", "the factory account's first session says so");
		assert.deepEqual(first.c.owedBootstrapComplete(), []);
		up = false;
		first.http.sent.length = 0;
		const second = JSON.stringify([{ ClientURI: `${MOIDS.dmAcc}/dms2/`, MOData: { dms2: { SrvID: "dms2", SrvURI: "https://dms2.example.com/dm", Name: "two", Perm: { "1": { MOID: MOIDS.devInfo } }, Auth: { Trsp: { Data: "aWQ=", Secret: "cHNr" } } } } }]);
		const give = (c: DmClient, doc: string, replace: string[] = []) => {
			const w = c.bootstrapWriter(replace.map((miid) => ({ moid: MOIDS.dmAcc, miid })));
			w.write(encodeUtf8(doc));
			return w.end();
		};
		give(first.c, second);
		assert.deepEqual(first.c.owedBootstrapComplete(), ["dms2"]);
		assert.equal((await first.c.session("dms2")).ok, false, "the server is unreachable");
		assert.deepEqual(first.c.owedBootstrapComplete(), ["dms2"], "still owed");
		clock.t = 60000;
		up = true;
		const rebooted = client(flash, () => cmds(["END"]), clock);
		assert.deepEqual(rebooted.c.owedBootstrapComplete(), ["dms2"], "kept on flash");
		assert.ok((await rebooted.c.session("dms2")).ok, "a plain client-initiated session");
		const alertOf = (n: number) => (JSON.parse(rebooted.http.sent[n]!.text) as { Alert: { AlertType: string }[] }).Alert[0]!.AlertType;
		assert.equal(alertOf(0), "urn:oma:at:dm:2.0:BootstrapComplete", "carries what is owed");
		assert.deepEqual(rebooted.c.owedBootstrapComplete(), []);
		assert.ok((await rebooted.c.session("dms2")).ok);
		assert.equal(alertOf(1), "urn:oma:at:dm:2.0:ClientInitiatedMgmt", "and only once");
		give(rebooted.c, second);
		assert.deepEqual(rebooted.c.owedBootstrapComplete(), ["dms2"], "given again, owed again");
		give(rebooted.c, "[]", ["dms2"]);
		assert.deepEqual(rebooted.c.owedBootstrapComplete(), [], "an account taken away is owed nothing");
		assert.deepEqual(rebooted.c.servers(), ["dms1"]);
	});

	it("backs off after a failed session; a queued alert survives it and a remount, and goes out next time", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const clock = { t: 0 };
		let up = false;
		const first = client(flash, () => (up ? cmds(["END"]) : { status: 500 }), clock);
		first.c.applyBootstrap([encodeUtf8(FACTORY)]);
		first.c.raise({ AlertType: "urn:oma:at:test:1.0:Event", Mark: "critical" }, "dms1");
		assert.equal((await first.c.session("dms1")).ok, false);
		const refused = await first.c.session("dms1");
		assert.ok(!refused.ok && /backing off/.test(refused.reason));
		assert.equal(first.http.sent.length, 1, "no request while backing off");
		clock.t = 10000;
		up = true;
		const second = client(flash, () => cmds(["END"]), clock);   // a reboot: everything from flash
		assert.equal(second.c.alerts.pending().length, 1);
		assert.ok((await second.c.session("dms1")).ok);
		const p1 = JSON.parse(second.http.sent[0]!.text) as { Alert: { AlertType: string }[] };
		// the factory account's first session that got through still owes BootstrapComplete (8)
		assert.deepEqual(p1.Alert.map((a) => a.AlertType), ["urn:oma:at:dm:2.0:BootstrapComplete", "urn:oma:at:test:1.0:Event"]);
		assert.equal(second.c.alerts.pending().length, 0);
	});

	it("reports a subscribed sub-tree by PUT when it changed, once, and again after the next change", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http } = client(flash, (req) => (req.method === "PUT" ? { status: 204 } : cmds(["SUB", "https://dr.example.com/sub/[DevID]", `${TEST_MOID}/t1/Items`], ["END"])));
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		assert.ok((await c.session("dms1")).ok);
		assert.equal(await c.reportChanges(), 0, "nothing changed yet");
		const cs = c.tree.change();
		cs.put({ moid: TEST_MOID, miid: "t1", path: ["Items", "b", "ID"] }, "b");
		cs.commit();
		assert.equal(await c.reportChanges(), 1);
		const put = http.sent.find((s) => s.method === "PUT")!;
		assert.equal(put.url, "https://dr.example.com/sub/IMEI:1", "[DevID] is DevInfo/DevID");
		assert.deepEqual((JSON.parse(put.text) as { MOData: unknown }[])[0]!.MOData, { Items: { a: { ID: "a" } , b: { ID: "b" } } });
		assert.equal(await c.reportChanges(), 0, "reported once");
		const again = client(flash, () => ({ status: 200 }));
		assert.equal(await again.c.reportChanges(), 0, "what was reported is remembered on flash");
	});

	it("update(): the device's own change waits for the running session to end, then goes to subscribers", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http } = client(flash, (req) => (req.method === "PUT" ? { status: 204 } : cmds(["SUB", "https://dr.example.com/sub", `${TEST_MOID}/t1/Val`], ["END"])));
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		const val = { moid: TEST_MOID, miid: "t1", path: ["Val"] };
		const session = c.session("dms1");
		const reported = c.update((cs) => cs.put(val, "set on the device"));
		assert.equal(c.tree.text(val), "v", "nothing written while the session runs");
		assert.ok((await session).ok);
		assert.equal(await reported, 1, "the SUB of that session sees the change");
		assert.equal(c.tree.text(val), "set on the device");
		assert.deepEqual(http.sent.map((s) => s.method), ["POST", "PUT"]);
		assert.equal(await c.update((cs) => cs.put(val, "set on the device")), 0, "an unchanged value is not reported again");
	});

	it("SUB reports at the granularity subscribed: a sibling's change by the server's HGET says nothing, the leaf's change is reported once (5.3.11)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const repo = (body: string): Reply => ({ status: 200, headers: { "Content-Type": "text/plain" }, body });
		const sessions = [
			[["SUB", "https://dr.example.com/sub", `${TEST_MOID}/t1/Val`], ["END"]],
			[["HGET", "https://repo.example.com/num", `${TEST_MOID}/t1/Num`], ["END"]],
			[["HGET", "https://repo.example.com/val", `${TEST_MOID}/t1/Val`], ["END"]],
			[["END"]],
		];
		let session = -1;
		const { c, http } = client(flash, (req) => {
			if (req.method === "PUT") return { status: 204 };
			if (req.method === "GET") return repo(req.url.endsWith("/num") ? "7" : "new value");
			return cmds(...sessions[++session]!);
		});
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		for (let i = 0; i < sessions.length; i++) assert.ok((await c.session("dms1")).ok);
		const puts = http.sent.filter((r) => r.method === "PUT");
		assert.equal(puts.length, 1, puts.map((p) => p.text).join(" | "));
		assert.deepEqual(JSON.parse(puts[0]!.text), [{ ClientURI: `${TEST_MOID}/t1/Val`, MOData: { Val: "new value" } }]);
		assert.equal(puts[0]!.url, "https://dr.example.com/sub");
	});

	it("a wildcard SUB covers instances created after it, and a sub-tree gone is reported as an empty document", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http } = client(flash, (req, n) => req.method === "PUT" ? { status: 200 }
			: n === 0 ? cmds(["SUB", "https://dr.example.com/any", `${TEST_MOID}/*/Val`], ["END"]) : cmds(["DELETE", `${TEST_MOID}/t1/`], ["DELETE", `${TEST_MOID}/t2/`], ["END"]));
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		assert.ok((await c.session("dms1")).ok);
		assert.equal(await c.update((cs) => {
			cs.createInstance(TEST_MOID, "t2");
			cs.put({ moid: TEST_MOID, miid: "t2", path: ["Val"] }, "second");
			cs.put({ moid: MOIDS.dacmo, miid: TEST_MOID, path: ["t2", "all", "Permissions", "1", "MAID"] }, "serverid:dms1");
			cs.put({ moid: MOIDS.dacmo, miid: TEST_MOID, path: ["t2", "all", "Permissions", "1", "AR"] }, 15);
		}), 1);
		const puts = (): Sent[] => http.sent.filter((r) => r.method === "PUT");
		assert.deepEqual((JSON.parse(puts()[0]!.text) as { ClientURI: string }[]).map((i) => i.ClientURI), [`${TEST_MOID}/t1/Val`, `${TEST_MOID}/t2/Val`], "t2 was made after the SUB");
		assert.equal(await c.update(() => undefined), 0, "nothing changed since");
		assert.ok((await c.session("dms1")).ok);
		assert.equal(puts().length, 2);
		assert.deepEqual(JSON.parse(puts()[1]!.text), [], "both instances deleted: the sub-tree is empty now");
	});

	it("DEFAULT: a local request for an MO with no instance fetches it from the stored ServerURI as its server's HGET: that account's credentials, and the instance is the server's (5.3.10, I.3)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http, accounts } = client(flash, (req, n) => req.method === "GET"
			? { status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: JSON.stringify([{ ClientURI: `${TEST_MOID}//`, MOData: { cfg: { Val: "from default", Num: 2 } } }]) }
			: n === 0 ? cmds(["DELETE", `${TEST_MOID}/t1/`], ["DEFAULT", "https://prov.example.com/[MCC]/cfg", TEST_MOID], ["END"])
			: n === 2 ? cmds(["GET", `${TEST_MOID}/cfg/Val`]) : cmds(["END"]));
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		assert.ok((await c.session("dms1")).ok);
		assert.deepEqual(c.tree.instances(TEST_MOID), []);
		assert.equal(await c.configure(TEST_MOID), true);
		assert.equal(http.sent[1]!.url, "https://prov.example.com/-1/cfg");
		assert.equal(accounts[1]!.srvId, "dms1", "the fetch went through dms1's account (the origin rule picks which credentials)");
		assert.equal(accounts[1]!.srvUri, "https://dms1.example.com/dm");
		assert.equal(c.tree.text({ moid: TEST_MOID, miid: "cfg", path: ["Val"] }), "from default");
		assert.equal(c.tree.text({ moid: MOIDS.dacmo, miid: TEST_MOID, path: ["cfg", "owner", "Permissions", "1", "MAID"] }), "serverid:dms1", "the issuing server owns what DEFAULT created");
		assert.ok((await c.session("dms1")).ok);
		assert.ok(http.sent.slice(2).some((r) => r.text.includes("from default")), `and reads it (GET data in Package#3): ${http.sent.slice(2).map((r) => r.text).join(" / ")}`);
	});

	it("DEFAULT of a server whose account is gone is not used; one stored by earlier firmware (no server) is fetched as the device", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const { c, http } = client(flash, () => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: JSON.stringify([{ ClientURI: `${TEST_MOID}//`, MOData: { cfg: { Val: "v", Num: 1 } } }]) }));
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		await c.update((cs) => cs.delete({ moid: TEST_MOID, miid: "t1", path: [] }));
		c.store.transact((t) => t.put(`d${TEST_MOID}`, encodeUtf8("https://prov.example.com/cfg\nnobody")));
		assert.equal(await c.configure(TEST_MOID), false);
		assert.equal(http.sent.length, 0, "nothing fetched");
		c.store.transact((t) => t.put(`d${TEST_MOID}`, encodeUtf8("https://prov.example.com/cfg")));
		assert.equal(await c.configure(TEST_MOID), true);
		assert.equal(c.tree.text({ moid: TEST_MOID, miid: "cfg", path: ["Val"] }), "v");
	});

	it("a verified Package#0 starts a server-initiated session; forged, replayed and stale ones are dropped", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const events: string[] = [];
		const http = new ScriptedHttp(() => cmds(["END"]));
		const now = 1_700_000_000;
		const c = new DmClient({
			flash, device: DEVICE, random: (len) => new Uint8Array(len), now: () => 0, wallClock: () => now,
			http: () => http, mos: [{ tag: "x", schema: TEST_MO }],
			log: (e) => { if (e.event === "notification") events.push(e.accepted ? "accepted" : `dropped ${e.reason}`); },
		});
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		const secret = encodeUtf8("secret"), data = encodeUtf8("data");
		const p0 = (id: number, timestamp = now) => signPackage0(encodePackage0({ serverId: "dms1", notificationId: id, timestamp, requestMos: true, withDigest: true }), secret, data);
		const outcome = await c.notification(p0(7));
		assert.deepEqual(outcome, { ok: true, packages: 1 });
		const p1 = JSON.parse(http.sent[0]!.text) as { MOS: unknown[]; Alert: { Data: unknown }[] };
		assert.deepEqual(p1.Alert[0]!.Data, { "NOTIFICATION-ID": 7 });
		assert.ok(p1.MOS.length > 0, "REQ-MOS honoured");
		const forged = signPackage0(encodePackage0({ serverId: "dms1", notificationId: 8, timestamp: now, requestMos: true, withDigest: true }), encodeUtf8("guess"), data);
		assert.equal(await c.notification(forged), undefined);
		assert.equal(await c.notification(p0(7)), undefined);
		assert.equal(await c.notification(p0(9, now - 3600)), undefined);
		assert.equal(await c.notification(new Uint8Array([1, 2, 3])), undefined);
		assert.deepEqual(events, ["accepted", "dropped bad-digest", "dropped duplicate", "dropped stale", "dropped malformed"]);
		assert.equal(http.sent.length, 1, "only the verified one reached the server");
	});

	it("the duplicate filter is on flash: a Package#0 replayed after a restart is dropped; per account, the last 32 IDs, bounded (interpretation 20)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const now = 1_700_000_000;
		const http = new ScriptedHttp(() => cmds(["END"]));
		const events: string[] = [];
		const make = () => new DmClient({
			flash, device: DEVICE, random: (len) => new Uint8Array(len), now: () => 0, wallClock: () => now, http: () => http, mos: [{ tag: "x", schema: TEST_MO }],
			log: (e) => { if (e.event === "notification") events.push(e.accepted ? "accepted" : `dropped ${e.reason}`); },
		});
		const c = make();
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		const p0 = (id: number) => signPackage0(encodePackage0({ serverId: "dms1", notificationId: id, timestamp: now, requestMos: false, withDigest: true }), encodeUtf8("secret"), encodeUtf8("data"));
		assert.ok((await c.notification(p0(7)))?.ok);
		const restarted = make();
		assert.equal(await restarted.notification(p0(7)), undefined, "replayed after the restart");
		assert.deepEqual(events, ["accepted", "dropped duplicate"]);
		for (let id = 100; id < 133; id++) assert.ok((await restarted.notification(p0(id)))?.ok, `ID ${id} starts its session`);
		const again = make();
		assert.ok((await again.notification(p0(7)))?.ok, "33 IDs later the oldest is forgotten");
		assert.equal(await again.notification(p0(132)), undefined, "the newest is kept");
		const kept = again.store.keys("kn/");
		assert.equal(kept.length, 1, "one record per account");
		assert.equal(again.store.size(kept[0]!), 2 + "dms1".length + 2 * 32, "at most 32 IDs of 2 bytes on flash, with whose they are");
		// the account's MIID given to another server: it inherits nothing
		await again.update((cs) => cs.put({ moid: MOIDS.dmAcc, miid: "dms1", path: ["SrvID"] }, "other"));
		const other = (id: number) => signPackage0(encodePackage0({ serverId: "other", notificationId: id, timestamp: now, requestMos: false, withDigest: true }), encodeUtf8("secret"), encodeUtf8("data"));
		assert.ok((await again.notification(other(132)))?.ok, "another server's ID 132 is not dms1's");
	});

	it("a report session (an EXEC's ServerURI, 5.3.5) shares its account's backoff: its failure delays the account's next session, and a backing-off account sends no report (interpretations 13, 21)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const clock = { t: 0 };
		let reportsUp = false;
		const { c, http } = client(flash, (req) => (req.url.startsWith("https://reports.example.com/") && !reportsUp ? "drop" : cmds(["END"])), clock);
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		assert.ok((await c.session("dms1")).ok, "the account's own session (its BootstrapComplete)");
		c.alerts.raise({ AlertType: "x-acme:exec-result", Mark: "informational", SourceURI: `${TEST_MOID}/t1/Run`, Data: { sc: 200 }, DataType: "application/json" }, { srvId: "dms1", url: "https://reports.example.com/dm" });
		const [failed] = await c.deliverReports("dms1");
		assert.ok(failed && !failed.ok, "the report's server is down");
		const sent = http.sent.length;
		const refused = await c.session("dms1");
		assert.ok(!refused.ok && /backing off/.test(refused.reason), "the account's own server waits out the backoff the report session started");
		assert.deepEqual((await c.deliverReports("dms1")).map((o) => o.ok), [false], "and so does the report");
		assert.equal(http.sent.length, sent, "no request while the account backs off");
		assert.ok(c.waitFor("dms1") > 0, "the schedule sees the same wait");
		clock.t += 8001;
		reportsUp = true;
		const [delivered] = await c.deliverReports("dms1");
		assert.deepEqual(delivered, { ok: true, packages: 1 });
		assert.equal(c.waitFor("dms1"), 0, "a report session that got through clears the account's backoff");
		assert.equal(c.alerts.pending().length, 0, "the report went out");
	});

	it("PREFERRED-CON-TYPE: the session goes over the first preferred connection that is up, or waits until one comes up", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const events: string[] = [];
		const http = new ScriptedHttp(() => cmds(["END"]));
		const now = 1_700_000_000;
		let up: ConnectionType[] = [ConnectionType.Wireline];
		const used: ConnectionType[] = [];
		const c = new DmClient({
			flash, device: DEVICE, random: (len) => new Uint8Array(len), now: () => 0, wallClock: () => now,
			http: () => http, mos: [{ tag: "x", schema: TEST_MO }],
			network: { available: () => up, use: (t) => { used.push(t); } },
			log: (e) => { if (e.event === "connection") events.push(e.using ? `using ${e.using}` : `waiting ${e.waitingFor!.join(",")}`); },
		});
		c.applyBootstrap([encodeUtf8(FACTORY)]);
		const p0 = (id: number, preferredConnections?: ConnectionType[]) => signPackage0(encodePackage0({ serverId: "dms1", notificationId: id, timestamp: now, requestMos: false, withDigest: true, ...(preferredConnections ? { preferredConnections } : {}) }), encodeUtf8("secret"), encodeUtf8("data"));
		assert.deepEqual(await c.notification(p0(1, [ConnectionType.Wlan, ConnectionType.Wireline])), { ok: true, packages: 1 });
		assert.deepEqual(used, [ConnectionType.Wireline], "the first preferred type that is up");
		assert.deepEqual(await c.notification(p0(2, [ConnectionType.Cellular, ConnectionType.AnyAvailable])), { ok: true, packages: 1 });
		assert.deepEqual(used, [ConnectionType.Wireline, ConnectionType.Wireline], "ANY_AVAILABLE takes what is up");
		assert.equal(await c.notification(p0(3, [ConnectionType.Cellular])), undefined, "held, not run");
		assert.equal(http.sent.length, 2);
		assert.deepEqual(await c.networkChanged(), [], "still no cellular");
		up = [ConnectionType.Wireline, ConnectionType.Cellular];
		assert.deepEqual(await c.networkChanged(), [{ ok: true, packages: 1 }]);
		assert.equal(http.sent.length, 3);
		assert.deepEqual(JSON.parse(http.sent[2]!.text).Alert[0].Data, { "NOTIFICATION-ID": 3 }, "the held notification's session");
		assert.deepEqual(await c.networkChanged(), [], "run once");
		assert.deepEqual(await c.notification(p0(4)), { ok: true, packages: 1 }, "no preference: the host's route");
		assert.deepEqual(used, [ConnectionType.Wireline, ConnectionType.Wireline, ConnectionType.Cellular]);
		assert.deepEqual(events, ["using WIRELINE", "using WIRELINE", "waiting CELLULAR", "waiting CELLULAR", "using CELLULAR"]);
	});

	it("writes DevInfo from the device's description at start, and the sessions name the device by it", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const http = new ScriptedHttp(() => cmds(["END"]));
		const description = { devId: "IMEI:42", man: "Acme", mod: "M1", lang: "en", devType: "sensor", oem: "", fwV: "2.1", swV: "2.1", hwV: "A" };
		const make = () => new DmClient({ flash, device: DEVICE, description, random: (n) => new Uint8Array(n), now: () => 0, http: () => http });
		const c = make();
		c.applyBootstrap([encodeUtf8(JSON.stringify([JSON.parse(FACTORY)[1]]))]);
		assert.ok(c.describe(), "DevInfo created");
		assert.ok((await c.session("dms1")).ok);
		assert.equal(http.sent[0]!.headers["omadm-devid"], "IMEI:42");
		const cv = c.tree.cacheValidator(MOIDS.devInfo, c.tree.instances(MOIDS.devInfo)[0]!);
		const restarted = make();
		assert.equal(restarted.describe(), false, "an unchanged description writes nothing");
		assert.equal(restarted.tree.cacheValidator(MOIDS.devInfo, c.tree.instances(MOIDS.devInfo)[0]!), cv);
	});

	it("failures are per server: one server's backoff never delays another, and a notification it refused is not remembered (interpretations 20, 21)", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const clock = { t: 0 };
		let dms2up = false;
		const now = 1_700_000_000;
		const http = new ScriptedHttp((req) => (req.url.includes("dms2") && !dms2up ? "drop" : cmds(["END"])));
		const c = new DmClient({
			flash, device: DEVICE, random: (len) => new Uint8Array(len).fill(0x80), now: () => clock.t, wallClock: () => now,
			http: () => http, mos: [{ tag: "x", schema: TEST_MO }], backoff: { baseMs: 1000, maxMs: 8000 },
		});
		const dms2 = { ClientURI: `${MOIDS.dmAcc}/dms2/`, MOData: { dms2: { SrvID: "dms2", SrvURI: "https://dms2.example.com/dm", Name: "two", Perm: { "1": { MOID: MOIDS.devInfo } }, Auth: { Noti: { Type: 0, Data: "ZGF0YQ==", Secret: "c2VjcmV0" } } } } };
		c.applyBootstrap([encodeUtf8(JSON.stringify([...(JSON.parse(FACTORY) as object[]), dms2]))]);
		assert.equal((await c.session("dms2")).ok, false, "dms2 is unreachable");
		assert.equal(c.waitFor("dms2"), 501, "a jitter of 0x80808080 / 2^32 of the first ceiling");
		assert.equal(c.waitFor("dms1"), 0, "dms1 is not backing off");
		assert.deepEqual(await c.session("dms1"), { ok: true, packages: 1 }, "dms1's session runs at once");
		const p0 = signPackage0(encodePackage0({ serverId: "dms2", notificationId: 5, timestamp: now, requestMos: false, withDigest: true }), encodeUtf8("secret"), encodeUtf8("data"));
		const refused = await c.notification(p0);
		assert.ok(refused && !refused.ok && /backing off/.test(refused.reason), "refused by dms2's backoff");
		clock.t = 501;
		dms2up = true;
		const retransmitted = await c.notification(p0);
		assert.deepEqual(retransmitted, { ok: true, packages: 1 }, "the server's retransmission of the same NOTIFICATION-ID is not a duplicate");
		assert.deepEqual(JSON.parse(http.sent[http.sent.length - 1]!.text).Alert[0].Data, { "NOTIFICATION-ID": 5 });
		assert.equal(await c.notification(p0), undefined, "once its session started, the pair is a duplicate");
	});
});
