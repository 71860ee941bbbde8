// npm start [-- --serve] [-- --record FILE]: the whole device, end to end, on this machine.
// npm start -- --fumo: a firmware update over DM instead (start/fumo.ts).
//   1. two development DM servers (HTTPS, TLS-PSK, each its own PSK) on loopback, with the scenario
//      of start/scenario.ts, and a data repository on a third origin (X.509, a test CA's
//      certificate for "localhost"; the device trusts the CA through --ca);
//   2. the simulated UICC on a pty, carrying the DM bootstrap (Appendix G) behind SCP03 (Appendix H):
//      an account for each server;
//   3. the client on the 32-bit XS sim host (hosts/sim/dm-device, flash in a file): it reads the
//      card, applies the bootstrap and opens a BootstrapComplete session with each server. In the
//      demo server's, the server reads DevInfo (GET, multipart), writes the sensor's Interval (HGET
//      from the repository on the other origin), executes Calibrate (202, reported later by
//      Generic Alert) and subscribes to the sensor (SUB); in the second server's, it reads the
//      firmware version and its own account on the rights its bootstrap gave it;
//   4. the calibration ends, the device writes its Offset, and the SUB report (HTTP PUT) reaches
//      the repository; then the server sends a signed Package#0 and, in the session it starts,
//      receives the EXEC report and reads back what changed.
// One line per step: "server |" what the demo server saw and did, "ops    |" the second server,
// "origin |" the repository on the other origin, "device |" what the device logged.
// The exit status says whether every step went as the spec says (start/checks.ts, judged from what
// the server recorded). --serve keeps everything running afterwards; --record FILE writes the
// server's record as JSON (the e2e test reads it).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { notify } from "../hosts/sim/peers/dm-server/notify.js";
import type { Command } from "../hosts/sim/peers/dm-server/packages.js";
import { DmServer } from "../hosts/sim/peers/dm-server/server.js";
import { Repository } from "../hosts/sim/peers/repository.js";
import { makeTestPki } from "../hosts/sim/peers/x509-pki.js";
import { startUicc } from "../tests/host/uicc-peer.js";
import { compiled, heapReport, runXsdm, xsdm32 } from "../tests/host/xsdm.js";
import { checkDemo } from "./start/checks.js";
import { narrate } from "./start/narrate.js";
import { startFumo } from "./start/fumo.js";
import { CHANGES_PATH, SRV2_ID, SRV_ID, bootstrap, notiData, notiSecret, originFiles, psk, psk2, repository, scp03Keys, sessions, sessions2 } from "./start/scenario.js";

