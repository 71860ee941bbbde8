// npm run bench -- fleet: 200 devices against one dm-server (tools/fleet), and the console's
// time from a session's end (the server's record) to the page showing it, in chromium.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Console } from "../hosts/sim/peers/dm-server/console/web.js";
import { DmServer } from "../hosts/sim/peers/dm-server/server.js";
import { SRV_ID, factory, simDevice } from "../tools/fleet/device.js";
import { fleetFigures, runFleet } from "../tools/fleet/run.js";
import { compiled, runXsdm } from "../tests/host/xsdm.js";
import { launchBrowser } from "../tests/e2e/browser.js";

// the page's globals inside page.evaluate (compiled without the DOM lib)
declare const document: { querySelector(selector: string): unknown; body: unknown };
declare const window: { shownAt: number | undefined };
declare const MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };

export async function fleetBenchFigures(devices = 200): Promise<Record<string, number>> {
	const r = await runFleet({ devices, sessions: 2, parallel: 4, width: 32, log: (line) => console.log(`fleet | ${line}`) });
	for (const reason of r.failureReasons.slice(0, 20)) console.log(`FAIL ${reason}`);
	return fleetFigures(r);
}

/** Median over 5 sessions of: the page showing a session ended, minus the server's endedAt for it. */
export async function consoleUpdateFigures(runs = 5): Promise<Record<string, number>> {
	const device = simDevice(1);
	const dir = mkdtempSync(join(tmpdir(), "dm-console-bench-"));
	const server = new DmServer({ psk: device.psk });
	const port = await server.listen();
	const web = new Console({ dm: server, dmOrigin: () => `https://127.0.0.1:${port}` });
	const webPort = await web.listen();
	const browser = await launchBrowser();
	const delays: number[] = [];
	try {
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${webPort}/?device=${encodeURIComponent(device.devId)}`);
		await page.waitForSelector("#live[data-state=live]", { timeout: 20000 });
		for (let k = 0; k < runs; k++) {
			await page.evaluate((selector: string) => {
				window.shownAt = undefined;
				new MutationObserver(() => { if (window.shownAt === undefined && document.querySelector(selector)) window.shownAt = Date.now(); })
					.observe(document.body, { subtree: true, childList: true, attributes: true });
			}, `#timeline li[data-session='${k}'][data-outcome=ended]`);
			const run = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(device, port), "--session", SRV_ID, "--log", "none"],
				{ options: ["--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
			if (run.code !== 0) throw new Error(`the console bench's device failed: ${run.stdout}${run.stderr}`);
			await page.waitForSelector(`#timeline li[data-session='${k}'][data-outcome=ended]`, { timeout: 10000 });
			const shownAt = await page.evaluate(() => window.shownAt);
			delays.push(shownAt! - server.sessions[k]!.endedAt!);
		}
	} finally {
		await browser.close();
		await web.close();
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
	delays.sort((a, b) => a - b);
	return { console_update_ms: delays[Math.floor(delays.length / 2)]! };
}
