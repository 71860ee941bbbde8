// Firmware update over DM end to end (issue 17): dm-device on xsdm with firmware slots
// (--firmware-slot), managed over TLS-PSK by dm-server, which writes DownloadAndUpdate/PkgURL by
// HGET and EXECs DownloadAndUpdate with a ServerURI; the device fetches the signed envelope from
// the image server (hosts/sim/peers/image-server.ts: X.509 from a test CA the device trusts by
// --ca, Range, cuts, 404), programs the inactive slot, restarts (xsdm exit 87, started again as a
// board resets), proves the new image in a session, confirms it and reports the result alert.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import type { Alert, Command } from "../../hosts/sim/peers/dm-server/packages.js";
import { ImageServer } from "../../hosts/sim/peers/image-server.js";
import { makeTestPki } from "../../hosts/sim/peers/x509-pki.js";
import { FUMO_KEY_HEX, FUMO_PSK, fumoEnvelope, fumoFactory } from "./fumo-device.js";
import { compiled, root, runXsdm, runXsdmRebooting, XSDM_RESTART_STATUS, type RebootingRun, type Run } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", FUMO = "urn:oma:mo:oma-fumo:1.0";
const psk = FUMO_PSK, KEY_HEX = FUMO_KEY_HEX;
const pki = makeTestPki();
const dir = mkdtempSync(join(tmpdir(), "fumo-e2e-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");
const SLOT = 64 * 1024;

export interface FumoRun { run: RebootingRun; dm: DmServer; images: ImageServer; results: Alert[]; fwV: (string | undefined)[]; codes: unknown[]; lastFwV: string | undefined; lastState: number | undefined }

let n = 0;
/** DownloadAndUpdate of `image` (served at /fw.bin) with `setup` applied to the image server. */
export async function fumoRun(image: Buffer, setup: (s: ImageServer) => void = () => undefined, extra: { args?: string[]; options?: string[]; maxBoots?: number; first?: Command[] } = {}): Promise<FumoRun> {
	const images = new ImageServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: { "/fw.bin": image } });
	const imagePort = await images.listen();
	setup(images);
	let base = "";
	// the first session sets PkgURL (HGET from the server's repository) and executes DownloadAndUpdate
	// with the account's own SrvURI as ServerURI; every later one reads FwV
	const first: Command[] = [
		["HGET", "", `${FUMO}/FUMO/DownloadAndUpdate/PkgURL`],
		["EXEC", `${FUMO}/FUMO/DownloadAndUpdate`, ""],
	];
	const dm = new DmServer({
		psk, repository: { "/pkgurl": { contentType: "text/plain", body: `https://localhost:${imagePort}/fw.bin` } },
		next: (session) => {
			if (session.sent.length > 0) return [["END"]];
			if (session.index > 0) return [["GET", `${DEVINFO}//FwV`], ["GET", `${FUMO}/FUMO/State`]];
			return extra.first ?? [["HGET", `${base}/pkgurl`, first[0]![2]!], ["EXEC", first[1]![1]!, `${base}/dm`]];
		},
	});
	const dmPort = await dm.listen();
	base = `https://127.0.0.1:${dmPort}`;
	try {
		const run = await runXsdmRebooting(compiled("hosts/sim/dm-device/test-driver.ts"),
			["--factory-json", fumoFactory(dmPort), "--session", "dms1", "--ca", b64(pki.ca.cert), "--firmware-key", KEY_HEX, "--fumo-retry-ms", "50", ...(extra.args ?? [])],
			{ options: ["--flash", join(dir, `flash-${++n}.bin`), "--flash-size", String(256 * 1024), "--flash-block", "4096", "--firmware-slot", String(SLOT), ...(extra.options ?? [])], timeoutMs: 120000, maxBoots: extra.maxBoots ?? 6 });
		const results = dm.sessions.flatMap((s) => s.received.flatMap((r) => r.body.Alert ?? [])).filter((a) => a.AlertType.startsWith("org.openmobilealliance.dm.firmwareupdate."));
		const fwV = dm.sessions.flatMap((s) => s.received.flatMap((r) => r.kind === "package3" ? r.results.flat().map((m) => JSON.stringify(m.MOData)) : []));
		const reads = dm.sessions.flatMap((s) => s.received.flatMap((r) => r.kind === "package3" ? r.results.flat() : []));
		const last = (pick: (v: Record<string, unknown>) => unknown): unknown => reads.map((m) => pick(m.MOData as Record<string, unknown>)).filter((v) => v !== undefined).pop();
		const lastFwV = last((d) => d["FwV"]) as string | undefined;
		const lastState = last((d) => d["State"]) as number | undefined;
		return { run, dm, images, results, fwV, codes: results.map((a) => a.Data?.["ResultCode"]), lastFwV, lastState };
	} finally {
		await dm.close();
		await images.close();
	}
}

