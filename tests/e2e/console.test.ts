// dm-server's web console in a real browser (Debian's chromium through puppeteer-core) with the
// DM client on xsdm: a device appears once it connects; a GET queued on the page reaches the
// device in the session a "notify now" Package#0 starts, and its result shows in the tree and the
// timeline; a hostile node value shows as text; a ClientURI the device would refuse is refused on
// the page with the reason; a device cut mid-session shows as failed. Screenshot: build/console.png.
import { mkdtempSync, rmSync } from "node:fs";
import { request, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { Console } from "../../hosts/sim/peers/dm-server/console/web.js";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { DEVINFO, NOTI_DATA, SRV_ID, factory, simDevice } from "../../tools/fleet/device.js";
import { compiled, root, runXsdm, type Run } from "../host/xsdm.js";
import { CHROMIUM, launchBrowser } from "./browser.js";
import { CuttingProxy } from "./cutting-proxy.js";
import { listeningDevice } from "./listening-device.js";
import { after, assert, before, describe, it } from "../harness/index.js";

// the page's globals as the functions handed to page.evaluate see them (this file is compiled without the DOM lib)
declare const document: { getElementById(id: string): { textContent: string | null } | null; querySelector(selector: string): unknown; body: unknown };
declare const window: { shownAt?: number; pwned?: number };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
type Input = { value: string };

const HOSTILE = "<img src=x onerror=\"window.pwned=1\">";
const device = simDevice(1, { Mod: HOSTILE, FwV: "fw-<b>2.1</b>" });
const device2 = simDevice(2);
const DEVICE_MAIN = compiled("hosts/sim/dm-device/main.ts");

const g = globalThis as unknown as { describe: { skip(name: string, body: () => void): void } };
const suite = CHROMIUM ? describe : (name: string, body: () => void) => g.describe.skip(`${name}: skipped, chromium is not installed (apt-get install chromium)`, body);

/** One request to the DM server's repository as a device would send it (TLS-PSK); its HTTP status. */
function fetchTls(method: string, path: string, type: string, body: string, port = (): number => dmPortOf()): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request({
			host: "127.0.0.1", port: port(), path, method, agent: false, headers: { "Content-Type": type },
			ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2",
			pskCallback: () => ({ identity: device.psk.identity, psk: device.psk.key }), checkServerIdentity: () => undefined,
		} as RequestOptions, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode ?? 0)); });
		req.on("error", reject);
		req.end(body);
	});
}
let dmPortOf = (): number => 0;

