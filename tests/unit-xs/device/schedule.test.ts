// The device's management schedule (modules/dm/device/schedule.ts, device.ts) on a fake clock and
// the host's timers faked: each account is polled at its interval (Ext/PollInterval over the
// host's default; 0 never), a queued Generic Alert leaves at the next poll without any push, and a
// failed poll is spaced by that server's backoff while the other server's polls keep their times
// (interpretations 13, 21). XS only (tests/unit-xs): the device room loads the native transport.
//
//   t=0     start: the factory's accounts get their BootstrapComplete sessions (8), then the
//           timer is armed for the earliest poll
//   t=5s    poll dms2 (Ext/PollInterval 5)    → P1 ClientInitiatedMgmt (+ the queued alert)
//   t=7s    poll dms1 (Ext/PollInterval 7)
//   ...     dms3 (Ext/PollInterval 0) never; the host default (60 s) is never reached first
import { Device, POLL_INTERVAL } from "../../../modules/dm/device/index.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import type { TcpConstructor } from "../../../modules/transport/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";
import { ScriptedHttp, type Reply, type Sent } from "../../unit/commands/scripted-http.js";
import { DEVICE } from "../../unit/commands/setup.js";

const P2 = { "Content-Type": "application/vnd.oma.dm.request+json" };
const END: Reply = { status: 200, headers: P2, body: JSON.stringify({ CMD: [["END"]] }) };

function account(srvId: string, poll: number | undefined): object {
	return { ClientURI: `${MOIDS.dmAcc}/${srvId}/`, MOData: { [srvId]: { SrvID: srvId, SrvURI: `https://${srvId}.example.com/dm`, Name: srvId, Perm: { "1": { MOID: "*" } }, ...(poll !== undefined ? { Ext: { PollInterval: poll } } : {}) } } };
}

/** The host's timers and clock, faked: run() fires what falls due up to a time, in order. */
function fakeTime() {
	const clock = { t: 0 };
	const armed = new Map<number, { at: number; fn: () => void }>();
	let id = 0;
	return {
		clock, armed,
		timers: { set: (ms: number, fn: () => void): unknown => { armed.set(++id, { at: clock.t + ms, fn }); return id; }, clear: (h: unknown): void => { armed.delete(h as number); } },
	};
}

const noTcp = function () { throw new Error("this test brings its own HTTP client"); } as unknown as TcpConstructor;

function device(script: (req: Sent) => Reply | "drop", o: { pollSeconds?: number; random?: number } = {}) {
	const time = fakeTime();
	const http = new ScriptedHttp((req) => script(req));
	const polled: string[] = [];
	const d = new Device({
		tcp: noTcp, flash: new RamNorFlash(64 * 4096, 4096), now: () => time.clock.t, timers: time.timers,
		random: (n) => new Uint8Array(n).fill(o.random ?? 0), http: () => http, device: DEVICE,
		factory: encodeUtf8(JSON.stringify([account("dms1", 7), account("dms2", 5), account("dms3", 0)])),
		pollSeconds: o.pollSeconds ?? 60, backoff: { baseMs: 20000, maxMs: 20000 },
		log: (e) => { if (e.event === "done" && e.cause === "schedule") polled.push(`${e.srvId}@${time.clock.t / 1000}${e.outcome?.ok ? "" : " failed"}`); },
	});
	/** lets the device finish what it runs, then fires the timers due up to `t` ms, one at a time */
	const runUntil = async (t: number): Promise<void> => {
		for (;;) {
			for (let i = 0; i < 1000 && d.busy; i++) await new Promise((r) => setTimeout(r, 0));
			let first: [number, { at: number; fn: () => void }] | undefined;
			for (const e of time.armed) if (e[1].at <= t && (!first || e[1].at < first[1].at)) first = e;
			if (!first) break;
			time.armed.delete(first[0]);
			time.clock.t = first[1].at;
			first[1].fn();
		}
		time.clock.t = t;
	};
	return { d, http, polled, time, runUntil };
}

const host = (req: Sent): string => /^https:\/\/([^.]+)/.exec(req.url)![1]!;

describe("device: the management schedule", () => {
	it("polls each account at its Ext/PollInterval, 0 never, and arms one timer for the earliest", async () => {
		const t = device(() => END);
		await t.d.start();
		assert.deepEqual(t.http.sent.map((r) => `${host(r)} ${(JSON.parse(r.text) as { Alert: { AlertType: string }[] }).Alert[0]!.AlertType}`),
			["dms1", "dms2", "dms3"].map((s) => `${s} urn:oma:at:dm:2.0:BootstrapComplete`), "the factory bootstrap's sessions at start (8)");
		t.http.sent.length = 0;
		assert.equal(t.time.armed.size, 1, "one timer");
		assert.equal([...t.time.armed.values()][0]!.at, 5000, "dms2 (5 s) is first");
		await t.runUntil(21000);
		assert.deepEqual(t.polled, ["dms2@5", "dms1@7", "dms2@10", "dms1@14", "dms2@15", "dms2@20", "dms1@21"]);
		assert.ok(t.http.sent.every((r) => host(r) !== "dms3"), "PollInterval 0: never polled");
		assert.deepEqual(POLL_INTERVAL, ["Ext", "PollInterval"]);
	});

	it("the host's default applies to an account without Ext/PollInterval, from the next wake-up", async () => {
		const t = device(() => END, { pollSeconds: 3 });
		await t.d.start();
		await t.runUntil(5000);
		assert.deepEqual(t.polled, ["dms2@5"], "every account has its own interval so far");
		await t.d.client.update((cs) => cs.delete({ moid: MOIDS.dmAcc, miid: "dms3", path: ["Ext", "PollInterval"] }));
		await t.runUntil(10000);
		assert.deepEqual(t.polled, ["dms2@5", "dms1@7", "dms3@7", "dms2@10", "dms3@10"], "dms3 follows the default of 3 s: due since t=3, run at the next wake-up (dms1 at 7), then every 3 s");
	});

	it("a queued Generic Alert leaves at the next poll, without a push", async () => {
		const t = device(() => END);
		await t.d.start();
		t.http.sent.length = 0;	// the factory's BootstrapComplete sessions
		t.d.client.raise({ AlertType: "urn:oma:at:test:1.0:Event", Mark: "warning" }, "dms2");	// dms2 is polled first
		await t.runUntil(5000);
		const p1 = JSON.parse(t.http.sent[0]!.text) as { Alert: { AlertType: string }[] };
		assert.deepEqual(p1.Alert.map((a) => a.AlertType), ["urn:oma:at:dm:2.0:ClientInitiatedMgmt", "urn:oma:at:test:1.0:Event"]);
		assert.equal(t.d.client.alerts.pending().length, 0);
	});

	it("a failed poll waits out that server's backoff; the other server's polls keep their times", async () => {
		// random bytes 0xff: the full jitter's wait is just under the 20 s ceiling
		const t = device((req) => (host(req) === "dms2" ? { status: 503 } : END), { random: 0xff });
		await t.d.start();
		await t.runUntil(25000);
		// dms2 failed first at start (its factory BootstrapComplete): its poll at 5 s waits until just under 20 s
		assert.deepEqual(t.polled, ["dms1@7", "dms1@14", "dms2@19.999 failed", "dms1@21"]);
	});
});
