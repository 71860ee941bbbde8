// npm run bench -- lin: the same Appendix I.1 session on the Moddable SDK's Linux build (hosts/lin:
// XS 17, every module preloaded into the archive) and on xsdm (XS 13, modules loaded at run time),
// both against dm-server over TLS-PSK on loopback, with the same heap growth steps (32 KiB of
// chunks, 2,048 + 1,024 slots), and the compiled size of our modules in the SDK's archive. Skips,
// saying why, without the SDK (MODDABLE, its tools and mcsim, xvfb-run).
//
//   sim_i1_session_peak_heap_{64,32}bit_bytes  xsdm's peak (chunks + slots), modules included
//   lin_i1_session_peak_heap_64bit_bytes       the lin build's peak: preloaded modules live in the
//                                              archive (flash on a board), not in this heap
//   lin_i1_session_peak_chunk_bytes, lin_i1_session_peak_slots  its two parts (a slot is 32 bytes
//                                              on 64-bit XS and 16 on the ESP32)
//   lin_i1_session_peak_chunk_less_ram_flash_bytes  chunks less the lin build's store partition,
//                                              which it keeps in the heap (hosts/lin/ram-flash.ts;
//                                              a board's partition is flash)
//   lin_modules_xsb_bytes                      xsc's byte code of modules/, hosts/lin, hosts/common
//                                              and @noble/hashes, as the archive holds it
//   lin_preloaded_slots                        the slots xsl froze into the archive (mxHeapCount)
//   lin_archive_object_bytes                   mc.xs.c compiled (xsl's output: code, slots, keys)
//
// And the card bootstrap (8.1 through SCP03, tests/hil's card scenario: the UICC simulator on a
// pty, its account applied, the BootstrapComplete session it owes), from boot to the end of the
// device's start, on both engines:
//   lin_card_bootstrap_peak_heap_64bit_bytes   the lin build's peak at the end of its start
//   lin_card_bootstrap_peak_heap_less_ram_flash_64bit_bytes  the same less its RAM store partition
//   lin_card_read_peak_heap_64bit_bytes        its peak when the card step ended (activation, PPS,
//                                              SCP03, the EF read, the bootstrap applied), before
//                                              any session
//   sim_card_bootstrap_peak_heap_64bit_bytes   xsdm's peak for the same start (dm-device --card
//                                              alone exits after it)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../hosts/sim/peers/dm-server/server.js";
import { compiled, heapReport, root, runXsdm } from "../tests/host/xsdm.js";
import { runScenario } from "../tests/hil/run.js";
import { PSK, SCENARIOS, SRVID, factory, withPort } from "../tests/hil/scenarios.js";
import { target, type DeviceRun } from "../tests/hil/targets.js";
import { outputDir } from "../tools/moddable/sdk.js";

const I1 = SCENARIOS[0]!;
const CARD = SCENARIOS.find((s) => s.card)!;

/** The heap report a lin device logged at that point of its run ("card", "start", "session"). */
function heapAt(output: string, at: string): { peakTotalBytes: number; peakChunkBytes: number } {
	const line = output.split("\n").find((l) => l.startsWith("{\"heapReport\"") && l.includes(`"at":"${at}"`));
	if (!line) throw new Error(`no heap report at ${at} in:\n${output}`);
	return (JSON.parse(line) as { heapReport: { peakTotalBytes: number; peakChunkBytes: number } }).heapReport;
}

/** xsdm's peak for a start with the card alone (its account, its BootstrapComplete session). */
async function simCardPeak(): Promise<number> {
	const run = await runScenario(target("sim"), CARD, {
		setup: { startOnly: true, heapReport: true },
		judge(server, r: DeviceRun) {
			if (r.code !== 0) throw new Error(`xsdm's card start failed (exit ${r.code}):\n${r.output}`);
			if (server.sessions.length !== 1 || server.sessions[0]!.trigger !== "urn:oma:at:dm:2.0:BootstrapComplete") throw new Error(`xsdm's card start: not one BootstrapComplete session:\n${r.output}`);
		},
	});
	return heapReport(run.output).peakTotalBytes;
}

async function withI1Server<T>(run: (port: number) => Promise<T>, check: (server: DmServer, result: T) => void): Promise<T> {
	const server = new DmServer({ psk: PSK, ...structuredClone(I1.server) });	// withPort writes into it
	const port = await server.listen();
	try {
		withPort(server, port);
		const result = await run(port);
		check(server, result);
		return result;
	} finally {
		await server.close();
	}
}

