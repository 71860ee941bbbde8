// The device's management schedule end to end (modules/dm/device): dm-device listening on xsdm
// with two accounts polled every second (Ext/PollInterval 1), one of them at a port nothing
// listens on. The live server's sessions arrive at their own pace, with no Package#0 at all,
// while the dead server fails and waits out its own backoff (interpretations 13, 21).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { compiled, xsdm64 } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";

function account(srvId: string, port: number): object {
	return { ClientURI: `${DMACC}/${srvId}/`, MOData: { [srvId]: {
		SrvID: srvId, SrvURI: `https://127.0.0.1:${port}/dm`, Name: srvId, Perm: { "1": { MOID: DEVINFO } }, Ext: { PollInterval: 1 },
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
	it("polls a live server every second without any push while a dead one fails and waits out its own backoff", async () => {
		const server = new DmServer({ psk });
		const port = await server.listen();
		const dead = await deadPort();
		const dir = mkdtempSync(join(tmpdir(), "dm-schedule-"));
		const factory = JSON.stringify([
			{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:1", Man: "M", Mod: "D", DmV: "2.0", Lang: "en", DevType: "t", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
			account("dead", dead), account("dms1", port),
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
		} finally {
			child.kill("SIGKILL");
			await server.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
