// The package flow of 5.2 against a scripted server (tests/unit/commands/scripted-http.ts; the
// e2e tests run the same flows against dm-server over TLS-PSK):
//
//   client                                   scripted server
//     | POST Package#1 ------------------------> |   headers of 5.2.2, the session alert
//     | <------------------------ 200 Package#2  |
//     | POST Package#3 (multipart if GET data) -> |
//     | <--------------------- 200 Package#2 END |   nothing more is sent
//
// and the failures of 5.6: any 4xx/5xx or dropped exchange ends the session with no retry, queued
// alerts staying on flash for the next one.
import { AlertQueue, Backoff, ReportInbox, runSession, type SessionEvent, type SessionOptions, type Trigger } from "../../../modules/dm/session/index.js";
import type { CommandHooks, ExecReport } from "../../../modules/dm/commands/index.js";
import { PARKED_KEY } from "../../../modules/dm/session/body-spool.js";
import { accountOf } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { TEST_MOID } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { ScriptedHttp, type Reply, type Sent } from "../commands/scripted-http.js";
import { DEVICE, DEVID, setup } from "../commands/setup.js";

const P2 = { "Content-Type": "application/vnd.oma.dm.request+json" };
const cmds = (...c: string[][]): Reply => ({ status: 200, headers: P2, body: JSON.stringify({ CMD: c }) });

function session(script: (req: Sent, n: number) => Reply | "drop", trigger: Trigger = { kind: "client" }, hooks: CommandHooks = {}, extra: Partial<SessionOptions> = {}) {
	const f = setup(undefined, hooks);
	const http = new ScriptedHttp(script);
	const alerts = new AlertQueue(f.store);
	const reports = new ReportInbox(alerts);
	const events: SessionEvent[] = [];
	let n = 0;
	const options: SessionOptions = {
		tree: f.tree, store: f.store, http, alerts, reports, device: DEVICE, hooks, srvId: "dms1", miid: accountOf(f.tree, "dms1")!, trigger,
		random: (len) => new Uint8Array(len).map(() => n++), log: (e) => events.push(e), ...extra,
	};
	return { ...f, http, alerts, events, run: () => runSession(options) };
}

interface Part { name: string | undefined; type: string; body: string }
function parts(s: Sent): Part[] {
	const boundary = /boundary=([^;]+)/.exec(s.headers["content-type"]!)![1]!;
	return s.text.split(`--${boundary}`).slice(1, -1).map((p) => {
		const [head, ...rest] = p.replace(/^\r\n/, "").split("\r\n\r\n");
		const name = /name="(\d+)"/.exec(head!)?.[1];
		return { name, type: /Content-Type: ([^\r]+)/.exec(head!)![1]!, body: rest.join("\r\n\r\n").replace(/\r\n$/, "") };
	});
}

describe("DM session: a DM server that redirects", () => {
	const moved = (status: number, location: string): Reply => ({ status, headers: { Location: location }, body: "moved" });

	it("follows a 307/308/301/302 once: the package goes again to the Location, and the rest of the session follows it", async () => {
		for (const status of [307, 308, 301, 302]) {
			const s = session((_r, n) => n === 0 ? moved(status, "https://dms1.example.com/dm2?x=1") : n === 1 ? cmds(["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"]) : cmds(["END"]));
			const outcome = await s.run();
			assert.ok(outcome.ok, `${status}: ${JSON.stringify(outcome)}`);
			assert.deepEqual(s.http.sent.map((r) => r.url), ["https://dms1.example.com/dm", "https://dms1.example.com/dm2?x=1", "https://dms1.example.com/dm2?x=1"]);
			assert.equal(s.http.sent[1]!.text, s.http.sent[0]!.text, "the same Package#1, whole, again");
			assert.deepEqual(s.events.filter((e) => e.event === "redirected"), [{ event: "redirected", status, url: "https://dms1.example.com/dm2?x=1" }]);
		}
	});

	it("resolves a path-only Location against the server's origin", async () => {
		const s = session((_r, n) => n === 0 ? moved(307, "/v2/dm") : cmds(["END"]));
		assert.ok((await s.run()).ok);
		assert.equal(s.http.sent[1]!.url, "https://dms1.example.com/v2/dm");
	});

	it("aborts on a second redirect, a 303, a missing or relative Location, and a move to plain http", async () => {
		const cases: [string, (req: Sent, n: number) => Reply][] = [
			["second", (_r, n) => moved(307, `https://dms1.example.com/hop${n}`)],
			["303", () => moved(303, "https://dms1.example.com/other")],
			["no Location", () => ({ status: 307, body: "" })],
			["relative", () => moved(307, "dm2")],
			["plain http", () => moved(308, "http://dms1.example.com/dm")],
		];
		for (const [what, script] of cases) {
			const s = session(script);
			const outcome = await s.run();
			assert.equal(outcome.ok, false, what);
			assert.ok(s.http.sent.length <= 2, `${what}: ${s.http.sent.length} requests`);
		}
	});
});

