// FUMO's state machine (modules/dm/fumo) over the real store on a RAM NOR flash, RAM firmware slots
// with a boot record, and an image server that honours Range and cuts where it is told:
//
//   server                     device                           slots
//     | EXEC DownloadAndUpdate -> 202, State 30
//     | <- GET PkgURL (Range after a cut)  payload -> inactive slot (block erased, programmed, committed)
//     |                            verified: State 50 -> 60 -> arm -> restart
//     |                            next boot: trial -> session with the server -> confirm
//     | <- alert ...downloadandupdate {ResultCode: 200}, State 100
import { FUMO_MIID, FUMO_MO, FUMO_MOID, Fumo, FumoState, type FirmwareConfig } from "../../../modules/dm/fumo/index.js";
import { STANDARD_MOS } from "../../../modules/dm/mo/index.js";
import { AlertQueue } from "../../../modules/dm/session/index.js";
import { FUMO_IMAGE_KEY, FUMO_OPERATION_KEY, Store } from "../../../modules/dm/store/index.js";
import { DEVICE_WRITES, Tree } from "../../../modules/dm/tree/index.js";
import type { ExecReport } from "../../../modules/dm/commands/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { PowerCut, RamNorFlash } from "../../fixtures/nor-flash.js";
import { PowerCutInArm, RamSlots, Restart, TEST_KEY, TestImageServer, flashPart, payloadOf, testEnvelope, testVerify } from "../../fixtures/firmware.js";
import { assert, describe, it } from "../../harness/index.js";

const MODEL = "acme-sensor";
const PAYLOAD = payloadOf(10000);
const NEW = testEnvelope({ model: MODEL, version: "1.1", payload: PAYLOAD });
const REPORT_URL = "https://dms.example.com/fumo-report";
const at = (...path: string[]) => ({ moid: FUMO_MOID, miid: FUMO_MIID, path });

/** One device: its flash (store blocks 0..31, slot blocks 32..35) and slots outlive each start. */
class Bench {
	readonly flash = new RamNorFlash(36 * 4096, 4096);
	readonly slots = new RamSlots({ model: MODEL, version: "1.0" }, this.flash, 32, 4);
	readonly server: TestImageServer;
	tree!: Tree;
	store!: Store;
	alerts!: AlertQueue;
	fumo!: Fumo;
	woken = 0;
	log: string[] = [];

	constructor(image = NEW, readonly config: Partial<FirmwareConfig> = {}) {
		this.server = new TestImageServer(image);
		this.slots.factsOf = (p) => ({ model: MODEL, version: p.length === PAYLOAD.length ? "1.1" : "?" });
		this.start();
	}

	/** A start of the device: the boot loader, the store mounted, FUMO built and started. */
	start(): string | undefined {
		this.slots.powerOn();
		this.store = Store.mount(flashPart(this.flash, 0, 32));
		this.tree = new Tree(this.store, [...STANDARD_MOS, FUMO_MO]);
		this.alerts = new AlertQueue(this.store);
		this.fumo = new Fumo({
			tree: this.tree, store: this.store, alerts: this.alerts, development: false,
			http: () => this.server, timers: { set: (_ms, fn) => { void Promise.resolve().then(fn); }, clear: () => undefined },
			wake: () => { this.woken++; }, log: (l) => this.log.push(l),
		}, { slots: this.slots, publicKey: TEST_KEY, verify: testVerify, retryMs: 1, ...this.config });
		return this.fumo.start();
	}

	setUrl(op: string, url = "https://images.example.com/fw-1.1.bin"): void {
		const cs = this.tree.change(DEVICE_WRITES);
		cs.put(at(op, "PkgURL"), url);
		cs.commit();
	}

	/** the EXEC as a session runs it; url null: without a ServerURI */
	exec(op: string, url: string | null = REPORT_URL): ExecReport {
		return this.fumo.hook()(at(op), `${FUMO_MOID}/${FUMO_MIID}/${op}`, { srvId: "dms1", ...(url !== null ? { url } : {}) }) as ExecReport;
	}

