// DELETE, EXEC, SHOW, CONT, END, DEFAULT, SUB and UNSUB (5.3.4 – 5.3.12): each one's success and
// error statuses of Appendix C, atomic on flash (a refused command leaves the store as it was),
// DEFAULT and SUB surviving a remount.
import { EXEC_RESULT_FALLBACK, defaultFor, listSubscriptions, runCommand, runCommandNow, type CommandHooks, type ExecReport } from "../../../modules/dm/commands/index.js";
import type { CommandItem, DmCommand } from "../../../modules/dm/codec/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { Store } from "../../../modules/dm/store/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { TEST_MOID, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { setup } from "./setup.js";

const run = (ctx: Parameters<typeof runCommand>[0], command: DmCommand, index = 0) => runCommand(ctx, { index, command });

describe("DELETE", () => {
	it("deletes a node and its sub-tree in one commit; 405 for a required node, 403 without Write, 404 absent", async () => {
		const { ctx, tree, at, store } = setup();
		assert.equal((await run(ctx, { name: "DELETE", clientUri: `${TEST_MOID}/inst/Items` })).status, 200);
		assert.equal(tree.has(at("Items")), false);
		assert.equal(tree.has(at("Items", "i1", "ID")), false);
		const before = snapshot(store);
		assert.equal((await run(ctx, { name: "DELETE", clientUri: `${TEST_MOID}/inst/Val` })).status, 405);
		assert.equal((await run(ctx, { name: "DELETE", clientUri: `${TEST_MOID}/inst/Items` })).status, 404);
		assert.equal((await run(ctx, { name: "DELETE", clientUri: `${MOIDS.devInfo}//DevID` })).status, 403);
		assert.equal(snapshot(store), before);
		assert.equal((await run(ctx, { name: "DELETE", clientUri: `${TEST_MOID}/inst/` })).status, 200, "the whole instance");
		assert.deepEqual(tree.instances(TEST_MOID), []);
	});
});

describe("EXEC", () => {
	it("reports the hook's status synchronously without a ServerURI", async () => {
		const ran: string[] = [];
		const { ctx } = setup(undefined, { exec: (ref, uri) => { ran.push(`${ref.path.join("/")} ${uri}`); return { status: 200 }; } });
		assert.equal((await run(ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` })).status, 200);
		assert.deepEqual(ran, [`Run ${TEST_MOID}/inst/Run`]);
		const failing = setup(undefined, { exec: () => { throw new DmError(507, "the user said no"); } });
		assert.equal((await run(failing.ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` })).status, 507);
	});

	it("answers 202 with a ServerURI and reports the final status later as a Generic Alert for that server at that URI (5.3.5, 5.4.1, interpretation 18)", async () => {
		let finish: (r: ExecReport) => void = () => undefined;
		const { ctx, reports, reportedTo } = setup(undefined, { exec: () => new Promise<ExecReport>((resolve) => { finish = resolve; }), execAlertType: "x-acme:exec-result" });
		assert.equal((await run(ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run`, serverUri: "https://dms.example.com/report/[DevID]" })).status, 202);
		assert.equal(reports.length, 0);
		finish({ status: 200 });
		await Promise.resolve(); await Promise.resolve();
		assert.deepEqual(reports, [{ AlertType: "x-acme:exec-result", SourceURI: `${TEST_MOID}/inst/Run`, DataType: "application/json", Data: { sc: 200 } }]);
		assert.deepEqual(reportedTo, [{ srvId: "dms1", url: "https://dms.example.com/report/IMEI:493005100592800" }], "the EXEC's server, at its ServerURI (substituted, 6.2)");
	});

	it("an MO's own report keeps its AlertType; without one from the MO or the device maker, an x- type, never a urn:oma one", async () => {
		const cases: [CommandHooks, string][] = [
			[{ exec: () => ({ status: 500, alert: { AlertType: "org.openmobilealliance.dm.firmwareupdate.update", DataType: "application/json", Data: { result: 410 } } }) }, "org.openmobilealliance.dm.firmwareupdate.update"],
			[{ exec: () => ({ status: 500 }) }, EXEC_RESULT_FALLBACK],
		];
		for (const [hooks, type] of cases) {
			const { ctx, reports } = setup(undefined, hooks);
			assert.equal((await run(ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run`, serverUri: "https://dms.example.com/r" })).status, 202);
			await Promise.resolve(); await Promise.resolve();
			assert.equal(reports[0]!.AlertType, type);
			assert.ok(!reports[0]!.AlertType.startsWith("urn:oma:"));
		}
	});

	it("an MO that refuses an EXEC with a ServerURI before it starts answers that status, and one that reports itself later queues nothing here", async () => {
		const refusing = setup(undefined, { exec: () => { throw new DmError(503, "an update runs"); } });
		assert.equal((await run(refusing.ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run`, serverUri: "https://dms.example.com/r" })).status, 503);
		await Promise.resolve(); await Promise.resolve();
		assert.equal(refusing.reports.length, 0);
		const calls: unknown[] = [];
		const later = setup(undefined, { exec: (_ref, _uri, call) => { calls.push(call); return { status: 202, later: true }; } });
		assert.equal((await run(later.ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run`, serverUri: "https://dms.example.com/r" })).status, 202);
		assert.equal((await run(later.ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` })).status, 202);
		await Promise.resolve(); await Promise.resolve();
		assert.equal(later.reports.length, 0, "the MO queues its own report");
		assert.deepEqual(calls, [{ srvId: "dms1", url: "https://dms.example.com/r" }, { srvId: "dms1" }], "the hook learns who executes and where the report goes");
	});

	it("405 on a node without Exec, 501 without a hook, 404 absent", async () => {
		const { ctx } = setup(undefined, { exec: () => ({ status: 200 }) });
		assert.equal((await run(ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Val` })).status, 405);
		assert.equal((await run(ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Nope` })).status, 404);
		assert.equal((await run(setup().ctx, { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` })).status, 501);
	});
});