describe("DM session (5.2)", () => {
	it("Package#1 carries the headers of 5.2.2 and ClientInitiatedMgmt; GET data travels in multipart (Appendix F, interpretation 6)", async () => {
		const s = session((_r, n) => (n === 0 ? cmds(["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"], ["GET", `${TEST_MOID}/inst/Nope`], ["GET", "urn:oma:mo:oma-dm-devinfo:1.0//Man"]) : cmds(["END"])));
		const outcome = await s.run();
		assert.deepEqual(outcome, { ok: true, packages: 2 });
		const [p1, p3] = s.http.sent;
		assert.equal(p1!.method, "POST");
		assert.equal(p1!.url, "https://dms1.example.com/dm");
		assert.equal(p1!.headers["content-type"], "application/vnd.oma.dm.initiation+json");
		assert.equal(p1!.headers["accept"], "application/vnd.oma.dm.request+json");
		assert.equal(p1!.headers["omadm-devid"], DEVID);
		assert.deepEqual(JSON.parse(p1!.text), { Alert: [{ AlertType: "urn:oma:at:dm:2.0:ClientInitiatedMgmt" }] });
		assert.ok(p3!.headers["content-type"]!.startsWith("multipart/form-data; boundary="));
		assert.equal(p3!.headers["omadm-devid"], DEVID);
		const ps = parts(p3!);
		assert.deepEqual(ps.map((p) => [p.name, p.type]), [[undefined, "application/vnd.oma.dm.response+json"], ["0", "application/dmmo+json"], ["2", "application/dmmo+json"]]);
		assert.deepEqual(JSON.parse(ps[0]!.body), { Status: [{ sc: 200 }, { sc: 404 }, { sc: 200 }] });
		assert.deepEqual(JSON.parse(ps[1]!.body), [{ ClientURI: `${MOIDS.devInfo}/devinfo/DevID`, MOData: { DevID: DEVID } }]);
		assert.equal(s.http.sent.length, 2, "END: no Package#3");
		assert.deepEqual(s.events.filter((e) => e.event === "command").map((e) => e.event === "command" && `${e.name} ${e.status}`), ["GET 200", "GET 404", "GET 200", "END 200"]);
	});

	it("a server-initiated session carries the NOTIFICATION-ID (interpretation 5) and, with REQ-MOS, the MOs per the account's Perm", async () => {
		const s = session(() => cmds(["END"]), { kind: "server", notificationId: 4660, requestMos: true });
		assert.ok((await s.run()).ok);
		const p1 = JSON.parse(s.http.sent[0]!.text) as { MOS: { MOID: string; MIID: string[] }[]; Alert: unknown[] };
		assert.deepEqual(p1.Alert, [{ AlertType: "urn:oma:at:dm:2.0:ServerInitiatedMgmt", DataType: "application/json", Data: { "NOTIFICATION-ID": 4660 } }]);
		assert.deepEqual(p1.MOS.map((m) => [m.MOID, m.MIID]), [[MOIDS.devInfo, ["devinfo"]], [MOIDS.dmAcc, ["dms1"]], [TEST_MOID, ["inst"]]],
			"DevInfo, DMAcc and the test MO are in dms1's Perm; DACMO and SessionInfo are not");
		const b = session(() => cmds(["END"]), { kind: "bootstrap" });
		await b.run();
		assert.deepEqual(JSON.parse(b.http.sent[0]!.text), { Alert: [{ AlertType: "urn:oma:at:dm:2.0:BootstrapComplete" }] });
	});

	it("an answered package acknowledges its alerts; a failed one keeps them, and nothing is retried (5.6)", async () => {
		const failing = session(() => ({ status: 503 }));
		failing.alerts.raise({ AlertType: "urn:oma:at:test:1.0:Event", Mark: "warning" }, { srvId: "dms1" });
		const outcome = await failing.run();
		assert.deepEqual(outcome, { ok: false, reason: "the server answered HTTP 503: session aborted (5.6)", httpStatus: 503 });
		assert.equal(failing.http.sent.length, 1, "no retry");
		assert.equal(failing.alerts.pending().length, 1, "kept for the next session");
		assert.equal((JSON.parse(failing.http.sent[0]!.text) as { Alert: unknown[] }).Alert.length, 2);

		const ok = session((_r, n) => (n === 0 ? cmds(["GET", `${TEST_MOID}/inst/Val`]) : cmds(["END"])));
		ok.alerts.raise({ AlertType: "urn:oma:at:test:1.0:Event" }, { srvId: "dms1" });
		assert.ok((await ok.run()).ok);
		assert.equal(ok.alerts.pending().length, 0);

		for (const broken of ["drop", { status: 200, headers: P2, body: "{\"CMD\":[[\"GET\"" }, { status: 200, headers: { "Content-Type": "text/html" }, body: "<html>" }, { status: 200, headers: P2, body: "[1]" }] as (Reply | "drop")[]) {
			const s = session(() => broken);
			s.alerts.raise({ AlertType: "urn:oma:at:test:1.0:Event" }, { srvId: "dms1" });
			const r = await s.run();
			assert.equal(r.ok, false, JSON.stringify(broken));
			assert.equal(s.http.sent.length, 1);
			assert.equal(s.alerts.pending().length, 1);
		}
		const backoff = new Backoff(() => 0.5, { baseMs: 1000 });
		backoff.failed(0);
		assert.equal(backoff.mayStart(100), false, "the caller spaces the next trigger");
	});

	it("CONT sends this and every later Package#3 to the new URI", async () => {
		const s = session((_r, n) => [cmds(["CONT", "https://dms1-b.example.com/dm"], ["GET", `${TEST_MOID}/inst/Nope`]), cmds(["GET", `${TEST_MOID}/inst/Nope`]), cmds(["END"])][n]!);
		assert.ok((await s.run()).ok);
		assert.deepEqual(s.http.sent.map((x) => x.url), ["https://dms1.example.com/dm", "https://dms1-b.example.com/dm", "https://dms1-b.example.com/dm"]);
		assert.deepEqual(JSON.parse(s.http.sent[1]!.text), { Status: [{ sc: 200 }, { sc: 404 }] });
	});

	it("END: every command of the package is processed, nothing is answered (5.3.9)", async () => {
		const s = session(() => cmds(["END"], ["DELETE", `${TEST_MOID}/inst/Items`], ["FROB"]));
		assert.ok((await s.run()).ok);
		assert.equal(s.http.sent.length, 1);
		assert.equal(s.tree.has(s.at("Items")), false);
		assert.deepEqual(s.events.filter((e) => e.event === "command").map((e) => e.event === "command" && e.status), [200, 200, 501]);
	});

	it("a GET shows the tree as it was when it ran, though a later command of the package changes it", async () => {
		const s = session((_r, n) => (n === 0 ? cmds(["GET", `${TEST_MOID}/inst/Items`], ["DELETE", `${TEST_MOID}/inst/Items`], ["GET", `${TEST_MOID}/inst/Items`]) : cmds(["END"])));
		assert.ok((await s.run()).ok);
		const ps = parts(s.http.sent[1]!);
		assert.deepEqual(JSON.parse(ps[0]!.body), { Status: [{ sc: 200 }, { sc: 200 }, { sc: 404 }] });
		assert.deepEqual(JSON.parse(ps[1]!.body), [{ ClientURI: `${TEST_MOID}/inst/Items`, MOData: { Items: { i1: { ID: "one" } } } }]);
		assert.deepEqual(s.store.keys("g"), [], "the spool is cleared");
	});

	it("HGET runs once the Package#2 is read whole; an EXEC's asynchronous report to the DM server's own URI goes out in the next Package#3", async () => {
		let finish: (r: ExecReport) => void = () => undefined;
		const hooks: CommandHooks = { exec: () => new Promise<ExecReport>((resolve) => { finish = resolve; }) };
		const s = session((r, n) => {
			if (r.method === "GET") { finish({ status: 200 }); return { status: 200, headers: { "Content-Type": "text/plain" }, body: "fresh" }; }
			return n === 0 ? cmds(["EXEC", `${TEST_MOID}/inst/Run`, "https://dms1.example.com/dm"], ["HGET", "https://repo.example.com/v", `${TEST_MOID}/inst/Val`]) : n === 2 ? cmds(["GET", `${TEST_MOID}/inst/Nope`]) : cmds(["END"]);
		}, { kind: "client" }, hooks);
		assert.ok((await s.run()).ok);
		assert.deepEqual(s.http.sent.map((x) => x.method), ["POST", "GET", "POST", "POST"]);
		const p3 = JSON.parse(s.http.sent[2]!.text) as { Status: unknown[]; Alert: { SourceURI: string; Data: unknown }[] };
		assert.deepEqual(p3.Status, [{ sc: 202 }, { sc: 200 }]);
		assert.equal(p3.Alert[0]!.SourceURI, `${TEST_MOID}/inst/Run`);
		assert.deepEqual(p3.Alert[0]!.Data, { sc: 200 });
		assert.equal(s.tree.text(s.at("Val")), "fresh");
		assert.equal(s.alerts.pending().length, 0, "acknowledged by the Package#2 that answered it");
	});

	it("an EXEC report for another ServerURI waits for a session with that URI, which carries it in its Package#1 (5.3.5, interpretation 18)", async () => {
		const hooks: CommandHooks = { exec: () => ({ status: 200 }), execAlertType: "x-acme:exec-result" };
		const s = session((_r, n) => n === 0 ? cmds(["EXEC", `${TEST_MOID}/inst/Run`, "https://reports.example.com/in"]) : cmds(["END"]), { kind: "client" }, hooks);
		assert.ok((await s.run()).ok);
		await Promise.resolve();
		assert.deepEqual(s.alerts.destinations(), [{ srvId: "dms1", url: "https://reports.example.com/in" }]);
		assert.equal((JSON.parse(s.http.sent[1]!.text) as { Alert?: unknown[] }).Alert, undefined, "not in the DM server's own session");
		const report = session(() => cmds(["END"]), { kind: "client" }, {}, { url: "https://reports.example.com/in", store: s.store, tree: s.tree, alerts: s.alerts } as Partial<SessionOptions>);
		assert.ok((await report.run()).ok);
		assert.equal(report.http.sent[0]!.url, "https://reports.example.com/in");
		const p1 = JSON.parse(report.http.sent[0]!.text) as { Alert: { AlertType: string; SourceURI?: string; Data?: unknown }[] };
		assert.deepEqual(p1.Alert.map((a) => a.AlertType), ["urn:oma:at:dm:2.0:ClientInitiatedMgmt", "x-acme:exec-result"]);
		assert.deepEqual(p1.Alert[1]!.Data, { sc: 200 });
		assert.equal(s.alerts.pending().length, 0, "acknowledged once that session's Package#2 arrived");
	});

	it("the commands after an HGET wait on flash, not in RAM, while the HGET uses the connection", async () => {
		const many = Array.from({ length: 150 }, (_, i) => ["DELETE", `${TEST_MOID}/inst/Nope${"x".repeat(200)}${i}`]);
		let parkedDuringHget = false;
		const s = session((r, n) => {
			if (r.method === "GET") { parkedDuringHget = s.store.has(PARKED_KEY); return { status: 200, headers: { "Content-Type": "text/plain" }, body: "fresh" }; }
			return n === 0 ? cmds(["HGET", "https://repo.example.com/v", `${TEST_MOID}/inst/Val`], ...many, ["GET", `${TEST_MOID}/inst/Val`]) : cmds(["END"]);
		});
		assert.deepEqual(await s.run(), { ok: true, packages: 2 });
		assert.ok(parkedDuringHget, "the unread rest of the package was on flash during the HGET's request");
		assert.equal(s.store.has(PARKED_KEY), false, "and is gone after the package");
		const p3 = parts(s.http.sent[2]!);
		const statuses = (JSON.parse(p3[0]!.body) as { Status: { sc: number }[] }).Status.map((x) => x.sc);
		assert.deepEqual(statuses, [200, ...many.map(() => 404), 200]);
		assert.match(p3[1]!.body, /fresh/, "the GET after them saw the HGET's value");
	});

	it("keeps SessionInfo current (CBT 0 when the host cannot tell) and refuses a plain http SrvURI outside development (interpretation 12)", async () => {
		const s = session(() => cmds(["GET", "urn:oma:mo:oma-sessioninfomo:1.0//"]), { kind: "client" }, {}, { bearer: { cbt: 1, roaming: 1 }, maxPackages: 1 });
		const r = await s.run();
		assert.equal(r.ok, false, "a server that never ends is cut off");
		assert.equal(s.tree.text({ moid: MOIDS.sessionInfo, miid: "session", path: ["CBT"] }), "1");
		assert.equal(s.tree.text({ moid: MOIDS.sessionInfo, miid: "session", path: ["ROAMING"] }), "1");
		const unknown = session(() => cmds(["END"]));
		const before = unknown.tree.change();
		before.put({ moid: MOIDS.sessionInfo, miid: "session", path: ["CBT"] }, 3);
		before.commit();
		assert.ok((await unknown.run()).ok);
		assert.equal(unknown.tree.text({ moid: MOIDS.sessionInfo, miid: "session", path: ["CBT"] }), "0", "a host that gives no bearer: OTHERS/UNKNOWN (12.4), not the last session's");
		const p = session(() => cmds(["END"]));
		const cs = p.tree.change();
		cs.put({ moid: MOIDS.dmAcc, miid: "dms1", path: ["SrvURI"] }, "http://dms1.example.com/dm");
		cs.commit();
		assert.equal((await p.run()).ok, false);
		assert.equal(p.http.sent.length, 0);
	});

	it("a connection dropped at each exchange of a session: aborted there, nothing retried, the tree whole, alerts kept", async () => {
		const script = [
			cmds(["GET", `${TEST_MOID}/inst/Val`], ["HGET", "https://repo.example.com/v", `${TEST_MOID}/inst/Val`]),
			{ status: 200, headers: { "Content-Type": "text/plain" }, body: "fresh" },
			cmds(["DELETE", `${TEST_MOID}/inst/Items`]),
			cmds(["END"]),
		];
		for (let drop = 0; drop < script.length; drop++) {
			const s = session((_r, n) => (n === drop ? "drop" : script[n]!));
			s.alerts.raise({ AlertType: "urn:oma:at:test:1.0:Event" }, { srvId: "dms1" });
			const outcome = await s.run();
			if (drop === 1) {
				// the repository's GET failing is HGET's 419, not the session's end
				assert.ok(outcome.ok);
				assert.equal(s.tree.text(s.at("Val")), "hello");
				assert.deepEqual((JSON.parse(s.http.sent[2]!.text.split("\r\n\r\n")[1]!.split("\r\n")[0]!) as { Status: unknown }).Status, [{ sc: 200 }, { sc: 419 }]);
				continue;
			}
			assert.equal(s.http.sent.length, drop + 1, `drop at ${drop}: no request after it`);
			assert.equal(outcome.ok, false, `drop at ${drop}`);
			assert.equal(s.alerts.pending().length, drop === 0 ? 1 : 0, "kept until a Package#2 answers the package that carried it");
			assert.equal(s.tree.text(s.at("Val")), drop >= 2 ? "fresh" : "hello");
			assert.equal(s.tree.has(s.at("Items")), drop < 3, "DELETE ran only once its package arrived");
			assert.deepEqual(s.store.keys("g"), []);
		}
	});
});