	get state(): number { return Number(this.tree.text(at("State"))); }

	results(): { type: string; code: unknown; to: string | undefined }[] {
		return this.alerts.pending().map((q) => ({ type: q.alert.AlertType, code: q.alert.Data?.["ResultCode"], to: q.to?.url }));
	}
}

async function restarts(fn: () => Promise<unknown>): Promise<boolean> {
	try { await fn(); return false; } catch (e) { if (e instanceof Restart) return true; throw e; }
}

describe("fumo: DownloadAndUpdate end to end", () => {
	it("downloads, verifies, switches, proves itself in a session and reports 200 once, to the EXEC's ServerURI", async () => {
		const b = new Bench();
		assert.equal(b.state, FumoState.Idle);
		b.setUrl("DownloadAndUpdate");
		assert.deepEqual(b.exec("DownloadAndUpdate"), { status: 202, later: true });
		assert.equal(b.state, FumoState.DownloadProgressing);
		assert.equal(b.woken, 1);
		assert.ok(await restarts(() => b.fumo.work()), "the switch ends in restart()");
		assert.equal(b.state, FumoState.UpdateProgressing);
		assert.equal(b.start(), "dms1", "a trial boot waits for a session with the server");
		assert.equal(b.slots.running().version, "1.1");
		assert.deepEqual(b.results(), [], "no result before the image proved itself");
		assert.equal(b.fumo.proved("dms2"), undefined, "another server's session proves nothing");
		assert.deepEqual(b.fumo.proved("dms1"), { srvId: "dms1", url: REPORT_URL });
		assert.equal(b.state, FumoState.UpdateSuccessfulNoData);
		assert.deepEqual(b.results(), [{ type: "org.openmobilealliance.dm.firmwareupdate.downloadandupdate", code: 200, to: REPORT_URL }]);
		assert.equal(b.store.has(FUMO_OPERATION_KEY), false);
		assert.equal(b.start(), undefined, "the next start is settled: nothing more to report");
		assert.equal(b.results().length, 1);
		assert.equal(b.server.requests.length, 1);
	});

	it("Download alone stops at 40 with its own alert, and Update installs that package later", async () => {
		const b = new Bench();
		b.setUrl("Download");
		b.exec("Download", null);
		assert.deepEqual(await b.fumo.work(), { srvId: "dms1" }, "a Download without ServerURI reports to the account's SrvURI");
		assert.equal(b.state, FumoState.DownloadComplete);
		assert.deepEqual(b.results(), [{ type: "org.openmobilealliance.dm.firmwareupdate.download", code: 200, to: undefined }]);
		b.alerts.acknowledge(b.alerts.pending().map((q) => q.id));
		b.exec("Update");
		assert.equal(b.state, FumoState.ReadyToUpdate);
		assert.ok(await restarts(() => b.fumo.work()));
		assert.equal(b.start(), "dms1");
		b.fumo.proved("dms1");
		assert.deepEqual(b.results(), [{ type: "org.openmobilealliance.dm.firmwareupdate.update", code: 200, to: REPORT_URL }]);
	});

	it("refuses a second operation while one runs (503), and Update with nothing downloaded (400)", () => {
		const b = new Bench();
		const status = (fn: () => unknown): number => { try { fn(); return 0; } catch (e) { return e instanceof DmError ? e.status : -1; } };
		assert.equal(status(() => b.exec("Update")), 400);
		b.setUrl("Download");
		b.exec("Download");
		assert.equal(status(() => b.exec("DownloadAndUpdate")), 503);
	});
});

