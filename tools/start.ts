// npm start: the whole device, end to end, on this machine.
//   1. the development DM server (HTTPS, TLS-PSK) on loopback, with a scenario for two sessions;
//   2. the simulated UICC on a pty, carrying the DM bootstrap (Appendix G) behind SCP03 (Appendix H);
//   3. the client on the XS sim host (hosts/sim/dm-device): it reads the card, applies the bootstrap,
//      opens the BootstrapComplete session, then listens for Package#0;
//   4. the server sends a signed Package#0 by WAP push; the device screens it and opens a
//      server-initiated session.
// Every line the device logs is shown; the end is a summary of what the server recorded, and the
// exit status says whether everything went as the spec says.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { notify } from "../hosts/sim/peers/dm-server/notify.js";
import { DmServer } from "../hosts/sim/peers/dm-server/server.js";
import { startUicc } from "../tests/host/uicc-peer.js";
import { compiled, xsdm64 } from "../tests/host/xsdm.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
const psk = { identity: "demo-device", key: Buffer.from("a1b2c3d4e5f60718293a4b5c6d7e8f90", "hex") };
const notiSecret = Buffer.from("demo notification secret");
const scp03Keys = "404142434445464748494a4b4c4d4e4f:505152535455565758595a5b5c5d5e5f:606162636465666768696a6b6c6d6e6f";

function bootstrap(port: number): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:356938035643809", Man: "Acme", Mod: "Sensor-1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "Acme", FwV: "1.4.2", SwV: "2.0.0", HwV: "rev B" } } },
		{ ClientURI: `${DMACC}/demo/`, MOData: { demo: {
			SrvID: "demo", SrvURI: `https://127.0.0.1:${port}/dm`, Name: "development DM server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC } },
			Auth: {
				Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") },
				Noti: { Type: 0, Data: Buffer.from("demo").toString("base64"), Secret: notiSecret.toString("base64") },
			},
		} } },
		{ ClientURI: `${DACMO}/${encodeURIComponent(DEVINFO)}/`, MOData: { [DEVINFO]: { devinfo: { all: { Permissions: { "1": { MAID: "serverid:demo", AR: 1 } } } } } } },
	]);
}

async function main(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "dm-start-"));
	const server = new DmServer({
		psk,
		sessions: [
			[[["GET", `${DEVINFO}//DevID`], ["GET", `${DEVINFO}//FwV`]]],   // after BootstrapComplete
			[[["GET", `${DEVINFO}//`]]],                                        // after the Package#0
		],
	});
	const port = await server.listen();
	console.log(`dm-server: https://127.0.0.1:${port}/dm (TLS-PSK, identity ${psk.identity})`);
	const card = join(dir, "bootstrap.json");
	writeFileSync(card, bootstrap(port));
	const uicc = await startUicc(["--bootstrap", card, "--scp03", scp03Keys]);
	console.log(`UICC simulator on ${uicc.slave} (3G profile, SCP03)`);
	let ok = false;
	try {
		const device = spawn(xsdm64, [
			"--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096",
			compiled("hosts/sim/dm-device/main.ts"),
			"--card", `${uicc.slave}:${uicc.fifo}:3g`, "--card-keys", scp03Keys, "--notify-port", "0", "--once", "--log", "text",
		], { stdio: ["ignore", "pipe", "inherit"] });
		const exited = new Promise<number | null>((resolve) => device.on("exit", resolve));
		createInterface({ input: device.stdout! }).on("line", (line) => {
			console.log(`device | ${line}`);
			const m = /^listening for Package#0 on UDP (\d+)/.exec(line);
			if (m) {
				notify({ serverId: "demo", notificationId: 1, secret: notiSecret, authData: Buffer.from("demo"), requestMos: true, port: Number(m[1]) })
					.then(() => console.log(`dm-server: Package#0 sent to UDP ${m[1]} (signed, NOTIFICATION-ID 1, REQ-MOS)`), (e: unknown) => console.error(e));
			}
		});
		const timer = setTimeout(() => device.kill(), 60000);
		const code = await exited;
		clearTimeout(timer);
		console.log("\nWhat the server recorded:");
		for (const [i, s] of server.sessions.entries()) {
			console.log(`  session ${i + 1}: ${s.trigger.replace("urn:oma:at:dm:2.0:", "")} from ${s.devId}, ${s.received.length} packages, statuses ${JSON.stringify(s.received.flatMap((r) => (r.kind === "package3" ? r.body.Status.map((x) => x.sc) : [])))}, violations ${s.violations.length}`);
		}
		const triggers = server.sessions.map((s) => s.trigger);
		ok = code === 0 && triggers.join() === "urn:oma:at:dm:2.0:BootstrapComplete,urn:oma:at:dm:2.0:ServerInitiatedMgmt" && server.sessions.every((s) => s.violations.length === 0);
		console.log(ok ? "\nnpm start: the device bootstrapped from its card and was managed twice, as the spec says." : `\nnpm start: something went wrong (device exit ${code}); see above.`);
	} finally {
		await uicc.stop();
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
	process.exitCode = ok ? 0 : 1;
}

main().catch((e: unknown) => {
	console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 1;
});
