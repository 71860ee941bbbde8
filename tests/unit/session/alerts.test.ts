// The persisted Generic Alert queue and the backoff between failed sessions.
import { DmError } from "../../../modules/dm/error.js";
import { AlertQueue } from "../../../modules/dm/session/alerts.js";
import { Backoff } from "../../../modules/dm/session/backoff.js";
import { Store } from "../../../modules/dm/store/index.js";
import { PowerCut, RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";

const flash = (): RamNorFlash => new RamNorFlash(16 * 1024, 1024);
const options = { maxValueLength: 2048 };
const report = (n: number) => ({ AlertType: "urn:oma:at:dcmo:1.0:OperationComplete", SourceURI: `urn:oma:mo:oma-dcmo:1.0/c${n}/Operations/Enable`, Mark: "warning", DataType: "int", Data: { DM1x: 1200 + n } });

describe("session: Generic Alert queue on flash", () => {
	it("keeps alerts in arrival order across a remount, and forgets only the acknowledged ones", () => {
		const f = flash();
		const q = new AlertQueue(Store.mount(f, options));
		const ids = [0, 1, 2].map((n) => q.raise(report(n)));
		const again = new AlertQueue(Store.mount(f, options));
		assert.deepEqual(again.pending().map((p) => p.alert), [report(0), report(1), report(2)]);
		again.acknowledge([ids[0]!, ids[2]!]);
		const third = new AlertQueue(Store.mount(f, options));
		assert.deepEqual(third.pending().map((p) => p.alert), [report(1)]);
		const later = third.raise(report(3));
		assert.ok(later > ids[2]!, "numbering never goes back, so order survives acknowledgement");
		assert.deepEqual(third.pending().map((p) => p.alert.SourceURI), [report(1).SourceURI, report(3).SourceURI]);
	});

	it("refuses alerts 5.4 does not allow (400) and a full queue (506), keeping what it had", () => {
		const q = new AlertQueue(Store.mount(flash(), options), { maxAlerts: 2, maxAlertBytes: 300 });
		assert.throws(() => q.raise({ AlertType: "" }), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", Mark: "loud" }), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", Data: { a: 1 } }), (e) => e instanceof DmError && e.status === 400);
		assert.throws(() => q.raise({ AlertType: "x", DataType: "text/plain", Data: { a: "y".repeat(400) } }), (e) => e instanceof DmError && e.status === 506);
		q.raise(report(1));
		q.raise(report(2));
		assert.throws(() => q.raise(report(3)), (e) => e instanceof DmError && e.status === 506 && /2 alerts/.test(e.message));
		assert.equal(q.pending().length, 2);
	});

	it("loses no alert and acknowledges all or none at a power cut", () => {
		for (let cut = 1; cut < 40; cut++) {
			const f = flash();
			const q = new AlertQueue(Store.mount(f, options));
			const ids = [0, 1, 2, 3].map((n) => q.raise(report(n)));
			f.cutAt = f.operations + cut;
			try {
				q.acknowledge(ids.slice(0, 3));
				q.raise(report(9));
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