describe("SHOW, CONT, END", () => {
	it("SHOW hands the substituted URI to the ui hook; 501 without one, 500 when it cannot start", async () => {
		const shown: string[] = [];
		const { ctx } = setup(undefined, { ui: { show: (u) => { shown.push(u); return true; } } });
		assert.equal((await run(ctx, { name: "SHOW", serverUri: "https://ui.example.com/?uiid=1234&d=[DevID]" })).status, 200);
		assert.equal(shown[0], "https://ui.example.com/?uiid=1234&d=IMEI:493005100592800");
		assert.equal((await run(setup().ctx, { name: "SHOW", serverUri: "https://ui.example.com/" })).status, 501);
		assert.equal((await run(setup(undefined, { ui: { show: () => false } }).ctx, { name: "SHOW", serverUri: "https://ui.example.com/" })).status, 500);
	});

	it("CONT names the next URI (https only outside development); END asks for silence", async () => {
		const { ctx } = setup();
		assert.deepEqual(await run(ctx, { name: "CONT", serverUri: "https://dms2.example.com/dm" }), { status: 200, continueAt: "https://dms2.example.com/dm" });
		assert.equal((await run(ctx, { name: "CONT", serverUri: "http://dms2.example.com/dm" })).status, 400);
		assert.deepEqual(await run(ctx, { name: "END" }), { status: 200, end: true });
	});
});

describe("DEFAULT", () => {
	it("keeps one ServerURI per MOID on flash, replaced by the next; 404 unsupported MO, 403 not provisioned", async () => {
		const { ctx, flash } = setup();
		assert.equal((await run(ctx, { name: "DEFAULT", serverUri: "https://prov.example.com/[MCC]/a", moid: TEST_MOID })).status, 200);
		assert.equal((await run(ctx, { name: "DEFAULT", serverUri: "https://prov.example.com/[MCC]/b", moid: TEST_MOID })).status, 200);
		assert.deepEqual(defaultFor(Store.mount(flash), TEST_MOID), { serverUri: "https://prov.example.com/[MCC]/b", srvId: ctx.srvId }, "survives a remount, with the server that sent it");
		assert.equal((await run(ctx, { name: "DEFAULT", serverUri: "https://p.example.com/", moid: "urn:oma:mo:oma-mms:1.3" })).status, 404);
		assert.equal((await run(ctx, { name: "DEFAULT", serverUri: "https://p.example.com/", moid: MOIDS.dacmo })).status, 403);
		assert.equal((await run(ctx, { name: "DEFAULT", serverUri: "https://p.example.com/[DevID", moid: TEST_MOID })).status, 400);
	});
});