describe("fumo: bad packages and servers", () => {
	const cases: [string, Uint8Array, (s: TestImageServer) => void, number, number][] = [
		["a wrong digest", testEnvelope({ model: MODEL, version: "1.1", payload: PAYLOAD, digest: new Uint8Array(32) }), () => undefined, 402, FumoState.DownloadFailed],
		["a wrong signature", testEnvelope({ model: MODEL, version: "1.1", payload: PAYLOAD, signature: new Uint8Array(64) }), () => undefined, 404, FumoState.DownloadFailed],
		["a wrong model", testEnvelope({ model: "acme-gateway", version: "1.1", payload: PAYLOAD }), () => undefined, 403, FumoState.DownloadFailed],
		["a version not newer", testEnvelope({ model: MODEL, version: "1.0", payload: PAYLOAD }), () => undefined, 403, FumoState.DownloadFailed],
		["a URL that 404s", NEW, (s) => { s.status = 404; }, 411, FumoState.DownloadFailed],
		["a server that fails every time", NEW, (s) => { s.status = 500; }, 500, FumoState.DownloadFailed],
	];
	for (const [what, image, setup, code, state] of cases) {
		it(`${what}: State ${state}, result ${code}, the running firmware untouched`, async () => {
			const b = new Bench(image, { attempts: 3 });
			setup(b.server);
			b.setUrl("DownloadAndUpdate");
			b.exec("DownloadAndUpdate");
			assert.deepEqual(await b.fumo.work(), { srvId: "dms1", url: REPORT_URL });
			assert.equal(b.state, state);
			assert.deepEqual(b.results().map((r) => r.code), [code]);
			assert.equal(b.slots.running().version, "1.0");
			assert.equal(b.slots.record.trial, undefined, "nothing armed");
			assert.equal(b.store.has(FUMO_IMAGE_KEY), false);
			assert.ok(b.server.requests.length <= (code === 500 ? 3 : 1), `${b.server.requests.length} requests`);
		});
	}

	it("a wrong model costs the header, not the image", async () => {
		const b = new Bench(testEnvelope({ model: "acme-gateway", version: "1.1", payload: PAYLOAD }));
		b.server.chunk = 200;
		b.setUrl("DownloadAndUpdate");
		b.exec("DownloadAndUpdate");
		await b.fumo.work();
		assert.ok(b.server.sent <= 400, `${b.server.sent} bytes fetched`);
	});
});

describe("fumo: resuming a cut transfer", () => {
	it("resumes with Range from the last committed block at every cut offset, never fetching a block twice", async () => {
		let worst = 0;
		for (let cut = 1; cut < NEW.length; cut += 397) {
			const b = new Bench();
			b.server.chunk = 512;
			b.server.cutAfter = cut;
			b.setUrl("DownloadAndUpdate");
			b.exec("DownloadAndUpdate");
			assert.ok(await restarts(() => b.fumo.work()), `cut at ${cut}`);
			assert.equal(b.server.requests.length, 2, `cut at ${cut}`);
			const refetched = b.server.sent - NEW.length;
			worst = Math.max(worst, refetched);
			assert.ok(refetched <= 4096, `cut at ${cut}: ${refetched} bytes fetched twice`);
			const range = b.server.requests[1]!.range;
			assert.ok(range === undefined || /^bytes=\d+-$/.test(range));
		}
		assert.ok(worst > 0);
	});

	it("a server without Range support restarts the transfer cleanly from 0", async () => {
		const b = new Bench();
		b.server.noRange = true;
		b.server.cutAfter = 7000;
		b.setUrl("DownloadAndUpdate");
		b.exec("DownloadAndUpdate");
		assert.ok(await restarts(() => b.fumo.work()));
		assert.deepEqual(b.server.requests.map((r) => r.status), [200, 200]);
		assert.equal(b.start(), "dms1");
		b.fumo.proved("dms1");
		assert.deepEqual(b.results().map((r) => r.code), [200]);
	});
});