describe("FUMO end to end (issue 17)", () => {
	it("fumo: DownloadAndUpdate over real TLS: 1.0 -> 1.1, restart, proved in a session, 200 reported once to the ServerURI, FwV 1.1", async () => {
		const r = await fumoRun(fumoEnvelope());
		assert.equal(r.run.code, 0, r.run.stdout + r.run.stderr);
		assert.equal(r.run.boots, 2, r.run.stdout);
		assert.deepEqual(r.results.map((a) => [a.AlertType, a.Data?.["ResultCode"], a.SourceURI]), [["org.openmobilealliance.dm.firmwareupdate.downloadandupdate", 200, `${FUMO}/FUMO/DownloadAndUpdate`]], r.run.stdout);
		assert.match(r.run.stdout, /firmware: xsdm-sim 1\.1 \(ota_1, trial/);
		assert.deepEqual(r.images.requests.map((q: { status: number }) => q.status), [200]);
		assert.ok(r.fwV.some((v) => v !== undefined && v.includes("\"1.1\"")), r.fwV.join(" "));
		for (const s of r.dm.sessions) assert.deepEqual(s.violations, []);
		assert.equal(r.lastState, 100, JSON.stringify(r.fwV));
	});

	it("fumo: a transfer cut at many byte offsets resumes with Range from the last committed block, never fetching more than one block again", async () => {
		const image = fumoEnvelope();
		for (const offset of [100, 2500, 4200, 9000, 15000, 22222, image.length - 10]) {
			const r = await fumoRun(image, (s) => s.set({ cutAt: { offset } }));
			assert.equal(r.run.code, 0, `cut at ${offset}: ${r.run.stdout}`);
			assert.deepEqual(r.codes, [200], `cut at ${offset}`);
			const req = r.images.requests;
			assert.equal(req.length, 2, `cut at ${offset}: ${JSON.stringify(req)}`);
			assert.equal(req[0]!.cut, true);
			// where the device resumed, and what it had taken in (a TLS record cut in the middle never reached it)
			const m = /download: resuming at byte (\d+) of the package; the last try had reached byte (\d+)/.exec(r.run.stdout);
			assert.ok(m, r.run.stdout);
			const from = Number(m[1]), reached = Number(m[2]);
			// a cut before the envelope's header was whole (checked and kept) starts again from 0
			if (from === 0) assert.deepEqual([req[1]!.range, req[1]!.status, reached < 44 + 8 + 3 + 64], [undefined, 200, true]);
			else assert.deepEqual([req[1]!.range, req[1]!.status], [`bytes=${from}-`, 206]);
			assert.ok(reached - from >= 0 && reached - from <= 4096, `cut at ${offset}: ${reached - from} bytes the device had were fetched again`);
			assert.ok(reached <= offset);
			assert.equal(r.lastFwV, "1.1");
		}
	});

	it("fumo: a server without Range support: the transfer starts again cleanly from 0 and the update succeeds", async () => {
		const r = await fumoRun(fumoEnvelope(), (s) => s.set({ ranges: false, cutAt: { offset: 20000 } }));
		assert.equal(r.run.code, 0, r.run.stdout);
		assert.deepEqual(r.images.requests.map((q) => q.status), [200, 200]);
		assert.deepEqual(r.codes, [200]);
		assert.equal(r.lastFwV, "1.1");
	});

	const refused: [string, () => Buffer, (s: ImageServer) => void, number][] = [
		["a wrong digest", () => fumoEnvelope({ digest: Buffer.alloc(32, 7) }), () => undefined, 402],
		["a wrong signature", () => fumoEnvelope({ key: generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString() }), () => undefined, 404],
		["a wrong model", () => fumoEnvelope({ model: "acme-gateway" }), () => undefined, 403],
		["a URL that 404s", () => fumoEnvelope(), (s) => s.set({ notFound: true }), 411],
	];
	for (const [what, image, setup, code] of refused) {
		it(`fumo: ${what}: result ${code}, State 20, the running firmware untouched`, async () => {
			const r = await fumoRun(image(), setup);
			assert.equal(r.run.code, 0, r.run.stdout + r.run.stderr);
			assert.equal(r.run.boots, 1, "no restart");
			assert.deepEqual(r.codes, [code], r.run.stdout);
			assert.equal(r.lastState, 20);
			assert.equal(r.lastFwV, "1.0");
		});
	}

	it("fumo: a new image that never checks in is rolled back by the boot loader: State 80, 410 reported once when the server is back, FwV 1.0", async () => {
		const images = new ImageServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: { "/fw.bin": fumoEnvelope() } });
		const imagePort = await images.listen();
		const probe = new DmServer({ psk });
		const port = await probe.listen();
		await probe.close();
		const base = `https://127.0.0.1:${port}`;
		const file = join(dir, `flash-${++n}.bin`);
		const servers: DmServer[] = [];
		/** one start of the device; with `up`, dm-server answers on the account's port */
		const boot = async (up: boolean, first = false): Promise<Run> => {
			const dm = up ? new DmServer({
				psk, repository: { "/pkgurl": { contentType: "text/plain", body: `https://localhost:${imagePort}/fw.bin` } },
				next: (session) => session.sent.length > 0 ? [["END"]] : first ? [["HGET", `${base}/pkgurl`, `${FUMO}/FUMO/DownloadAndUpdate/PkgURL`], ["EXEC", `${FUMO}/FUMO/DownloadAndUpdate`, `${base}/dm`]] : [["GET", `${DEVINFO}//FwV`], ["GET", `${FUMO}/FUMO/State`]],
			}) : undefined;
			if (dm) { await dm.listen(port); servers.push(dm); }
			try {
				return await runXsdm(compiled("hosts/sim/dm-device/test-driver.ts"),
					["--factory-json", fumoFactory(port), "--session", "dms1", "--ca", b64(pki.ca.cert), "--firmware-key", KEY_HEX, "--fumo-trials", "2", "--backoff-ms", "1"],
					{ options: ["--flash", file, "--flash-size", String(256 * 1024), "--flash-block", "4096", "--firmware-slot", String(SLOT)], timeoutMs: 60000 });
			} finally {
				await dm?.close();
			}
		};
		try {
			const updated = await boot(true, true);
			assert.equal(updated.code, XSDM_RESTART_STATUS, updated.stdout + updated.stderr);
			// the new image cannot reach its server: each start fails, as a board's watchdog would restart it
			const versions: string[] = [];
			let rolled = false;
			for (let i = 0; i < 4 && !rolled; i++) {
				const r = await boot(false);
				assert.equal(r.code, 1, r.stdout + r.stderr);
				versions.push(/^firmware: xsdm-sim (\S+) \(ota_\d, (\S+?)[,)]/m.exec(r.stdout)!.slice(1, 3).join(" "));
				rolled = /did not prove itself/.test(r.stdout);
			}
			assert.deepEqual(versions, ["1.1 trial", "1.1 trial", "1.0 rolled-back"]);
			const back = await boot(true);
			assert.equal(back.code, 0, back.stdout + back.stderr);
			const alerts = servers.flatMap((dm) => dm.sessions.flatMap((s) => s.received.flatMap((r) => r.body.Alert ?? []))).filter((a) => a.AlertType.startsWith("org.openmobilealliance.dm.firmwareupdate."));
			assert.deepEqual(alerts.map((a) => [a.AlertType, a.Data?.["ResultCode"]]), [["org.openmobilealliance.dm.firmwareupdate.downloadandupdate", 410]]);
			const reads = servers[servers.length - 1]!.sessions.flatMap((s) => s.received.flatMap((r) => r.kind === "package3" ? r.results.flat().map((m) => JSON.stringify(m.MOData)) : []));
			assert.ok(reads.includes(JSON.stringify({ FwV: "1.0" })) && reads.includes(JSON.stringify({ State: 80 })), reads.join(" "));
		} finally {
			await images.close();
		}
	});

	it("fumo: npm start -- --fumo shows the simulated device updated from 1.0 to 1.1 with the 200 result alert", async () => {
		const r = spawnSync(process.execPath, [join(root, "build/js/tools/start.js"), "--fumo"], { encoding: "utf8", timeout: 120000 });
		assert.equal(r.status, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /^device \| firmware: xsdm-sim 1\.0 \(ota_0, settled\)$/m);
		assert.match(r.stdout, /^device \| firmware: xsdm-sim 1\.1 \(ota_1, trial/m);
		assert.match(r.stdout, /Generic Alert org\.openmobilealliance\.dm\.firmwareupdate\.downloadandupdate for FUMO\/FUMO\/DownloadAndUpdate \{"ResultCode":200\}/);
		assert.match(r.stdout, /the device was updated from 1\.0 to 1\.1 and reported 200/);
	});
});