describe("SUB and UNSUB", () => {
	it("keeps a subscription per server and ClientURI on flash; UNSUB of another ClientURI is 404", async () => {
		const { ctx, flash } = setup();
		const uri = `${TEST_MOID}/inst/Items`;
		assert.equal((await run(ctx, { name: "SUB", serverUri: "https://dr.example.com/sub", clientUri: uri })).status, 200);
		assert.equal((await run(ctx, { name: "SUB", serverUri: "https://dr.example.com/sub2", clientUri: uri })).status, 200, "replaces");
		const subs = listSubscriptions(Store.mount(flash));
		assert.equal(subs.length, 1);
		assert.equal(subs[0]!.serverUri, "https://dr.example.com/sub2");
		assert.equal(subs[0]!.srvId, "dms1");
		assert.equal((await run(ctx, { name: "UNSUB", clientUri: `${TEST_MOID}/inst/Items/` })).status, 404, "not the same ClientURI");
		assert.equal((await run(setup(undefined, {}, "dms2").ctx, { name: "UNSUB", clientUri: uri })).status, 404);
		assert.equal((await run(ctx, { name: "UNSUB", clientUri: uri })).status, 200);
		assert.equal(listSubscriptions(ctx.store).length, 0);
		assert.equal((await run(ctx, { name: "UNSUB", clientUri: uri })).status, 404);
	});

	it("SUB needs a node the server may read: 404, 403", async () => {
		const { ctx } = setup(undefined, {}, "dms3");
		assert.equal((await run(ctx, { name: "SUB", serverUri: "https://dr.example.com/s", clientUri: `${TEST_MOID}/nope/Val` })).status, 404);
		assert.equal((await run(ctx, { name: "SUB", serverUri: "https://dr.example.com/s", clientUri: `${TEST_MOID}/inst/Val` })).status, 403);
		assert.equal(listSubscriptions(ctx.store).length, 0);
	});
});

describe("runCommandNow", () => {
	it("answers as runCommand does, the result itself for a command that finished at once and a Promise for one that waits, with the same flash after each", async () => {
		// the second EXEC's hook answers later
		const hooks = (): CommandHooks => { let n = 0; return { exec: () => (++n === 2 ? Promise.resolve({ status: 204 }) : { status: 200 }) }; };
		// a context that fails with no DmError (a bug): answered 500, and `fault` hears of it
		const broken = (ctx: ReturnType<typeof setup>["ctx"]) => ({ ...ctx, access: null as unknown as typeof ctx.access });
		const cases: [CommandItem, boolean][] = [
			[{ index: 0, command: { name: "GET", clientUri: `${TEST_MOID}/inst/Val` } }, false],
			[{ index: 1, command: { name: "GET", clientUri: `${TEST_MOID}/inst/Nope` } }, false],
			[{ index: 2, command: { name: "GET", clientUri: `${TEST_MOID}/inst//` } }, false],
			[{ index: 3, error: new DmError(400, "a malformed command") }, false],
			[{ index: 4, command: { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` } }, false],
			[{ index: 5, command: { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` } }, false],
			[{ index: 6, command: { name: "DELETE", clientUri: `${TEST_MOID}/inst/Val` } }, false],
			[{ index: 7, command: { name: "DELETE", clientUri: `${TEST_MOID}/inst/Items` } }, false],
			[{ index: 8, command: { name: "HGET", serverUri: "https://repo.example.com/val", clientUri: `${TEST_MOID}/inst/Secret` } }, false],
			[{ index: 9, command: { name: "SUB", serverUri: "https://dr.example.com/sub", clientUri: `${TEST_MOID}/inst/Run` } }, false],
			[{ index: 10, command: { name: "END" } }, false],
			[{ index: 11, command: { name: "GET", clientUri: `${TEST_MOID}/inst/Val` } }, true],
			[{ index: 12, command: { name: "EXEC", clientUri: `${TEST_MOID}/inst/Run` } }, true],
		];
		const reference = setup(undefined, hooks()), fast = setup(undefined, hooks());
		const faults: [unknown[], unknown[]] = [[], []];
		const promised: number[] = [];
		const statuses: number[] = [];
		for (const [item, fails] of cases) {
			const want = await runCommand(fails ? broken(reference.ctx) : reference.ctx, item, (e) => faults[0].push(e));
			const now = runCommandNow(fails ? broken(fast.ctx) : fast.ctx, item, (e) => faults[1].push(e));
			if (now instanceof Promise) promised.push(item.index);
			const got = now instanceof Promise ? await now : now;
			statuses.push(got.status);
			assert.deepEqual({ ...got, get: got.get?.index }, { ...want, get: want.get?.index }, `command ${item.index}`);
			assert.equal(snapshot(fast.store), snapshot(reference.store), `flash after command ${item.index}`);
		}
		assert.deepEqual(promised, [4, 5, 8, 12], "EXEC and HGET wait; GET, DELETE, SUB and END do not");
		assert.deepEqual([statuses[0], statuses[1], statuses[3], statuses[5], statuses[6], statuses[7], statuses[10], statuses[11], statuses[12]], [200, 404, 400, 204, 405, 200, 200, 500, 500]);
		assert.equal(faults[0].length, 2);
		assert.equal(faults[1].length, 2, "a failure that is no DmError is heard of, as by runCommand, at once or later");
	});
});
