// npm start is the project's main job: it must keep working end to end (card → bootstrap →
// BootstrapComplete session with GET/HGET/EXEC/SUB → the device's own change reported → Package#0 →
// server-initiated session reading it back), and say so in its exit status. Every step is checked
// here from what the development server recorded (--record), not from the console text.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Alert, MoData, Package3 } from "../../hosts/sim/peers/dm-server/packages.js";
import type { Received, Session } from "../../hosts/sim/peers/dm-server/server.js";
import { CHANGES_PATH, DEMO, DEV_ID, INTERVAL, INTERVAL_PATH } from "../../tools/start/scenario.js";
import { root } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

interface Recorded {
	deviceExit: number | null;
	heap?: { peak: number; modules: number };
	sessions: Session[];
	repositoryRequests: { method: string; path: string; body: string }[];
	/** the second DM server's sessions, and the requests the repository on the other origin served */
	second: Session[];
	origin: { method: string; path: string }[];
}

function start(args: string[]) {
	const child = spawn(process.execPath, [join(root, "build/js/tools/start.js"), ...args], { stdio: ["pipe", "pipe", "pipe"] });
	let out = "";
	child.stdout.on("data", (d) => { out += d; });
	child.stderr.on("data", (d) => { out += d; });
	const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
	return { child, exited, out: () => out };
}

const p3s = (s: Session): (Received & { kind: "package3" })[] => s.received.filter((r): r is Received & { kind: "package3" } => r.kind === "package3");
const sensor = (parts: MoData[] | undefined) => Object.values(parts?.find((p) => p.ClientURI.startsWith(DEMO))?.MOData ?? {})[0] as { Interval?: number; Offset?: number } | undefined;

describe("npm start", () => {
	it("bootstraps the device from its card and runs the demonstration, every step as the spec says", async () => {
		const dir = mkdtempSync(join(tmpdir(), "start-test-"));
		try {
			const record = join(dir, "record.json");
			const run = start(["--record", record]);
			const code = await run.exited;
			assert.equal(code, 0, run.out());
			const r = JSON.parse(readFileSync(record, "utf8")) as Recorded;
			assert.equal(r.deviceExit, 0);
			assert.deepEqual(r.sessions.map((s) => s.trigger), ["urn:oma:at:dm:2.0:BootstrapComplete", "urn:oma:at:dm:2.0:ServerInitiatedMgmt"]);
			assert.deepEqual(r.sessions.flatMap((s) => s.violations), []);
			const [one, two] = r.sessions as [Session, Session];
			assert.equal(one.devId, DEV_ID, "the DevID the card's bootstrap gave");

			// session 1: GET DevInfo (multipart), HGET Interval, EXEC Calibrate → 202, SUB
			const first = p3s(one)[0]!;
			assert.deepEqual(first.body.Status.map((s) => s.sc), [200, 200, 202, 200]);
			assert.equal((Object.values(first.results[0]![0]!.MOData)[0] as { DevID: string }).DevID, DEV_ID, "DevInfo in the GET's multipart part");
			assert.ok(r.origin.some((q) => q.method === "GET" && q.path === INTERVAL_PATH), "HGET fetched from the repository on the other origin (trusted through --ca)");

			// the EXEC's final status: one Generic Alert, after the package that carried the 202
			const afterward: Alert[] = [...p3s(one).slice(1).flatMap((p) => (p.body as Package3).Alert ?? []), ...two.received.flatMap((p) => p.body.Alert ?? [])];
			const reports = afterward.filter((a) => a.SourceURI?.startsWith(DEMO) && a.SourceURI.endsWith("/Calibrate"));
			assert.equal(reports.length, 1, JSON.stringify(afterward));
			assert.equal(reports[0]!.Data?.["sc"], 200);
			assert.equal((first.body.Alert ?? []).length, 0, "not in the package that answered 202");

			// the device's own change (Offset), reported by PUT to the SUB's ServerURI
			const puts = r.repositoryRequests.filter((q) => q.method === "PUT" && q.path === CHANGES_PATH);
			assert.equal(puts.length, 1);
			const reported = sensor(JSON.parse(puts[0]!.body) as MoData[])!;
			assert.equal(reported.Interval, INTERVAL, "the value HGET wrote");
			assert.ok(typeof reported.Offset === "number" && reported.Offset !== 0, `Offset changed by the device: ${reported.Offset}`);

			// session 2 (the Package#0's) reads back what changed
			const read = sensor(p3s(two)[0]!.results[0])!;
			assert.equal(read.Interval, INTERVAL);
			assert.equal(read.Offset, reported.Offset);

			// the second DM server: its own BootstrapComplete session on its default rights, no alert of the demo server's
			assert.deepEqual(r.second.map((s) => s.trigger), ["urn:oma:at:dm:2.0:BootstrapComplete"]);
			assert.deepEqual(r.second.flatMap((s) => s.violations), []);
			const ops = p3s(r.second[0]!)[0]!;
			assert.deepEqual(ops.body.Status.map((s) => s.sc), [200, 200], "GET DevInfo/FwV and its own account's Name");
			assert.equal(Object.values(ops.results[0]![0]!.MOData)[0], "1.4.2");
			assert.equal(Object.values(ops.results[1]![0]!.MOData)[0], "operations DM server");
			assert.deepEqual(r.second.flatMap((s) => s.received.flatMap((p) => p.body.Alert ?? [])).filter((a) => a.SourceURI?.startsWith(DEMO)), [], "the EXEC report never went to the other server");
			assert.match(run.out(), /^ops {4}\| session 1: Package#3: GET 200, GET 200$/m);

			// what the user sees: both sides, and the figures
			assert.match(run.out(), /^server \| session 1: Package#3: GET 200, HGET 200, EXEC 202, SUB 200$/m);
			assert.match(run.out(), /^device \| command 2 EXEC urn:oma:mo:ext-acme-demo:1\.0\/\/Calibrate: 202$/m);
			assert.ok(r.heap && r.heap.peak > r.heap.modules, JSON.stringify(r.heap));
			assert.match(run.out(), /device peak heap [\d,]+ B on xsdm32 \(\+[\d,]+ over its modules alone\)/);
			assert.ok(!/a1b2c3d4e5f60718293a4b5c6d7e8f90|demo notification secret|ZGVtbyBub3RpZmljYXRpb24gc2VjcmV0/.test(run.out()), "no secret on the console");
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 60000);

	it("--serve keeps the device listening: Enter sends another Package#0, Ctrl-C cleans up", async () => {
		const run = start(["--serve"]);
		const waitFor = async (re: RegExp): Promise<void> => {
			for (let i = 0; i < 300 && !re.test(run.out()); i++) await new Promise((r) => setTimeout(r, 100));
			assert.match(run.out(), re);
		};
		await waitFor(/Still serving/);
		run.child.stdin.write("\n");
		await waitFor(/server \| session 3: Package#3: GET 200/);
		const dir = /flash in (\S+)\/flash\.bin/.exec(run.out())![1]!;
		assert.ok(existsSync(dir));
		run.child.kill("SIGINT");
		assert.equal(await run.exited, 0, run.out());
		assert.equal(existsSync(dir), false, "the temporary directory is removed");
	}, 60000);
});
