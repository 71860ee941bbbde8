// The persisted Generic Alert queue and the backoff between failed sessions.
import { DmError } from "../../../modules/dm/error.js";
import { AlertQueue } from "../../../modules/dm/session/alerts.js";
import { Backoff } from "../../../modules/dm/session/backoff.js";
import { Store } from "../../../modules/dm/store/index.js";
import { encodeUtf8 } from "../../../modules/dm/codec/utf8.js";
import { PowerCut, RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";

const flash = (): RamNorFlash => new RamNorFlash(16 * 1024, 1024);
const options = { maxValueLength: 2048 };
const DMS1 = { srvId: "dms1" };
const report = (n: number) => ({ AlertType: "urn:oma:at:dcmo:1.0:OperationComplete", SourceURI: `urn:oma:mo:oma-dcmo:1.0/c${n}/Operations/Enable`, Mark: "warning", DataType: "int", Data: { DM1x: 1200 + n } });

describe("session: Generic Alert queue on flash", () => {
	it("keeps alerts in arrival order across a remount, and forgets only the acknowledged ones", () => {
		const f = flash();
		const q = new AlertQueue(Store.mount(f, options));
		const ids = [0, 1, 2].map((n) => q.raise(report(n), DMS1));
		const again = new AlertQueue(Store.mount(f, options));
		assert.deepEqual(again.pending().map((p) => p.alert), [report(0), report(1), report(2)]);
		again.acknowledge([ids[0]!, ids[2]!]);
		const third = new AlertQueue(Store.mount(f, options));
		assert.deepEqual(third.pending().map((p) => p.alert), [report(1)]);
		const later = third.raise(report(3), DMS1);
		assert.ok(later > ids[2]!, "numbering never goes back, so order survives acknowledgement");
		assert.deepEqual(third.pending().map((p) => p.alert.SourceURI), [report(1).SourceURI, report(3).SourceURI]);
	});

	it("refuses alerts 5.4 does not allow (400) and a full queue (506), keeping what it had", () => {
		const q = new AlertQueue(Store.mount(flash(), options), { maxAlerts: 2, maxAlertBytes: 300 });
		assert.throws(() => q.raise({ AlertType: "" }, DMS1), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", Mark: "loud" }, DMS1), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", Data: { a: 1 } }, DMS1), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", DataType: "text/plain", Data: { a: "y".repeat(400) } }, DMS1), (e) => e instanceof DmError && e.status === 506);
		q.raise(report(1), DMS1);
		q.raise(report(2), DMS1);
		assert.throws(() => q.raise(report(3), DMS1), (e) => e instanceof DmError && e.status === 506 && /2 alerts/.test(e.message));
		assert.equal(q.pending().length, 2);
	});

	it("keeps each server's alerts apart: a session carries its own server's, and a full share blocks no other server (interpretation 21)", () => {
		const q = new AlertQueue(Store.mount(flash(), options), { maxAlerts: 2 });
		const a = [q.raise(report(1), DMS1), q.raise(report(2), { srvId: "dms2" }), q.raise(report(3), DMS1)];
		assert.throws(() => q.raise(report(4), DMS1), (e) => e instanceof DmError && e.status === 506 && /dms1/.test(e.message));
		const b = q.raise(report(5), { srvId: "dms2" });
		assert.deepEqual(q.waiting("dms1", "https://dms1.example.com/dm", true), [a[0], a[2]]);
		assert.deepEqual(q.waiting("dms2", "https://dms2.example.com/dm", true), [a[1], b]);
		assert.deepEqual(q.pending().map((p) => p.to), [DMS1, { srvId: "dms2" }, DMS1, { srvId: "dms2" }]);
	});

	it("an alert for a URL (an EXEC's ServerURI) goes only in a session with that URL, which the account's own session is when they are the same", () => {
		const q = new AlertQueue(Store.mount(flash(), options));
		const home = q.raise(report(1), DMS1);
		const away = q.raise(report(2), { srvId: "dms1", url: "https://reports.example.com/in" });
		const same = q.raise(report(3), { srvId: "dms1", url: "https://dms1.example.com/dm" });
		assert.deepEqual(q.waiting("dms1", "https://dms1.example.com/dm", true), [home, same]);
		assert.deepEqual(q.waiting("dms1", "https://reports.example.com/in", false), [away]);
		assert.deepEqual(q.waiting("dms2", "https://reports.example.com/in", false), [], "not another server's, even at the same URL");
		assert.deepEqual(q.destinations(), [DMS1, { srvId: "dms1", url: "https://reports.example.com/in" }, { srvId: "dms1", url: "https://dms1.example.com/dm" }]);
		assert.throws(() => q.raise(report(4), { srvId: "" }), (e) => e instanceof DmError && e.status === 400);
	});

	it("an alert queued before alerts had owners is carried by any server's own session", () => {
		const store = Store.mount(flash(), options);
		store.transact((t) => t.put("q0000000007", encodeUtf8(JSON.stringify(report(7)))));
		const q = new AlertQueue(store);
		assert.deepEqual(q.pending().map((p) => [p.id, p.to]), [["q0000000007", undefined]]);
		assert.deepEqual(q.waiting("dms2", "https://dms2.example.com/dm", true), ["q0000000007"]);
		assert.deepEqual(q.waiting("dms2", "https://reports.example.com/in", false), []);
		assert.ok(q.raise(report(8), DMS1) > "q0000000007");
	});

	it("loses no alert and acknowledges all or none at a power cut", () => {
		for (let cut = 1; cut < 40; cut++) {
			const f = flash();
			const q = new AlertQueue(Store.mount(f, options));
			const ids = [0, 1, 2, 3].map((n) => q.raise(report(n), DMS1));
			f.cutAt = f.operations + cut;
			try {
				q.acknowledge(ids.slice(0, 3));
				q.raise(report(9), DMS1);
			} catch (e) {
				if (!(e instanceof PowerCut)) throw e;
			}
			f.cutAt = 0;
			const left = new AlertQueue(Store.mount(f, options)).pending().map((p) => p.alert.Data!.DM1x);
			const ok = [[1200, 1201, 1202, 1203], [1203], [1203, 1209]].some((s) => s.join() === left.join());
			assert.ok(ok, `cut ${cut}: ${left.join()}`);
		}
	});
});

describe("session: backoff between failed sessions", () => {
	it("doubles the window up to its ceiling, spreads devices over it, and resets on success", () => {
		let r = 0.999;
		const b = new Backoff(() => r, { baseMs: 1000, maxMs: 8000 });
		assert.ok(b.mayStart(0));
		const waits: number[] = [];
		for (let i = 0; i < 6; i++) { b.failed(0); waits.push(b.waitFrom(0)); }
		assert.deepEqual(waits, [999, 1998, 3996, 7992, 7992, 7992]);
		r = 0;
		b.failed(100);
		assert.ok(b.mayStart(100), "full jitter can also mean at once");
		b.succeeded();
		r = 0.5;
		b.failed(0);
		assert.equal(b.waitFrom(0), 500, "after a success the window starts small again");
		assert.ok(!b.mayStart(499) && b.mayStart(500));
	});
});
