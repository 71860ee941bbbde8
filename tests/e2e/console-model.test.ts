// The console's model and action checks on Node, against the development server over plain HTTP
// on loopback (packages posted as a device would): actions refused as the device would refuse the
// command, queued actions delivered in the next session and answered, GET data placed in the tree
// (secret-named nodes never shown), a successful DELETE taking nodes out, and the bounds kept.
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { Refused, readAction, toDmCommand } from "../../hosts/sim/peers/dm-server/console/actions.js";
import { ConsoleModel, LIMITS } from "../../hosts/sim/peers/dm-server/console/model.js";
import { assert, describe, it } from "../harness/index.js";

const DEVID = "IMEI:490154203237518";
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
const P1 = "application/vnd.oma.dm.initiation+json", P3 = "application/vnd.oma.dm.response+json";
const places = { hgetUrl: "https://127.0.0.1:1/console/hget/1", reportUrl: "https://127.0.0.1:1/console/reports/x" };

async function post(port: number, type: string, body: string | Buffer): Promise<{ status: number; body: string }> {
	const r = await fetch(`http://127.0.0.1:${port}/dm`, { method: "POST", headers: { "Content-Type": type, "OMADM-DevID": DEVID }, body });
	return { status: r.status, body: await r.text() };
}

function multipart(p3: unknown, parts: unknown[]): { type: string; body: string } {
	const b = "xYz";
	const text = [`--${b}\r\nContent-Disposition: form-data\r\nContent-Type: ${P3}\r\n\r\n${JSON.stringify(p3)}\r\n`,
		...parts.map((p, i) => `--${b}\r\nContent-Disposition: form-data; name="${i}"\r\nContent-Type: application/dmmo+json\r\n\r\n${JSON.stringify(p)}\r\n`)].join("") + `--${b}--\r\n`;
	return { type: `multipart/form-data; boundary=${b}`, body: text };
}

const clientInitiated = JSON.stringify({ Alert: [{ AlertType: "urn:oma:at:dm:2.0:ClientInitiatedMgmt" }] });

async function withModel(body: (model: ConsoleModel, port: number, server: DmServer) => Promise<void>): Promise<void> {
	const server = new DmServer({ plain: true });
	const port = await server.listen();
	const model = new ConsoleModel(server, { base: () => `http://127.0.0.1:${port}` }, () => undefined);
	try {
		await body(model, port, server);
	} finally {
		model.close();
		await server.close();
	}
}