async function simPeak(width: 32 | 64): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), "bench-lin-sim-"));
	try {
		const r = await withI1Server(
			(port) => runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(port), "--session", SRVID],
				{ width, options: ["--heap-report", "--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 120000 }),
			(server, r) => { if (r.code !== 0) throw new Error(`xsdm I.1 failed:\n${r.stdout}${r.stderr}`); I1.check(server, r.stdout + r.stderr); });
		return heapReport(r.stderr).peakTotalBytes;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function files(dir: string, suffix: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
}

/** What xsc and xsl made of the last lin build (build/moddable/tmp/lin/mc/release/<project>). */
function archiveFigures(): Record<string, number> {
	const release = join(outputDir, "tmp/lin/mc/release");
	const project = readdirSync(release).map((d) => join(release, d)).find((d) => existsSync(join(d, "mc.xs.c")));
	if (!project) throw new Error(`no mc.xs.c under ${release}: the lin build did not link`);
	const ours = ["modules/modules", "modules/hosts", "modules/@noble"].flatMap((d) => files(join(project, d), ".xsb"));
	const xs = readFileSync(join(project, "mc.xs.c"), "utf8");
	const slots = /#define mxHeapCount (\d+)/.exec(xs);
	if (!slots) throw new Error("mc.xs.c has no mxHeapCount: another xsl?");
	const size = spawnSync("size", [join(project, "mc.xs.c.o")], { encoding: "utf8" });
	const row = size.stdout.trim().split("\n")[1]?.trim().split(/\s+/);
	return {
		lin_modules_xsb_bytes: ours.reduce((n, f) => n + statSync(f).size, 0),
		lin_modules_xsb_count: ours.length,
		lin_preloaded_slots: Number(slots[1]),
		...(row ? { lin_archive_object_bytes: Number(row[0]) + Number(row[1]) } : {}),
	};
}

export async function linFigures(): Promise<Record<string, number>> {
	const lin = target("lin");
	const why = lin.unavailable();
	if (why !== undefined) {
		console.log(`bench lin: skipped: ${why}`);
		return {};
	}
	const figures: Record<string, number> = {};
	const run = await withI1Server((port) => lin.session(port), (server, r) => {
		if (r.code !== 0) throw new Error(`the lin device's I.1 failed (exit ${r.code}):\n${r.output}`);
		I1.check(server, r.output);
	});
	const report = heapReport(run.output);
	const slots = (JSON.parse(run.output.split("\n").find((l) => l.startsWith("{\"heapReport\""))!) as { heapReport: { peakSlots: number } }).heapReport.peakSlots;
	figures.lin_i1_session_peak_heap_64bit_bytes = report.peakTotalBytes;
	figures.lin_i1_session_peak_chunk_bytes = report.peakChunkBytes;
	figures.lin_i1_session_peak_slots = slots;
	const flashSize = (JSON.parse(readFileSync(join(root, "hosts/lin/manifest.json"), "utf8")) as { config: { flashSize: number } }).config.flashSize;
	figures.lin_i1_session_peak_chunk_less_ram_flash_bytes = report.peakChunkBytes - flashSize;
	figures.lin_i1_session_peak_heap_less_ram_flash_64bit_bytes = report.peakTotalBytes - flashSize;
	// the same slots at the ESP32's 16 bytes, chunks as measured less the RAM flash (64-bit chunks
	// hold 8-byte pointers and 32-byte slots in arrays: an upper bound for the board's)
	figures.lin_i1_session_peak_heap_esp32_estimate_bytes = figures.lin_i1_session_peak_chunk_less_ram_flash_bytes + slots * 16;
	Object.assign(figures, archiveFigures());
	figures.sim_i1_session_peak_heap_64bit_bytes = await simPeak(64);
	figures.sim_i1_session_peak_heap_32bit_bytes = await simPeak(32);
	// like for like: xsdm's store partition is a file, the lin build's is in its heap
	figures.sim_over_lin_i1_session_peak_heap_64bit = figures.sim_i1_session_peak_heap_64bit_bytes / figures.lin_i1_session_peak_heap_less_ram_flash_64bit_bytes;

	// the card scenario, judged as tests/hil judges it, then its start's heap on both engines
	const card = await runScenario(lin, CARD);
	figures.lin_card_bootstrap_peak_heap_64bit_bytes = heapAt(card.output, "start").peakTotalBytes;
	figures.lin_card_bootstrap_peak_heap_less_ram_flash_64bit_bytes = figures.lin_card_bootstrap_peak_heap_64bit_bytes - flashSize;
	figures.lin_card_read_peak_heap_64bit_bytes = heapAt(card.output, "card").peakTotalBytes;
	figures.sim_card_bootstrap_peak_heap_64bit_bytes = await simCardPeak();
	return figures;
}
