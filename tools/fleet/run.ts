// A fleet of simulated devices against one development DM server, all on loopback: each device is
// an xsdm process with its own flash file, PSK identity and DevID, bootstrapped from its factory
// file. It runs M client-initiated sessions, then listens for a Package#0 and runs the session the
// server's notification starts. Devices start through a pool of a few workers (the machine has few
// cores); every process has a deadline, and the whole run has one, so it always stops by itself.
// Every session gets one GET of DevInfo (answered in multipart) and END. The figures come from the
// server's record (session times, failures) and the devices' heap reports.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Console } from "../../hosts/sim/peers/dm-server/console/web.js";
import { notify } from "../../hosts/sim/peers/dm-server/notify.js";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { compiled, heapReport, xsdm32, xsdm64 } from "../../tests/host/xsdm.js";
import { DEVINFO, NOTI_DATA, SRV_ID, factory, simDevice, type SimDevice } from "./device.js";

export interface FleetOptions {
	devices: number;
	/** client-initiated sessions per device (default 2); each device also runs one notified session */
	sessions?: number;
	/** devices running at once (default 4) */
	parallel?: number;
	/** 32: xsdm32 with --heap-report (the ESP32's slot size); 64: xsdm, no heap figure */
	width?: 32 | 64;
	/** the whole run's deadline (default 30 min); one device process gets 120 s */
	timeoutMs?: number;
	/** a console to watch the fleet on (its port; 0 picks one) */
	web?: number;
	log?: (line: string) => void;
}

export interface DeviceOutcome { devId: string; ok: boolean; reason?: string; peakHeap?: number }

export interface FleetResult {
	devices: number;
	sessionsPerDevice: number;
	width: 32 | 64;
	/** sessions the server saw end with END, per second of the run */
	sessionsPerS: number;
	sessionMsP50: number;
	sessionMsP95: number;
	/** sessions that ended otherwise (violation, cut, never ended), missing sessions, and devices that failed */
	failures: number;
	failureReasons: string[];
	sessionsEnded: number;
	wallMs: number;
	/** per-device peak XS heap (32-bit): min, median, max */
	peakHeap?: { min: number; median: number; max: number };
	/** the Node process that ran the server (and this driver): peak RSS and V8 heap in use */
	serverRssPeakBytes: number;
	serverHeapUsedPeakBytes: number;
	webPort?: number;
}

const DEVICE_MAIN = compiled("hosts/sim/dm-device/main.ts");
const DEVICE_TIMEOUT_MS = 120000;

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Proc { code: number | null; out: string; err: string; timedOut: boolean }

