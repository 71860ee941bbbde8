// The device's management schedule end to end (modules/dm/device): dm-device listening on xsdm
// with two accounts polled every second (Ext/PollInterval 1), one of them at a port nothing
// listens on. The live server's sessions arrive at their own pace, with no Package#0 at all,
// while the dead server fails and waits out its own backoff (interpretations 13, 21). The live
// server's EXEC report (a Generic Alert, 5.3.5) flows to it in its next poll meanwhile.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import { compiled, xsdm64 } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
/** the simulated device's own MO (hosts/sim/dm-device/demo-mo.ts): EXEC Calibrate reports later */
const DEMO = "urn:oma:mo:ext-acme-demo:1.0";

function account(srvId: string, port: number): object {
	return { ClientURI: `${DMACC}/${srvId}/`, MOData: { [srvId]: {
		SrvID: srvId, SrvURI: `https://127.0.0.1:${port}/dm`, Name: srvId, Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DEMO } }, Ext: { PollInterval: 1 },
		Auth: { Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") } },
	} } };
}

/** a loopback port nothing listens on */
async function deadPort(): Promise<number> {
	const s = createServer();
	await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
	const port = (s.address() as { port: number }).port;
	await new Promise<void>((r) => s.close(() => r()));
	return port;
}

describe("device: the management schedule end to end", () => {
	it("polls a live server every second without any push while a dead one fails and waits out its own backoff; the live one's alerts flow", async () => {
		// the live server's first session (its BootstrapComplete) starts a calibration that reports later
		const script: Command[][][] = [];
		const server = new DmServer({ psk, sessions: script });
		const port = await server.listen();
		script.push([[["EXEC", `${DEMO}//Calibrate`, `https://127.0.0.1:${port}/dm`]]]);
		const dead = await deadPort();
		const dir = mkdtempSync(join(tmpdir(), "dm-schedule-"));
		const factory = JSON.stringify([
			{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:1", Man: "M", Mod: "D", DmV: "2.0", Lang: "en", DevType: "t", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
			account("dead", dead), account("dms1", port),
			{ ClientURI: `${DACMO}/${encodeURIComponent(DEMO)}/`, MOData: { [DEMO]: { sensor: { dms: { Permissions: { "1": { MAID: "serverid:dms1", AR: 7 } } } } } } },
		]);
		const child = spawn(xsdm64, ["--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096",
			compiled("hosts/sim/dm-device/main.ts"), "--factory-json", factory, "--notify-port", "0", "--backoff-ms", "60000"], { stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
		child.stderr.setEncoding("utf8").on("data", (d: string) => { out += d; });
		try {
			const deadline = Date.now() + 30000;
			while (server.sessions.length < 4 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
			assert.ok(server.sessions.length >= 4, `four sessions with the live server within 30 s:\n${out}`);
			const lines = out.split("\n");
			const deadFailed = (l: string): boolean => l.startsWith("failed: ") && l.includes(`127.0.0.1:${dead}`);
			const firstFailure = lines.findIndex(deadFailed);
			assert.ok(firstFailure >= 0, `the dead server's poll failed:\n${out}`);
			const liveAfter = lines.slice(firstFailure).filter((l) => l.startsWith(`sent Package#1 to https://127.0.0.1:${port}/`)).length;
			assert.ok(liveAfter >= 2, `the live server's polls go on after the dead one failed:\n${out}`);
			assert.ok(lines.filter(deadFailed).length <= 2, `the dead server is not tried every second:\n${out}`);
			const reports = server.sessions.flatMap((s) => s.received.flatMap((r) => r.body.Alert ?? [])).filter((a) => a.SourceURI?.startsWith(DEMO));
			assert.equal(reports.length, 1, `the EXEC's report reached the live server once, while the other was down:\n${out}`);
			assert.equal(reports[0]!.AlertType, "x-acme:exec-result");
		} finally {
			child.kill("SIGKILL");
			await server.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
