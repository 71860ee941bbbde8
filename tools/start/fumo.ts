// npm start -- --fumo: a firmware update over DM, end to end, on this machine (issue 17).
//   1. the image server (HTTPS, X.509 from a test CA) serves a signed envelope of sim firmware 1.1;
//   2. dm-server (TLS-PSK) runs its FUMO scenario (hosts/sim/peers/dm-server/fumo-scenario.ts):
//      HGET of DownloadAndUpdate/PkgURL, EXEC DownloadAndUpdate with a ServerURI;
//   3. the device on xsdm32 with firmware slots, running sim firmware 1.0, downloads the image into
//      its inactive slot, verifies it, restarts into it (xsdm exit 87, started again here as a
//      board resets), proves it in a session and reports the result alert: 200, FwV 1.1.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fumoScenario } from "../../hosts/sim/peers/dm-server/fumo-scenario.js";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { ImageServer } from "../../hosts/sim/peers/image-server.js";
import { makeTestPki } from "../../hosts/sim/peers/x509-pki.js";
import { FUMO_KEY_HEX, FUMO_PSK, fumoEnvelope, fumoFactory } from "../../tests/e2e/fumo-device.js";
import { compiled, XSDM_RESTART_STATUS, xsdm32 } from "../../tests/host/xsdm.js";
import { narrate } from "./narrate.js";

const DEVICE = compiled("hosts/sim/dm-device/main.ts");
const say = (prefix: string, line: string): void => console.log(`${prefix} | ${line.length > 180 ? `${line.slice(0, 177)}...` : line}`);

/** Runs the demonstration; resolves with the exit status (0: updated, 200 reported). */
export async function startFumo(): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), "dm-start-fumo-"));
	const pki = makeTestPki();
	const image = fumoEnvelope();
	const images = new ImageServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: { "/fw-1.1.bin": image } });
	const imagePort = await images.listen();
	say("images", `image server on https://localhost:${imagePort}/fw-1.1.bin: sim firmware 1.1 in a signed envelope (${image.length} bytes, development key)`);
	let base = "";
	const scenario = fumoScenario({ pkgUrl: `https://localhost:${imagePort}/fw-1.1.bin`, dmBase: () => base });
	const server: DmServer = new DmServer({
		psk: FUMO_PSK, repository: scenario.repository, next: scenario.next,
		observe(e) {
			scenario.observe(e);
			for (const line of narrate(e, server.sessions)) say("server", line);
		},
	});
	const port = await server.listen();
	base = `https://127.0.0.1:${port}`;
	say("server", `development DM server on ${base}/dm (TLS-PSK), FUMO scenario: DownloadAndUpdate with a ServerURI`);
	let status = 1;
	try {
		const args = [
			"--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096", "--firmware-slot", String(64 * 1024),
			DEVICE, "--factory-json", fumoFactory(port), "--session", "dms1", "--ca", Buffer.from(pki.ca.cert).toString("base64"), "--firmware-key", FUMO_KEY_HEX, "--log", "text",
		];
		let code: number | null = null;
		for (let boot = 1; boot <= 4; boot++) {
			say("device", boot === 1 ? "dm-device on xsdm32 with firmware slots (factory image: sim firmware 1.0)" : `the device restarts (boot ${boot})`);
			const child = spawn(xsdm32, args, { stdio: ["ignore", "pipe", "pipe"] });
			createInterface({ input: child.stdout! }).on("line", (line) => { if (line !== "received Package#2: HTTP 200") say("device", line); });
			createInterface({ input: child.stderr! }).on("line", (line) => say("device", line));
			const timer = setTimeout(() => child.kill(), 60000);
			code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
			clearTimeout(timer);
			if (code !== XSDM_RESTART_STATUS) break;
		}
		const alert = await Promise.race([scenario.result, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
		const reads = server.sessions.flatMap((s) => s.received.flatMap((r) => r.kind === "package3" ? r.results.flat().map((m) => m.MOData as Record<string, unknown>) : []));
		const fwV = reads.map((d) => d["FwV"]).filter((v) => v !== undefined).pop();
		const code200 = alert?.Data?.["ResultCode"] === 200;
		console.log("");
		console.log(`${code === 0 ? "ok  " : "FAIL"} the device ran to its end (exit ${code})`);
		console.log(`${code200 ? "ok  " : "FAIL"} result alert: ${alert ? `${alert.AlertType} ${JSON.stringify(alert.Data)}` : "none"}`);
		console.log(`${fwV === "1.1" ? "ok  " : "FAIL"} DevInfo/FwV read after the update: ${String(fwV)}`);
		status = code === 0 && code200 && fwV === "1.1" ? 0 : 1;
		console.log(status === 0 ? "npm start -- --fumo: the device was updated from 1.0 to 1.1 and reported 200." : "npm start -- --fumo: see FAIL above.");
	} finally {
		await server.close();
		await images.close();
		rmSync(dir, { recursive: true, force: true });
	}
	return status;
}