const DEVICE = compiled("hosts/sim/dm-device/main.ts");
/** one line per step: long GET data is cut, the record (--record) has all of it */
const say = (prefix: string, line: string): void => console.log(`${prefix} | ${line.length > 180 ? `${line.slice(0, 177)}...` : line}`);
const fmt = (n: number): string => n.toLocaleString("en-US");

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { serve: { type: "boolean" }, record: { type: "string" }, fumo: { type: "boolean" } } });
	if (values.fumo) { process.exitCode = await startFumo(); return; }
	const serve = values.serve ?? false;
	const started = Date.now();
	const dir = mkdtempSync(join(tmpdir(), "dm-start-"));
	// the heap of the device's modules alone, to tell the demo's own heap from the code's
	const baseline = runXsdm(DEVICE, ["--modules-only"], { width: 32, options: ["--heap-report"], timeoutMs: 60000 });
	let notifyPort: number | undefined, reported = false, notificationId = 0;
	const sendPackage0 = (): void => {
		const id = ++notificationId;
		notify({ serverId: SRV_ID, notificationId: id, secret: notiSecret, authData: notiData, requestMos: true, port: notifyPort! })
			.then(() => say("server", `Package#0 sent by WAP push to UDP ${notifyPort} (signed, NOTIFICATION-ID ${id}, REQ-MOS)`), (e: unknown) => say("server", `Package#0 not sent: ${String(e)}`));
	};
	// the second session follows the SUB report, once the device listens for Package#0
	const maybeNotify = (): void => { if (notifyPort !== undefined && reported && notificationId === 0) sendPackage0(); };
	let demoDone: () => void = () => undefined;
	const demoOver = new Promise<void>((resolve) => { demoDone = resolve; });
	const script: Command[][][] = [];	// filled once the port the URLs name is known
	const server: DmServer = new DmServer({
		psk, repository: repository(), sessions: script,
		observe(e) {
			for (const line of narrate(e, server.sessions)) say("server", line);
			if (e.kind === "repository" && e.request.method === "PUT" && e.request.path === CHANGES_PATH) { reported = true; maybeNotify(); }
			if (e.kind === "sent" && e.session.over && server.sessions.indexOf(e.session) === 1) demoDone();
		},
	});
	const port = await server.listen();
	const pki = makeTestPki(mkdtempSync(join(dir, "pki-")));
	const origin = new Repository({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: originFiles() });
	const originUrl = `https://localhost:${await origin.listen()}`;
	script.push(...sessions(port, serve, originUrl));
	say("server", `development DM server on https://127.0.0.1:${port}/dm (TLS-PSK, identity ${psk.identity})`);
	const second: DmServer = new DmServer({ psk: psk2, sessions: sessions2(), observe(e) { for (const line of narrate(e, second.sessions)) say(SRV2_ID.padEnd(6), line); } });
	const port2 = await second.listen();
	say(SRV2_ID.padEnd(6), `a second DM server on https://127.0.0.1:${port2}/dm (TLS-PSK, identity ${psk2.identity})`);
	say("origin", `a data repository on ${originUrl} (X.509 from a test CA the device trusts through --ca)`);
	const card = join(dir, "bootstrap.json");
	writeFileSync(card, bootstrap(port, port2));
	const uicc = await startUicc(["--bootstrap", card, "--scp03", scp03Keys]);
	say("card  ", `UICC simulator on ${uicc.slave} (3G profile, DM bootstrap behind SCP03)`);
	let ok = false;
	let device: ReturnType<typeof spawn> | undefined;
	const cleanup = async (): Promise<void> => {
		device?.kill();
		await uicc.stop();
		await server.close();
		await second.close();
		await origin.close();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		device = spawn(xsdm32, [
			"--heap-report", "--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096",
			DEVICE, "--card", `${uicc.slave}:${uicc.fifo}:3g`, "--card-keys", scp03Keys, "--notify-port", "0", "--log", "text", ...(serve ? [] : ["--once"]),
			"--ca", Buffer.from(pki.ca.cert).toString("base64"),
		], { stdio: ["ignore", "pipe", "pipe"] });
		say("device", `dm-device on xsdm32 (32-bit XS), flash in ${join(dir, "flash.bin")}`);
		const exited = new Promise<number | null>((resolve) => device!.on("exit", resolve));
		let stderr = "";
		createInterface({ input: device.stderr! }).on("line", (line) => {
			stderr += `${line}\n`;
			if (!line.startsWith("{\"heapReport\"")) say("device", line);
		});
		createInterface({ input: device.stdout! }).on("line", (line) => {
			if (line === "received Package#2: HTTP 200") return;	// the server's line says what it sent
			const n = /^\{"event":"notification","accepted":(true|false)/.test(line) ? JSON.parse(line) as { accepted: boolean; serverId?: string; reason?: string } : undefined;
			say("device", n ? (n.accepted ? `Package#0 accepted: a session with ${n.serverId}` : `Package#0 dropped: ${n.reason}`) : line);
			const m = /^listening for Package#0 on UDP (\d+)/.exec(line);
			if (m) {
				notifyPort = Number(m[1]);
				maybeNotify();
				// a SUB report that never comes must not stall the demonstration: the checks will say it is missing
				setTimeout(() => { if (notificationId === 0) { say("server", "no SUB report within 5 s: sending the Package#0 anyway"); sendPackage0(); } }, 5000).unref();
			}
		});
		const timer = setTimeout(() => { say("device", "did not finish within 60 s: stopped"); device!.kill(); }, 60000);
		// with --once the device exits after the second session; serving, it stays
		const deviceExit: number | null | undefined = serve ? await Promise.race([exited, demoOver.then(() => undefined)]) : await exited;
		clearTimeout(timer);
		const wallMs = Date.now() - started;
		const originRequests = origin.requests.map((q) => ({ method: q.method, path: q.path }));
		const checks = checkDemo({ sessions: server.sessions, repositoryRequests: server.repositoryRequests, second: second.sessions, origin: originRequests });
		console.log("");
		for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.step}: ${c.detail}`);
		let heap: { peak: number; modules: number } | undefined;
		if (deviceExit !== undefined) {
			try {
				heap = { peak: heapReport(stderr).peakTotalBytes, modules: heapReport((await baseline).stderr).peakTotalBytes };
			} catch { /* the device died before reporting: said below */ }
		}
		ok = (serve || deviceExit === 0) && checks.every((c) => c.ok);
		console.log(`\ndemo took ${(wallMs / 1000).toFixed(1)} s${heap ? `; device peak heap ${fmt(heap.peak)} B on xsdm32 (+${fmt(heap.peak - heap.modules)} over its modules alone)` : ""}`);
		if (values.record) {
			writeFileSync(values.record, JSON.stringify({
				deviceExit, wallMs, heap, checks, sessions: server.sessions, second: second.sessions, origin: originRequests,
				repositoryRequests: server.repositoryRequests.map((r) => ({ ...r, body: r.body.toString("utf8") })),
			}, null, 1));
		}
		console.log(ok ? "npm start: the device bootstrapped from its card and was managed by two servers as the spec says."
			: `npm start: ${checks.filter((c) => !c.ok).length} step(s) deviated${deviceExit !== 0 && !serve ? `, and the device exited with ${deviceExit}` : ""}: see FAIL above.`);
		if (serve) {
			console.log(`\nStill serving: the DM server on https://127.0.0.1:${port}/dm, the card on ${uicc.slave}, the device listening on UDP ${notifyPort}.`);
			console.log("Press Enter to send another Package#0 (each session it starts reads the sensor back), or from another terminal:");
			console.log(`  npm run dm-server -- --notify 127.0.0.1:${notifyPort} --server-id ${SRV_ID} --notification-id <N> --req-mos --noti-data-hex ${notiData.toString("hex")} --noti-secret-hex <the account's Auth/Noti/Secret, see tools/start/scenario.ts>`);
			console.log("Ctrl-C stops the device, the card and the server, and removes the temporary files.");
			createInterface({ input: process.stdin }).on("line", () => sendPackage0());
			await new Promise<void>((resolve) => {
				process.once("SIGINT", resolve);
				process.once("SIGTERM", resolve);
				void exited.then((c) => { say("device", `exited (${c})`); resolve(); });
			});
			process.stdin.destroy();
		}
	} finally {
		await cleanup();
	}
	process.exitCode = ok ? 0 : 1;
}

main().catch((e: unknown) => {
	console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 1;
});