describe("fumo: a download that never moves", () => {
	it("a slot that fails to program on every start ends in State 20 with 409 after the stalled-run bound, reported once", async () => {
		const b = new Bench();
		b.setUrl("DownloadAndUpdate");
		b.exec("DownloadAndUpdate");
		// the inactive slot refuses every write, as a worn-out or locked flash would, at every start
		const open = b.slots.openInactive.bind(b.slots);
		b.slots.openInactive = () => ({ ...open(), write: () => { throw new Error("flash program failed"); } });
		let failures = 0;
		for (let run = 0; run < 6 && !b.results().length; run++) {
			if (run > 0) b.start();
			try { if (b.fumo.pending) await b.fumo.work(); } catch (e) { assert.match((e as Error).message, /flash program failed/); failures++; }
		}
		assert.equal(failures, 3, "three starts tried the download, then it stopped");
		assert.equal(b.state, FumoState.DownloadFailed);
		assert.deepEqual(b.results().map((r) => r.code), [409]);
		b.start();
		assert.equal(b.fumo.pending, false);
		assert.equal(b.results().length, 1);
	});
});

describe("fumo: rollback", () => {
	it("a new image that never proves itself is rolled back: State 80, 410 reported once", async () => {
		const b = new Bench();
		b.setUrl("DownloadAndUpdate");
		b.exec("DownloadAndUpdate");
		assert.ok(await restarts(() => b.fumo.work()));
		for (let i = 0; i < 3; i++) assert.equal(b.start(), "dms1", `trial boot ${i + 1}`);
		assert.equal(b.start(), undefined, "the boot loader went back");
		assert.equal(b.slots.running().version, "1.0");
		assert.equal(b.state, FumoState.UpdateFailedNoData);
		assert.deepEqual(b.results().map((r) => r.code), [410]);
		b.start();
		assert.equal(b.results().length, 1);
	});
});

describe("fumo: power cuts", () => {
	it("a cut at every flash operation of the download, the switch and the first boot leaves old or new firmware, State consistent, one result", async () => {
		// a clean run counts the operations
		const clean = new Bench();
		clean.setUrl("DownloadAndUpdate");
		const before = clean.flash.operations;
		clean.exec("DownloadAndUpdate");
		await restarts(() => clean.fumo.work());
		clean.start();
		clean.fumo.proved("dms1");
		const total = clean.flash.operations - before;
		assert.ok(total > 20, `${total} operations`);
		let checked = 0;
		for (let cut = 1; cut <= total; cut++) {
			const b = new Bench();
			b.setUrl("DownloadAndUpdate");
			b.flash.cutAt = b.flash.operations + cut;
			let done = false;
			for (let run = 0; run < 8 && !done; run++) {
				try {
					if (run === 0) b.exec("DownloadAndUpdate");
					else {
						const prove = b.start();
						// the server sees no 202 when the EXEC's own commit was cut: it executes again
						if (b.state === FumoState.Idle && !b.store.has(FUMO_OPERATION_KEY) && !b.results().length) b.exec("DownloadAndUpdate");
						if (prove !== undefined) b.fumo.proved(prove);
					}
					if (b.fumo.pending) await b.fumo.work();
					done = b.results().length > 0;
				} catch (e) {
					if (!(e instanceof PowerCut || e instanceof PowerCutInArm || e instanceof Restart)) throw new Error(`cut ${cut}, run ${run}: ${e instanceof Error ? e.message : String(e)}`);
				}
				const v = b.slots.running().version;
				assert.ok(v === "1.0" || v === "1.1", `cut ${cut}: running ${v}`);
				assert.ok([10, 30, 50, 60, 100].includes(b.state), `cut ${cut}, run ${run}: State ${b.state}`);
			}
			assert.ok(done, `cut ${cut}: the update never finished`);
			assert.deepEqual(b.results().map((r) => r.code), [200], `cut ${cut}`);
			assert.equal(b.state, FumoState.UpdateSuccessfulNoData, `cut ${cut}`);
			assert.equal(b.slots.running().version, "1.1", `cut ${cut}`);
			b.start();
			assert.equal(b.results().length, 1, `cut ${cut}: reported once`);
			checked++;
		}
		assert.equal(checked, total);
	}, 600000);
});