suite("dm-server console in a browser (chromium, puppeteer-core)", () => {
	let server: DmServer, web: Console, browser: Browser, page: Page, dmPort = 0, webPort = 0, dir = "";
	const flash = (): string => join(dir, "flash.bin");
	const row = `#devices tr[data-dev-id="${device.devId}"]`;

	before(async () => {
		dir = mkdtempSync(join(tmpdir(), "dm-console-"));
		server = new DmServer({ psk: [device.psk, device2.psk] });
		dmPort = await server.listen();
		dmPortOf = () => dmPort;
		web = new Console({ dm: server, dmOrigin: () => `https://127.0.0.1:${dmPort}`, notify: { serverId: SRV_ID, secret: device.notiSecret, authData: NOTI_DATA } });
		webPort = await web.listen();
		browser = await launchBrowser();
		page = await browser.newPage();
		await page.setViewport({ width: 1400, height: 1000 });
		await page.goto(`http://127.0.0.1:${webPort}/`);
		await page.waitForSelector("#live[data-state=live]", { timeout: 20000 });
	});
	after(async () => {
		await browser?.close();
		await web?.close();
		await server?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it("shows a device once dm-device has connected, with its account and last session", async () => {
		assert.equal(await page.$(row), null, "no device before one connects");
		const r = await runXsdm(DEVICE_MAIN, ["--factory-json", factory(device, dmPort), "--session", SRV_ID],
			{ options: ["--flash", flash(), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
		assert.equal(r.code, 0, r.stdout + r.stderr);
		await page.waitForSelector(`${row} [data-outcome=ended]`, { timeout: 10000 });
		const text = await page.$eval(row, (e) => e.textContent ?? "");
		assert.match(text, /BootstrapComplete: ended \(END\)/, "a factory account's first session (8)");
		assert.ok(text.includes(`https://127.0.0.1:${dmPort}/dm`), text);
	});

	it("refuses on the page a ClientURI the device would refuse, with the reason, and queues nothing", async () => {
		await page.click(row);
		await page.waitForSelector("#device-pane:not([hidden])");
		await page.type("#action-uri", `${DEVINFO}//bad name`);
		await page.click("#action-queue");
		await page.waitForFunction(() => document.getElementById("action-error")!.textContent !== "", { timeout: 5000 });
		const error = await page.$eval("#action-error", (e) => e.textContent ?? "");
		assert.match(error, /^Refused: the device would refuse it \(400\): ClientURI .*"bad name" is not a node name/);
		assert.equal(web.model.devices.get(device.devId)!.queue.length, 0);
		await page.$eval("#action-uri", (e) => { (e as unknown as Input).value = ""; });
		await page.select("#action-kind", "EXEC");
		await page.type("#action-uri", `${DEVINFO}//FwV`);
		await page.type("#action-server-uri", "https://192.0.2.1/report");
		await page.click("#action-queue");
		await page.waitForFunction(() => /loopback/.test(document.getElementById("action-error")!.textContent ?? ""), { timeout: 5000 });
		assert.equal(web.model.devices.get(device.devId)!.queue.length, 0, "a report URL off this machine is refused");
		await page.$eval("#action-server-uri", (e) => { (e as unknown as Input).value = ""; });
		await page.$eval("#action-uri", (e) => { (e as unknown as Input).value = ""; });
		await page.select("#action-kind", "GET");
	});

	it("queues a GET, notifies the device, and shows the result in the tree and the timeline; a hostile value stays text", async () => {
		await page.type("#action-uri", `${DEVINFO}//`);
		await page.click("#action-queue");
		await page.waitForSelector("#actions tr[data-state=queued]", { timeout: 5000 });
		// the moment the page shows the session ended, taken in the page itself
		await page.evaluate(() => {
			new MutationObserver(() => { if (window.shownAt === undefined && document.querySelector("#timeline li[data-session='1'][data-outcome=ended]")) window.shownAt = Date.now(); })
				.observe(document.body, { subtree: true, childList: true, attributes: true });
		});
		const run = await listeningDevice(flash(), [], async (udpPort) => {
			await page.type("#notify-port", String(udpPort));
			await page.click("#notify-now");
			await page.waitForFunction(() => /Package#0 sent/.test(document.getElementById("notify-result")!.textContent ?? ""), { timeout: 5000 });
		});
		assert.equal(run.code, 0, run.out);
		await page.waitForSelector("#timeline li[data-session='1'][data-outcome=ended]", { timeout: 10000 });
		const s = server.sessions[1]!;
		assert.equal(s.trigger, "urn:oma:at:dm:2.0:ServerInitiatedMgmt");
		assert.deepEqual(s.sent[0], [["GET", `${DEVINFO}//`]], "the queued GET went in the Package#2 of the notified session");
		const shownAt = await page.evaluate(() => window.shownAt);
		assert.ok(shownAt !== undefined && s.endedAt !== undefined);
		console.log(`      console_update_ms ${shownAt - s.endedAt}`);
		await page.waitForSelector("#actions tr[data-state=answered]", { timeout: 5000 });
		assert.match(await page.$eval("#actions tr[data-state=answered]", (e) => e.textContent ?? ""), /status 200 \(session #2\)/);
		// the tree as read: the hostile Mod is text in its cell, nothing of it became markup or ran
		const mod = `#tree tr[data-uri="${DEVINFO}/devinfo/Mod"] td.value`;
		await page.waitForSelector(mod, { timeout: 5000 });
		assert.equal(await page.$eval(mod, (e) => e.textContent), HOSTILE);
		assert.equal(await page.$$eval("#tree img, #timeline img, #devices img, b", (l) => l.length), 0);
		assert.equal(await page.evaluate(() => window.pwned), undefined);
		assert.equal(await page.$eval(`#tree tr[data-uri="${DEVINFO}/devinfo/DevID"] td.value`, (e) => e.textContent), device.devId);
		assert.match(await page.$eval(row, (e) => e.textContent ?? ""), /fw-<b>2\.1<\/b>/, "the firmware version, as text");
		// the timeline's raw JSON is the server's record of that session
		const raw = await page.$eval("#timeline li[data-session='1'] pre", (e) => e.textContent ?? "");
		assert.deepEqual(JSON.parse(raw), JSON.parse(JSON.stringify(s)));
	});

	it("shows a device that went away mid-session as failed, never as a success", async () => {
		await page.type("#action-uri", `${DEVINFO}//DevID`);
		await page.click("#action-queue");
		await page.waitForSelector("#actions tr[data-state=queued]", { timeout: 5000 });
		// the device's Package#1, its Package#2 read, then the connection dropped before a Package#3
		await new Promise<void>((resolve, reject) => {
			const req = request({
				host: "127.0.0.1", port: dmPort, path: "/dm", method: "POST", agent: false,
				headers: { "Content-Type": "application/vnd.oma.dm.initiation+json", "OMADM-DevID": device.devId },
				ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2",
				pskCallback: () => ({ identity: device.psk.identity, psk: device.psk.key }), checkServerIdentity: () => undefined,
			} as RequestOptions, (res) => {
				res.resume();
				res.on("end", () => { res.socket.destroy(); resolve(); });
			});
			req.on("error", reject);
			req.end(JSON.stringify({ Alert: [{ AlertType: "urn:oma:at:dm:2.0:ClientInitiatedMgmt" }, { AlertType: "urn:oma:at:test:1.0:Fault", Mark: "warning", Data: { note: HOSTILE } }] }));
		});
		// a SUB report arrives at the device's report URL (PUT, dmmo+json), hostile too
		const report = await fetchTls("PUT", `/console/reports/${encodeURIComponent(device.devId)}`, "application/dmmo+json", JSON.stringify([{ ClientURI: `${DEVINFO}/devinfo/Mod`, MOData: { Mod: HOSTILE } }]));
		assert.equal(report, 200);
		await page.waitForSelector("#timeline li[data-session='2'][data-outcome=cut]", { timeout: 10000 });
		assert.match(await page.$eval("#timeline li[data-session='2'] summary", (e) => e.textContent ?? ""), /failed: the device went away before END/);
		assert.match(await page.$eval(`${row} [data-outcome]`, (e) => e.textContent ?? ""), /#3 ClientInitiatedMgmt: failed/);
		await page.waitForSelector("#actions tr[data-state=cut]", { timeout: 5000 });
		await page.waitForSelector("#feed li[data-kind=report]", { timeout: 5000 });
		const feed = await page.$$eval("#feed li", (l) => l.map((e) => `${(e as unknown as { dataset: { kind: string } }).dataset.kind} ${e.textContent}`));
		assert.equal(feed.length, 2, feed.join("\n"));
		assert.match(feed[0]!, /^report .*SUB report \(PUT, application\/dmmo\+json\): .*<img src=x onerror=/);
		assert.match(feed[1]!, /^alert .*Generic Alert in session #3: .*urn:oma:at:test:1\.0:Fault.*<img src=x onerror=/);
		assert.equal(await page.$$eval("#feed img", (l) => l.length), 0);
		const s = server.sessions[2]!;
		assert.ok(s.cut && s.over && s.violations.length === 0);
	});

	it("shows dm-device's session as failed when the network drops it after the Package#2", async () => {
		// a second device reaches the server through a proxy that the test cuts
		const proxy = new CuttingProxy(dmPort, () => undefined);
		const proxyPort = await proxy.listen();
		const flash2 = join(dir, "flash2.bin");
		const run = (): Promise<Run> => runXsdm(DEVICE_MAIN, ["--factory-json", factory(device2, proxyPort), "--session", SRV_ID],
			{ options: ["--flash", flash2, "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
		const row2 = `#devices tr[data-dev-id="${device2.devId}"]`;
		try {
			const first = await run();
			assert.equal(first.code, 0, first.stdout + first.stderr);
			await page.waitForSelector(`${row2} [data-outcome=ended]`, { timeout: 10000 });
			await page.click(row2);
			await page.waitForFunction((id: string) => document.getElementById("device-id")!.textContent === id, { timeout: 5000 }, device2.devId);
			await page.type("#action-uri", `${DEVINFO}//DevID`);
			await page.click("#action-queue");
			await page.waitForSelector("#actions tr[data-state=queued]", { timeout: 5000 });
			const stop = server.observe((e) => { if (e.kind === "sent" && e.session.devId === device2.devId && e.commands[0]![0] === "GET") void proxy.close(); });
			const second = await run();
			stop();
			assert.equal(second.code, 1, `the device saw its session fail: ${second.stdout}`);
			await page.waitForSelector(`${row2} [data-outcome=cut]`, { timeout: 10000 });
			const s = server.sessions.filter((x) => x.devId === device2.devId)[1]!;
			assert.ok(s.cut && s.over && s.received.length === 1 && s.sent.length === 1, "Package#1 received, Package#2 sent, no Package#3");
			assert.match(await page.$eval(`#timeline li[data-session='${s.index}'] summary`, (e) => e.textContent ?? ""), /failed: the device went away before END/);
			assert.match(await page.$eval("#actions tr[data-state=cut]", (e) => e.textContent ?? ""), /cut: no status/);
		} finally {
			await proxy.close().catch(() => undefined);
		}
		// the screenshot (README): the first device, the second one's failed session in the list
		await page.click(row);
		await page.waitForFunction((id: string) => document.getElementById("device-id")!.textContent === id, { timeout: 5000 }, device.devId);
		await page.screenshot({ path: join(root, "build/console.png") });
	});

	it("refuses actions from another origin, and bodies that are not JSON", async () => {
		const post = (headers: Record<string, string>, body: string): Promise<number> => fetch(`http://127.0.0.1:${webPort}/api/devices/${encodeURIComponent(device.devId)}/actions`, { method: "POST", headers, body }).then((r) => r.status);
		const action = JSON.stringify({ kind: "GET", clientUri: `${DEVINFO}//` });
		assert.equal(await post({ "Content-Type": "application/json", Origin: "http://evil.example" }, action), 403);
		assert.equal(await post({ "Content-Type": "text/plain" }, action), 415);
		assert.equal(await post({ "Content-Type": "application/json" }, "{"), 400);
		assert.equal(web.model.devices.get(device.devId)!.queue.length, 0);
	});
});