describe("dm-server console: model and actions (hosts/sim/peers/dm-server/console)", () => {
	it("refuses actions the device would refuse, with the reason", () => {
		const refused = (a: unknown, why: RegExp): void => {
			assert.throws(() => toDmCommand(readAction(a), places), (e: unknown) => e instanceof Refused && why.test(e.message));
		};
		refused({ kind: "GET", clientUri: `${DEVINFO}//a b` }, /\(400\).*is not a node name/);
		refused({ kind: "GET", clientUri: "no-slash" }, /\(400\).*no MOID/);
		refused({ kind: "DELETE", clientUri: `${DEVINFO}/(x)/DevID` }, /\(400\)/);
		refused({ kind: "HGET", clientUri: `${DEVINFO}//Mod` }, /needs the value/);
		refused({ kind: "EXEC", clientUri: `${DEVINFO}//X`, serverUri: "https://10.0.0.1/r" }, /loopback/);
		refused({ kind: "EXEC", clientUri: `${DEVINFO}//X`, serverUri: "ftp://127.0.0.1/r" }, /https/);
		refused({ kind: "SHOW", clientUri: `${DEVINFO}//` }, /kind must be one of/);
		refused({ kind: "GET" }, /clientUri is required/);
		refused(null, /JSON object/);
		assert.deepEqual(toDmCommand(readAction({ kind: "SUB", clientUri: `${DEVINFO}//` }), places), ["SUB", places.reportUrl, `${DEVINFO}//`]);
		assert.deepEqual(toDmCommand(readAction({ kind: "EXEC", clientUri: `${DEVINFO}//X`, serverUri: "https://127.0.0.1:9/r" }), places), ["EXEC", `${DEVINFO}//X`, "https://127.0.0.1:9/r"]);
		assert.deepEqual(toDmCommand(readAction({ kind: "HGET", clientUri: `${DMACC}/dms1/Name`, value: "x" }), places), ["HGET", places.hgetUrl, `${DMACC}/dms1/Name`]);
	});

	it("delivers queued actions in the next session, places GET data in the tree, hides secret-named nodes, and a DELETE takes nodes out", () => withModel(async (model, port, server) => {
		assert.equal((await post(port, P1, clientInitiated)).status, 200);
		assert.throws(() => model.queue("IMEI:unknown", { kind: "GET", clientUri: `${DEVINFO}//` }), Refused);
		model.queue(DEVID, { kind: "GET", clientUri: `${DMACC}//` });
		model.queue(DEVID, { kind: "DELETE", clientUri: `${DMACC}/dms1/Ext` });
		const hget = model.queue(DEVID, { kind: "HGET", clientUri: `${DMACC}/dms1/Name`, value: "served" });
		const p2 = JSON.parse((await post(port, P1, clientInitiated)).body) as { CMD: string[][] };
		assert.deepEqual(p2.CMD.map((c) => c[0]), ["GET", "DELETE", "HGET"]);
		const served = await fetch(hget.command[1]!);
		assert.equal(await served.text(), "served", "the repository serves the page's HGET value");
		const m = multipart({ Status: [{ sc: 200 }, { sc: 200 }, { sc: 200 }] }, [[{ ClientURI: `${DMACC}//`, MOData: { dms1: { SrvID: "dms1", Name: "<b>n</b>", Ext: { A: 1 }, Auth: { Trsp: { Data: "id", Secret: "leaked?" } } } } }]]);
		assert.deepEqual(JSON.parse((await post(port, m.type, m.body)).body), { CMD: [["END"]] });
		const d = model.detail(DEVID) as { tree: { uri: string; format: string; value?: string; hidden?: true }[]; actions: { state: string; status?: number }[]; device: { accounts: { srvId?: string }[] } };
		const node = (uri: string) => d.tree.find((n) => n.uri === `${DMACC}/dms1${uri}`);
		assert.deepEqual(node("/Name"), { uri: `${DMACC}/dms1/Name`, format: "chr", value: "<b>n</b>" });
		assert.deepEqual(node("/Auth/Trsp/Secret"), { uri: `${DMACC}/dms1/Auth/Trsp/Secret`, format: "chr", hidden: true }, "a secret-named node is never given a value");
		assert.ok(!JSON.stringify(d.tree).includes("leaked?"));
		assert.equal(node("/Ext"), undefined, "the DELETE answered 200 took Ext out (after the GET's data)");
		assert.equal(node("/Ext/A"), undefined);
		assert.deepEqual(d.actions.map((a) => [a.state, a.status]), [["answered", 200], ["answered", 200], ["answered", 200]]);
		assert.equal(d.device.accounts[0]!.srvId, "dms1");
		assert.equal(server.sessions[1]!.sent.length, 2);
	}));

	it("keeps at most its bound of sessions per device, and of queued actions", () => withModel(async (model, port) => {
		for (let i = 0; i < LIMITS.sessionsPerDevice + 5; i++) assert.equal((await post(port, P1, clientInitiated)).status, 200);
		const d = model.devices.get(DEVID)!;
		assert.equal(d.sessions.length, LIMITS.sessionsPerDevice);
		assert.equal(d.sessions[0]!.index, 5, "the oldest went first");
		for (let i = 0; i < LIMITS.queuedPerDevice; i++) model.queue(DEVID, { kind: "GET", clientUri: `${DEVINFO}//` });
		assert.throws(() => model.queue(DEVID, { kind: "GET", clientUri: `${DEVINFO}//` }), (e: unknown) => e instanceof Refused && /at most/.test(e.message));
	}));
});