/** One xsdm run; `onLine` sees each stdout line as it comes. */
function xsdm(width: 32 | 64, flash: string, args: string[], onLine?: (line: string) => void): Promise<Proc> {
	return new Promise((resolve) => {
		const child = spawn(width === 32 ? xsdm32 : xsdm64, [...(width === 32 ? ["--heap-report"] : []),
			"--flash", flash, "--flash-size", String(256 * 1024), "--flash-block", "4096", DEVICE_MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
		let out = "", err = "", pending = "", timedOut = false;
		child.stdout.setEncoding("utf8").on("data", (d: string) => {
			out += d;
			pending += d;
			let nl: number;
			while ((nl = pending.indexOf("\n")) >= 0) { onLine?.(pending.slice(0, nl)); pending = pending.slice(nl + 1); }
		});
		child.stderr.setEncoding("utf8").on("data", (d: string) => { err += d; });
		const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, DEVICE_TIMEOUT_MS);
		child.on("close", (code) => { clearTimeout(timer); resolve({ code, out, err, timedOut }); });
	});
}

const tail = (p: Proc): string => (p.timedOut ? `no end within ${DEVICE_TIMEOUT_MS / 1000} s` : `exit ${p.code}: ${(p.out + p.err).trim().split("\n").slice(-2).join(" | ").slice(0, 200)}`);

async function runDevice(d: SimDevice, n: number, dir: string, port: number, o: Required<Pick<FleetOptions, "sessions" | "width">>, notificationId: number): Promise<DeviceOutcome> {
	const flash = join(dir, `device-${n}.bin`);
	const heaps: number[] = [];
	const heapOf = (p: Proc): void => { if (o.width === 32) { try { heaps.push(heapReport(p.err).peakTotalBytes); } catch { /* said by the exit status */ } } };
	const client = await xsdm(o.width, flash, ["--factory-json", factory(d, port), "--session", SRV_ID, "--sessions", String(o.sessions), "--log", "none"]);
	heapOf(client);
	if (client.code !== 0) return { devId: d.devId, ok: false, reason: `client-initiated sessions: ${tail(client)}` };
	let sent: Promise<unknown> = Promise.resolve();
	const notified = await xsdm(o.width, flash, ["--notify-port", "0", "--once", "--log", "none"], (line) => {
		const m = /^listening for Package#0 on UDP (\d+)/.exec(line);
		if (m) sent = notify({ serverId: SRV_ID, notificationId, secret: d.notiSecret, authData: NOTI_DATA, port: Number(m[1]), host: "127.0.0.1" });
	});
	await sent.catch(() => undefined);
	heapOf(notified);
	if (notified.code !== 0) return { devId: d.devId, ok: false, reason: `notified session: ${tail(notified)}` };
	return { devId: d.devId, ok: true, ...(heaps.length ? { peakHeap: Math.max(...heaps) } : {}) };
}

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
	const o = { sessions: 2, parallel: 4, width: 32 as 32 | 64, timeoutMs: 30 * 60000, ...options };
	const log = o.log ?? (() => undefined);
	const devices = Array.from({ length: o.devices }, (_, i) => simDevice(i + 1));
	const dir = mkdtempSync(join(tmpdir(), "dm-fleet-"));
	const server = new DmServer({
		psk: devices.map((d) => d.psk),
		// each session: one GET of DevInfo (multipart results), then END
		next: (s) => (s.sent.length === 0 ? [["GET", `${DEVINFO}//`]] : undefined),
	});
	let rssPeak = 0, heapPeak = 0;
	const sample = (): void => { const m = process.memoryUsage(); rssPeak = Math.max(rssPeak, m.rss); heapPeak = Math.max(heapPeak, m.heapUsed); };
	const sampler = setInterval(sample, 250);
	let web: Console | undefined;
	const outcomes: DeviceOutcome[] = [];
	let webPort: number | undefined;
	try {
		const port = await server.listen();
		if (o.web !== undefined) {
			web = new Console({ dm: server, dmOrigin: () => `https://127.0.0.1:${port}` });
			webPort = await web.listen(o.web);
			log(`console on http://127.0.0.1:${webPort}/`);
		}
		log(`dm-server on https://127.0.0.1:${port}/dm; ${o.devices} devices on xsdm${o.width === 32 ? "32" : ""}, ${o.parallel} at a time, ${o.sessions} client-initiated + 1 notified session each`);
		const started = Date.now();
		const deadline = started + o.timeoutMs;
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < devices.length && Date.now() < deadline) {
				const i = next++;
				const outcome = await runDevice(devices[i]!, i + 1, dir, port, o, (i % 0xffff) + 1);
				outcomes.push(outcome);
				if (!outcome.ok) log(`device ${devices[i]!.devId}: FAILED ${outcome.reason}`);
				if (outcomes.length % Math.max(1, Math.round(o.devices / 10)) === 0) log(`${outcomes.length}/${o.devices} devices done, ${server.sessions.length} sessions, ${((Date.now() - started) / 1000).toFixed(0)} s`);
			}
		};
		await Promise.all(Array.from({ length: Math.min(o.parallel, devices.length) }, worker));
		const wallMs = Date.now() - started;
		sample();
		const ended = server.sessions.filter((s) => s.over && !s.cut && s.violations.length === 0 && s.endedAt !== undefined);
		const times = ended.map((s) => s.endedAt! - s.startedAt).sort((a, b) => a - b);
		const reasons: string[] = [];
		for (const x of outcomes) if (!x.ok) reasons.push(`${x.devId}: ${x.reason}`);
		if (outcomes.length < devices.length) reasons.push(`${devices.length - outcomes.length} devices not run within the ${o.timeoutMs / 60000} min deadline`);
		for (const s of server.sessions) if (!ended.includes(s)) reasons.push(`${s.devId} session ${s.index + 1}: ${s.cut ? "cut" : s.violations[0] ?? "never ended"}`);
		const expected = devices.length * (o.sessions + 1);
		if (server.sessions.length < expected && outcomes.every((x) => x.ok) && outcomes.length === devices.length) reasons.push(`${expected - server.sessions.length} sessions missing`);
		const heaps = outcomes.flatMap((x) => (x.peakHeap !== undefined ? [x.peakHeap] : [])).sort((a, b) => a - b);
		return {
			devices: o.devices, sessionsPerDevice: o.sessions + 1, width: o.width,
			sessionsPerS: ended.length / (wallMs / 1000), sessionMsP50: percentile(times, 50), sessionMsP95: percentile(times, 95),
			failures: reasons.length, failureReasons: reasons, sessionsEnded: ended.length, wallMs,
			...(heaps.length ? { peakHeap: { min: heaps[0]!, median: percentile(heaps, 50), max: heaps[heaps.length - 1]! } } : {}),
			serverRssPeakBytes: rssPeak, serverHeapUsedPeakBytes: heapPeak,
			...(webPort !== undefined ? { webPort } : {}),
		};
	} finally {
		clearInterval(sampler);
		await web?.close();
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The figures of a run, named for bench/out/figures.json. */
export function fleetFigures(r: FleetResult): Record<string, number> {
	const k = `fleet_${r.devices}`;
	return {
		[`${k}_sessions_per_s`]: r.sessionsPerS,
		[`${k}_session_ms_p50`]: r.sessionMsP50,
		[`${k}_session_ms_p95`]: r.sessionMsP95,
		[`${k}_failures`]: r.failures,
		...(r.peakHeap ? {
			[`${k}_device_peak_heap_32bit_bytes_min`]: r.peakHeap.min,
			[`${k}_device_peak_heap_32bit_bytes_median`]: r.peakHeap.median,
			[`${k}_device_peak_heap_32bit_bytes_max`]: r.peakHeap.max,
		} : {}),
		[`${k}_server_rss_peak_bytes`]: r.serverRssPeakBytes,
		[`${k}_server_heap_used_peak_bytes`]: r.serverHeapUsedPeakBytes,
	};
}
