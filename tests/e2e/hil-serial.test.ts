// The HIL runner's serial target over a real pty pair (tests/hil/null-modem.py), with a board that
// is xsdm speaking the console protocol (hosts/sim/dm-device/hil-board.ts, the protocol the ESP32
// entry prints: hosts/common/hil-console.ts). The runner's side sees only a tty, as with a board on
// USB; the console starts with an ESP32 boot ROM banner and ESP-IDF log lines, which it must
// step over. Every scenario is judged from dm-server's record, as on the other targets.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled, root, xsdm64 } from "../host/xsdm.js";
import { runScenarios } from "../hil/run.js";
import { DEVID, SCENARIOS, factory } from "../hil/scenarios.js";
import { serialSession } from "../hil/serial.js";
import { assert, describe, it } from "../harness/index.js";

// what an ESP32 prints before the firmware runs, as recorded from a board's console (boot ROM,
// second-stage boot loader, ESP-IDF), and one line torn by a reset
const BANNER = [
	"ets Jul 29 2019 12:21:46",
	"",
	"rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)",
	"configsip: 0, SPIWP:0xee",
	"clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00",
	"mode:DIO, clock div:2",
	"load:0x3fff0030,len:7104",
	"entry 0x400805f0",
	"\x1b[0;32mI (31) boot: ESP-IDF v6.0 2nd stage bootloader\x1b[0m",
	"\x1b[0;32mI (412) cpu_start: Pro cpu start user code\x1b[0m",
	"HIL1 rea\x00\xff",
	"",
].join("\r\n");

interface Rig { runnerPath: string; port: number; stop(): Promise<void> }

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
	});
}

function firstLine(child: ChildProcess): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = "";
		child.stdout!.setEncoding("utf8").on("data", (d: string) => { text += d; const at = text.indexOf("\n"); if (at >= 0) resolve(text.slice(0, at)); });
		child.once("exit", (code) => reject(new Error(`null-modem.py exited ${code} before its paths`)));
	});
}

const stopped = (child: ChildProcess): Promise<void> => new Promise((resolve) => {
	if (child.exitCode !== null || child.signalCode !== null) return resolve();
	child.once("exit", () => resolve());
	child.kill("SIGTERM");
});

/** The cable, and (unless `board` is false) xsdm on its far end provisioned for a server on `port`. */
async function rig(board = true): Promise<Rig> {
	const dir = mkdtempSync(join(tmpdir(), "hil-serial-"));
	writeFileSync(join(dir, "banner"), BANNER, "latin1");
	const cable = spawn("python3", [join(root, "tests/hil/null-modem.py"), "--banner", join(dir, "banner")], { stdio: ["pipe", "pipe", "inherit"] });
	const paths = JSON.parse(await firstLine(cable)) as { board: string; runner: string };
	const port = await freePort();
	let device: ChildProcess | undefined;
	let deviceOut = "";
	if (board) {
		device = spawn(xsdm64, ["--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096",
			compiled("hosts/sim/dm-device/hil-board.ts"), "--console", paths.board, "--devid", DEVID, "--factory-json", factory(port), "--log", "text"],
		{ cwd: root, stdio: ["ignore", "pipe", "pipe"] });
		device.stdout!.on("data", (d) => { deviceOut += d; });
		device.stderr!.on("data", (d) => { deviceOut += d; });
	}
	return {
		runnerPath: paths.runner,
		port,
		async stop() {
			if (device) await stopped(device);
			cable.stdin!.end();
			await stopped(cable);
			rmSync(dir, { recursive: true, force: true });
			if (device && device.exitCode !== null && device.exitCode !== 0) throw new Error(`the board exited ${device.exitCode}:\n${deviceOut}`);
		},
	};
}

describe("tests/hil runner, target serial (a pty pair, xsdm as the board)", () => {
	it("runs every scenario through the console protocol and passes them, past the boot banner", async () => {
		const r = await rig();
		try {
			const outcomes = await runScenarios(`serial:${r.runnerPath}`, "", { server: `127.0.0.1:${r.port}`, serial: { readyMs: 30000, sessionMs: 60000 } });
			assert.ok(typeof outcomes !== "string", String(outcomes));
			assert.equal(outcomes.length, SCENARIOS.length);
			for (const o of outcomes) {
				// the ESP32 entry does not open its card line yet: its card scenarios are skipped, saying so
				if (SCENARIOS.find((s) => s.name === o.scenario)?.card) assert.match(o.skipped ?? "", /card line/, `${o.scenario}: ${o.detail}`);
				else assert.ok(o.ok, `${o.scenario}: ${o.detail}`);
			}
		} finally {
			await r.stop();
		}
	}, 300000);

	it("a session the board reports as failed is exit 1, with the board's reason and log lines", async () => {
		const r = await rig();
		try {
			// no account "nobody" on the board: the device refuses, the console says why
			const s = await serialSession(r.runnerPath, "nobody", { readyMs: 30000, sessionMs: 30000 });
			assert.equal(s.code, 1, s.output);
			assert.match(s.output, /^HIL1 end fail .+/m);
			assert.match(s.output, /^ets Jul 29 2019/m, "the banner is kept in the output");
			assert.ok(s.heap && typeof s.heap.peakTotalBytes === "number", "the heap line after the session was not read");
		} finally {
			await r.stop();
		}
	}, 120000);

	it("no board on the cable: no answer in time is exit null, saying what was awaited", async () => {
		const r = await rig(false);
		try {
			const s = await serialSession(r.runnerPath, "dms1", { readyMs: 3000 });
			assert.equal(s.code, null);
			assert.match(s.output, /runner: no "ready" from the board within 3000 ms/);
		} finally {
			await r.stop();
		}
	}, 60000);

	it("says why without --server", async () => {
		const why = await runScenarios("serial:/dev/null");
		assert.equal(typeof why, "string");
		assert.match(why as string, /--server HOST:PORT/);
	});
});
