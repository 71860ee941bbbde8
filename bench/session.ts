// The Appendix I.1 session on the 32-bit host (the ESP32's slot size), xsdm's DM client against
// dm-server over TLS-PSK on loopback: peak XS heap of the whole process, bytes the client sent,
// wall time per session (TLS handshake included), and a soak (heap in use after the first and after the last session).
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../hosts/sim/peers/dm-server/server.js";
import type { Command } from "../hosts/sim/peers/dm-server/packages.js";
import { spawnSync } from "node:child_process";
import { compiled, heapReport, root, runXsdm } from "../tests/host/xsdm.js";
import { format, summarize } from "./profile.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";

function factory(port: number): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:493005100592800", Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "" } } },
		{ ClientURI: `${DMACC}/dms1/`, MOData: { dms1: { SrvID: "dms1", SrvURI: `https://127.0.0.1:${port}/dm`, Name: "bench", Perm: { "1": { MOID: "*" } }, Auth: { Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") } } } } },
		{ ClientURI: `${DACMO}/${encodeURIComponent(DEVINFO)}/`, MOData: { [DEVINFO]: { devinfo: { all: { Permissions: { "1": { MAID: "serverid:dms1", AR: 1 } } } } } } },
	]);
}

function i1(port: number): Command[][] {
	return [
		[["GET", "urn:oma:mo:oma-dm-devinfo:1.0//"], ["GET", "urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/*/ID"]],
		[["HPOST", `https://127.0.0.1:${port}/camera_state?DevID=[DevID]`, `${DEVINFO}//FwV`], ["END"]],
	] as Command[][];
}

/** dm-device itself; its test driver (same flags, plus the traces) when a run asks for one */
const DEVICE = compiled("hosts/sim/dm-device/main.ts");
const DRIVER = compiled("hosts/sim/dm-device/test-driver.ts");

async function run(sessions: number, extra: string[], host: { binary?: string; options?: string[] } = {}): Promise<{ stdout: string; stderr: string; wire: number; ms: number }> {
	const scripts: Command[][][] = [];
	const server = new DmServer({ psk, sessions: scripts, omadmAccept: "text/plain, application/dmmo+json;q=0.5" });
	const port = await server.listen();
	for (let i = 0; i < sessions; i++) scripts.push(i1(port));
	const dir = mkdtempSync(join(tmpdir(), "dm-bench-session-"));
	try {
		const started = Date.now();
		const r = await runXsdm(extra.length ? DRIVER : DEVICE, ["--factory-json", factory(port), "--session", "dms1", "--sessions", String(sessions), "--log", "none", ...extra],
			{ width: 32, ...(host.binary ? { binary: host.binary } : {}), options: [...(host.options ?? []), "--heap-report", "--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 900000 });
		const ms = Date.now() - started;
		if (r.code !== 0) throw new Error(`dm-device failed:\n${r.stdout}\n${r.stderr}`);
		return { stdout: r.stdout, stderr: r.stderr, wire: server.wire.reduce((n, b) => n + b.length, 0), ms };
	} finally {
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The smallest XS heap (xsdm --heap-limit, chunks + slots taken from the system) under which
    dm-device with these arguments still exits with `want`, to 1 KiB. XS grows its heap in steps
    (16 KiB of slots at a time), so a peak of what was allocated can count a step the run did not
    need; the smallest cap it runs under is what a device must give it. */
async function smallestHeap(args: string[], want: number, script?: (port: number) => Command[][]): Promise<number> {
	const scripts: Command[][][] = [];
	const server = new DmServer({ psk, sessions: scripts, omadmAccept: "text/plain, application/dmmo+json;q=0.5" });
	const port = await server.listen();
	const dir = mkdtempSync(join(tmpdir(), "dm-bench-heap-"));
	try {
		const runs = async (limit: number): Promise<boolean> => {
			scripts.length = 0;
			if (script) scripts.push(script(port));
			rmSync(join(dir, "flash.bin"), { force: true });
			const filled = args.map((a) => (a === "FACTORY" ? factory(port) : a));
			const r = await runXsdm(DEVICE, filled,
				{ width: 32, options: ["--heap-limit", String(limit), "--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
			return r.code === want;
		};
		let lo = 16 * 1024, hi = 4 * 1024 * 1024;   // preloaded modules are outside the heap: a device run needs far less than the modules did
		if (!(await runs(hi))) throw new Error(`dm-device ${args[0]} does not run even with ${hi} bytes of heap`);
		while (hi - lo > 1024) { const mid = (lo + hi) >> 1; if (await runs(mid)) hi = mid; else lo = mid; }
		return hi;
	} finally {
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Issue 10's heap goal measured as the smallest heap cap: the modules alone, the factory
    bootstrap alone, and the factory bootstrap followed by the I.1 session. */
export async function sessionHeapLimitFigures(): Promise<Record<string, number>> {
	const modules = await smallestHeap(["--modules-only"], 0);
	const bootstrap = await smallestHeap(["--factory-json", "FACTORY", "--log", "none"], 2);   // exit 2: nothing to do after it
	const session = await smallestHeap(["--factory-json", "FACTORY", "--session", "dms1", "--log", "none"], 0, i1);
	return {
		session_i1_smallest_heap_32bit_bytes: session,
		session_i1_smallest_heap_over_modules_32bit_bytes: session - modules,
		factory_bootstrap_smallest_heap_over_modules_32bit_bytes: bootstrap - modules,
	};
}

const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s[s.length >> 1]!; };

/** One run of --sessions N with --cpu-trace: per session [cpu ms, handshake ms, records ms, handshakes, collections].
    Exported for bench/instructions.ts, which runs the same sessions under callgrind (host.binary). */
export async function cpuRows(sessions: number, host: { binary?: string; options?: string[] } = {}, extra: string[] = []): Promise<number[][]> {
	const r = await run(sessions, ["--cpu-trace", ...extra], host);
	const rows = r.stdout.split("\n").filter((l) => l.startsWith("cpu ")).map((l) => l.split(" ").slice(2).map(Number));
	if (rows.length !== sessions) throw new Error(`dm-device --cpu-trace printed ${rows.length} of ${sessions} sessions:\n${r.stdout}`);
	if (rows.some((x) => x[3] !== 1)) throw new Error("a session did not make exactly one handshake");
	return rows;
}

const logic = (x: readonly number[]): number => x[0]! - x[1]! - x[2]!;

/** Issue 10's measure: CPU time of the DM logic vs the TLS handshake, I.1 on xsdm32, one process.
    mbedTLS's calls are timed by the host (hosts/sim/src/mbedtls-cpu.c); the session's own total
    by dm-device's test driver --cpu-trace. The first session does a full handshake, the others resume it. "DM
    logic" is the rest of the session's CPU: codecs, commands, tree, store, and the HTTP and socket
    glue in JavaScript (the host's system calls included), and XS's garbage collections (counted).
    xsdm preloads the modules into a shared read-only heap, as the device keeps them in flash; the
    "_no_preload" figures compile them into the program's heap, where every collection marks them.
    Then a profile of the same sessions by XS's sampling profiler (build/sim/xsdm-prof), printed. */
export async function sessionCpuFigures(sessions = 41): Promise<Record<string, number>> {
	const [first, ...rest] = await cpuRows(sessions);
	const full = first![1]!, resumed = median(rest.map((x) => x[1]!));
	const dm = median(rest.map(logic));
	const [, ...restNoPreload] = await cpuRows(sessions, { options: ["--no-preload"] });
	const figures = {
		session_cpu_total_first_ms: first![0]!,
		session_cpu_total_resumed_ms: median(rest.map((x) => x[0]!)),
		session_cpu_tls_handshake_ms: full,
		session_cpu_tls_handshake_resumed_ms: resumed,
		session_cpu_tls_records_ms: median(rest.map((x) => x[2]!)),
		session_cpu_dm_logic_first_ms: logic(first!),
		session_cpu_dm_logic_ms: dm,
		session_cpu_ratio_dm_to_handshake: dm / full,
		session_cpu_ratio_dm_to_resumed_handshake: dm / resumed,
		session_cpu_collections_first: first![4]!,
		session_cpu_collections_per_session: median(rest.map((x) => x[4]!)),
		session_cpu_dm_logic_no_preload_ms: median(restNoPreload.map(logic)),
		session_cpu_collections_no_preload_per_session: median(restNoPreload.map((x) => x[4]!)),
	};
	console.log(`session-cpu: DM logic ${dm.toFixed(2)} ms and ${figures.session_cpu_collections_per_session} collections per session (median of ${rest.length}); ` +
		`modules not preloaded: ${figures.session_cpu_dm_logic_no_preload_ms.toFixed(2)} ms, ${figures.session_cpu_collections_no_preload_per_session} collections`);
	const make = spawnSync("make", ["-s", "-C", join(root, "hosts/sim"), "-j2", "prof"], { encoding: "utf8" });
	if (make.status !== 0) console.error(`no profile: make -C hosts/sim prof failed:\n${make.stderr}`);
	else {
		const dir = mkdtempSync(join(tmpdir(), "dm-bench-profile-"));
		try {
			const file = join(dir, "session.cpuprofile");
			await cpuRows(sessions, { binary: join(root, "build/sim/xsdm-prof") }, ["--profile", file]);
			console.log(format(summarize(file), sessions - 1));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	return figures;
}

/** Issue 14's size measure: bytes of the compiled JavaScript of modules/ (what goes into the device's flash). */
function compiledModuleBytes(): number {
	let total = 0;
	const walk = (dir: string): void => {
		for (const name of readdirSync(dir)) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(".js")) total += statSync(p).size;
		}
	};
	walk(join(root, "build/js/modules"));
	return total;
}

export async function sessionFigures(soak = 1000): Promise<Record<string, number>> {
	const baseline = await runXsdm(DEVICE, ["--modules-only"], { width: 32, options: ["--heap-report"], timeoutMs: 60000 });
	const one = await run(1, []);
	// the same with the modules compiled into the program's heap (xsdm --no-preload), as measured before preloading
	const baselineOwn = await runXsdm(DEVICE, ["--modules-only"], { width: 32, options: ["--no-preload", "--heap-report"], timeoutMs: 60000 });
	const oneOwn = await run(1, [], { options: ["--no-preload"] });
	const many = await run(soak, ["--heap-trace"]);
	const trace = many.stdout.split("\n").filter((l) => l.startsWith("heap ")).map((l) => Number(l.split(" ")[2]));
	return {
		session_i1_peak_heap_32bit_bytes: heapReport(one.stderr).peakTotalBytes,
		// xsdm preloads modules/ into a shared heap, as the device keeps them in ROM: what is left is the host's wiring
		session_modules_alone_peak_heap_32bit_bytes: heapReport(baseline.stderr).peakTotalBytes,
		// what xsdm preloads into its shared, read-only heap (the device's flash): modules/ and the host's embedded:* modules
		session_modules_shared_32bit_bytes: heapReport(baseline.stderr).sharedBytes,
		modules_compiled_js_bytes: compiledModuleBytes(),
		session_i1_peak_heap_over_modules_32bit_bytes: heapReport(one.stderr).peakTotalBytes - heapReport(baseline.stderr).peakTotalBytes,
		session_i1_peak_heap_over_modules_no_preload_32bit_bytes: heapReport(oneOwn.stderr).peakTotalBytes - heapReport(baselineOwn.stderr).peakTotalBytes,
		session_i1_client_http_bytes_sent: one.wire,
		[`session_soak_${soak}_ms_per_session`]: Math.round(many.ms / soak),
		[`session_soak_${soak}_heap_after_first_bytes`]: trace[0]!,
		[`session_soak_${soak}_heap_after_last_bytes`]: trace[trace.length - 1]!,
		[`session_soak_${soak}_peak_heap_32bit_bytes`]: heapReport(many.stderr).peakTotalBytes,
	};
}

if (process.argv[1]?.endsWith("bench/session.js") && process.argv[2] === "cpu") {
	sessionCpuFigures().then((f) => console.log(JSON.stringify(f, null, 1)), (e: unknown) => { console.error(e); process.exit(1); });
}
else if (process.argv[1]?.endsWith("bench/session.js")) {
	sessionFigures(Number(process.argv[2] ?? 1000)).then((f) => console.log(JSON.stringify(f, null, 1)), (e: unknown) => { console.error(e); process.exit(1); });
}
