// A power cut at every flash operation of a firmware update on xsdm (issue 17): the download
// (slot erases and programs, the journal's progress records), the switch (State 60, the boot
// record's arm) and the first boot of the new image (the boot loader's trial count, confirm, the
// result's commit, its acknowledgement). xsdm's injector (--powercut N) kills the process at the
// N-th program or erase of that start (exit 86); the device is then started again, as a board
// powers on, until its run ends. Each start says which image it runs: always the old or the new
// one; at the end the new one runs, State is 100 and the server has the 200 result once.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { fumoScenario } from "../../hosts/sim/peers/dm-server/fumo-scenario.js";
import { ImageServer } from "../../hosts/sim/peers/image-server.js";
import { makeTestPki } from "../../hosts/sim/peers/x509-pki.js";
import { encodeSimImage, simPayload } from "../../hosts/sim/firmware/image.js";
import { compiled, runXsdm, XSDM_RESTART_STATUS } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";
import { FUMO_KEY_HEX, FUMO_PSK, fumoEnvelope, fumoFactory } from "./fumo-device.js";

const POWER_CUT = 86;
const pki = makeTestPki();
const dir = mkdtempSync(join(tmpdir(), "fumo-cut-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const SLOT = 32 * 1024;
// two slot blocks of payload: every kind of flash operation, few of each
const IMAGE = fumoEnvelope({ payload: encodeSimImage("xsdm-sim", "1.1", simPayload("1.1", 6000)) });

interface Outcome { codes: number[]; versions: string[]; results: unknown[]; fwV: unknown; state: unknown; log: string }

/** Copies the base flash, then starts the device until its run ends, the `boot`-th start cut at its `cut`-th flash operation. */
async function update(port: number, imagePort: number, base: string, boot: number, cut: number): Promise<Outcome> {
	const work = join(dir, "work.bin");
	copyFileSync(base, work);
	const url = `https://127.0.0.1:${port}`;
	// dm-server's FUMO scenario: it executes DownloadAndUpdate until the device has answered it (202,
	// or 503: one runs; a cut before the EXEC's commit loses the 202), then reads FwV and State
	const scenario = fumoScenario({ pkgUrl: `https://localhost:${imagePort}/fw.bin`, dmBase: () => url });
	const dm = new DmServer({ psk: FUMO_PSK, repository: scenario.repository, next: scenario.next, observe: scenario.observe });
	await dm.listen(port);
	const codes: number[] = [], versions: string[] = [];
	let log = "";
	try {
		for (let start = 1; start <= 10; start++) {
			const r = await runXsdm(compiled("hosts/sim/dm-device/test-driver.ts"),
				["--session", "dms1", "--ca", b64(pki.ca.cert), "--firmware-key", FUMO_KEY_HEX, "--fumo-retry-ms", "20", "--backoff-ms", "1"],
				{ options: ["--flash", work, "--flash-size", String(256 * 1024), "--flash-block", "4096", "--firmware-slot", String(SLOT), ...(start === boot ? ["--powercut", String(cut)] : [])], timeoutMs: 60000 });
			codes.push(r.code ?? -1);
			log += r.stdout + r.stderr;
			const v = /^firmware: xsdm-sim (\S+) /m.exec(r.stdout);
			if (v) versions.push(v[1]!);
			if (r.code === 0) break;
		}
	} finally {
		await dm.close();
	}
	const results = dm.sessions.flatMap((s) => s.received.flatMap((r) => r.body.Alert ?? [])).filter((a) => a.AlertType.startsWith("org.openmobilealliance.dm.firmwareupdate.")).map((a) => a.Data?.["ResultCode"]);
	const reads = dm.sessions.flatMap((s) => s.received.flatMap((r) => r.kind === "package3" ? r.results.flat().map((m) => m.MOData as Record<string, unknown>) : []));
	const last = (k: string): unknown => reads.map((d) => d[k]).filter((v) => v !== undefined).pop();
	return { codes, versions, results, fwV: last("FwV"), state: last("State"), log };
}

const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");

describe("FUMO power cuts on xsdm (issue 17)", () => {
	it("fumo: a cut at every flash operation of the download, the switch and the first boot: old or new firmware at every start, State 100 and one 200 result at the end", async () => {
		const images = new ImageServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: { "/fw.bin": IMAGE } });
		const imagePort = await images.listen();
		const probe = new DmServer({ psk: FUMO_PSK });
		const port = await probe.listen();
		await probe.close();
		try {
			// the device before the update: factory account applied, slots programmed, one session behind it
			const base = join(dir, "base.bin");
			const plain = new DmServer({ psk: FUMO_PSK });
			await plain.listen(port);
			const first = await runXsdm(compiled("hosts/sim/dm-device/test-driver.ts"), ["--factory-json", fumoFactory(port), "--session", "dms1", "--firmware-key", FUMO_KEY_HEX],
				{ options: ["--flash", base, "--flash-size", String(256 * 1024), "--flash-block", "4096", "--firmware-slot", String(SLOT)], timeoutMs: 60000 });
			await plain.close();
			assert.equal(first.code, 0, first.stdout + first.stderr);
			let points = 0, repeats = 0;
			// the first start (download and switch), then the first start of the new image
			for (const boot of [1, 2]) {
				for (let cut = 1; ; cut++) {
					const o = await update(port, imagePort, base, boot, cut);
					const what = `start ${boot}, cut ${cut}: exits ${o.codes.join(" ")}`;
					assert.equal(o.codes[o.codes.length - 1], 0, `${what}\n${o.log}`);
					assert.ok(o.versions.every((v) => v === "1.0" || v === "1.1"), `${what}: ran ${o.versions.join(" ")}`);
					assert.equal(o.versions[o.versions.length - 1], "1.1", `${what}: ran ${o.versions.join(" ")}\n${o.log}`);
					// the result goes once; the one repeat the alert queue allows (at least once, 5.4) is a cut
					// after the server answered the package that carried it and before the device's commit
					// that drops it: the server has it then, the device does not know
					const answeredThenCut = /ended with 200[^]*?sent Package#1[^\n]*[1-9] alerts[^]*?received Package#2[^]*?xsdm: power cut/.test(o.log);
					if (o.results.length === 2 && answeredThenCut) { assert.deepEqual(o.results, [200, 200], what); repeats++; }
					else assert.deepEqual(o.results, [200], `${what}: results ${o.results.join(" ")}\n${o.log}`);
					assert.deepEqual([o.fwV, o.state], ["1.1", 100], what);
					if (o.codes[boot - 1] !== POWER_CUT) {
						// this start ran to its end without reaching the cut: every operation of it was cut once
						if (boot === 1) assert.equal(o.codes[0], XSDM_RESTART_STATUS, what);
						break;
					}
					points++;
				}
			}
			assert.ok(points > 20, `${points} cut points`);
			assert.ok(repeats <= 2, `${repeats} repeated results`);
			console.log(`fumo_powercut_points_checked ${points} (${repeats} results repeated: a cut after the server's answer, before the acknowledgement's commit)`);
		} finally {
			await images.close();
		}
	}, 1800000);
});
