// Figures for modules/pcsc-uart (issue 8, issue 18): a 2 KiB DM bootstrap read under SCP03 after
// PPS from a card offering T=1 with extended lengths, xsdm against the UICC simulator on a pty
// (`npm run bench -- pcsc` runs only these); the same read from the T=0-only 3G card, and plainly
// from the 3G and the 2G profile (T=0). APDUs, bytes on the line against payload, XS CPU time per
// APDU (rusage of xsdm, less a run that stops after its first APDU), peak heap on the 32-bit host
// (whole, and above the same modules loaded idle, since xsdm holds code in RAM that the ESP32 keeps in flash),
// and the wire time the same bytes take at Fi/Di 512/32 with a 4 MHz clock (12 etu a character).
import { spawn } from "node:child_process";
import { compiled, heapReport, root, xsdm32, xsdm64 } from "../tests/host/xsdm.js";
import { UICC_KEYS as KEYS, bootstrapOfSize, startUicc } from "../tests/host/uicc-peer.js";

const SCRIPT = compiled("tests/xs/host/pcsc-bootstrap.ts");

interface Read { stdout: string; stderr: string; cpuS: number }

/** Runs xsdm under a python3 shim that reports the child's user + system CPU seconds. */
function cpuRun(binary: string, args: string[]): Promise<Read> {
	const shim = "import resource,subprocess,sys\nr=subprocess.run(sys.argv[1:])\nu=resource.getrusage(resource.RUSAGE_CHILDREN)\nsys.stderr.write('cpu %f\\n' % (u.ru_utime+u.ru_stime))\nsys.exit(r.returncode)";
	return new Promise((resolve, reject) => {
		const child = spawn("python3", ["-c", shim, binary, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "", stderr = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
		child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
		child.on("error", reject);
		child.on("close", (code) => {
			const cpu = /^cpu ([\d.]+)$/m.exec(stderr);
			if (code !== 0 || !cpu) reject(new Error(`pcsc bench run failed (${code}):\n${stderr}`));
			else resolve({ stdout, stderr, cpuS: Number(cpu[1]) });
		});
	});
}

/** A read by `profile` from a card of `card` profile (3G unless given), under SCP03 unless `plain`. */
async function read(binary: string, options: string[], profile: string, file: string, size = 4200, o: { card?: string; plain?: boolean; t1?: boolean; chunk?: number } = {}): Promise<{ r: Read; line: Record<string, number | string> }> {
	const peer = await startUicc(["--profile", o.card ?? "3g", "--bootstrap", file, "--bootstrap-size", String(size), ...(o.plain ? [] : ["--scp03", KEYS]), ...(o.t1 ? ["--t1"] : [])]);
	try {
		const r = await cpuRun(binary, [...options, SCRIPT, peer.slave, peer.fifo, profile, "-", o.plain ? "-" : KEYS, "1", "count", ...(o.chunk ? [String(o.chunk)] : [])]);
		return { r, line: JSON.parse(r.stdout.trim().split("\n").pop()!) };
	} finally {
		await peer.stop();
	}
}

export async function pcscFigures(): Promise<Record<string, number>> {
	const file = bootstrapOfSize(2048).file;
	const t1 = { t1: true };
	const full = await read(xsdm64, [], "3g", file, 4200, t1);
	// the same walk with 2 KiB more document: what each further payload byte costs on the line
	const more = await read(xsdm64, [], "3g", bootstrapOfSize(4096).file, 4200, t1);
	if (full.line.error || full.line.length !== 2048 || full.line.protocol !== 1) throw new Error(`pcsc bench: bootstrap read over T=1 failed: ${full.r.stdout}`);
	// a 3G card refuses the 2G class: the run ends after activation and one APDU
	const base = await read(xsdm64, [], "2g", file, 4200, t1);
	const heap = await read(xsdm32, ["--heap-report"], "3g", file, 4200, t1);
	// the same read from the T=0-only card: short APDUs, 239 bytes a wrapped READ BINARY
	const t0 = await read(xsdm64, [], "3g", file);
	if (t0.line.error || t0.line.length !== 2048 || t0.line.protocol !== 0) throw new Error(`pcsc bench: bootstrap read over T=0 failed: ${t0.r.stdout}`);
	const t0Heap = await read(xsdm32, ["--heap-report"], "3g", file);
	const t0Line = (t0.line.bytesOut as number) + (t0.line.bytesIn as number);
	// the same T=1 read in 2 KiB READ BINARYs, which this document fills exactly: the best case of
	// long reads, not the reader's default (card.ts EXTENDED_CHUNK_DEFAULT says why)
	const long = await read(xsdm64, [], "3g", file, 4200, { t1: true, chunk: 2048 });
	if (long.line.error || long.line.length !== 2048) throw new Error(`pcsc bench: 2 KiB reads failed: ${long.r.stdout}`);
	const longHeap = await read(xsdm32, ["--heap-report"], "3g", file, 4200, { t1: true, chunk: 2048 });
	const loaded = await cpuRun(xsdm32, ["--heap-report", compiled("bench/xs/pcsc-load.ts")]);
	const peak = heapReport(heap.r.stderr).peakTotalBytes;
	// the same document read plainly (no SCP03: the simulator's 2G profile, a SIM, offers none)
	const plain: Record<string, number> = {};
	for (const profile of ["3g", "2g"]) {
		const p = await read(xsdm64, [], profile, file, 4200, { card: profile, plain: true });
		if (p.line.error || p.line.length !== 2048) throw new Error(`pcsc bench: ${profile} plain read failed: ${p.r.stdout}`);
		const bytes = (p.line.bytesOut as number) + (p.line.bytesIn as number);
		plain[`pcsc_bootstrap_2k_${profile}_plain_apdus`] = p.line.apdus as number;
		plain[`pcsc_bootstrap_2k_${profile}_plain_line_bytes`] = bytes;
		plain[`pcsc_bootstrap_2k_${profile}_plain_payload_per_line_byte`] = 2048 / bytes;
	}
	const apdus = full.line.apdus as number;
	const line = (full.line.bytesOut as number) + (full.line.bytesIn as number);
	return {
		pcsc_bootstrap_2k_scp03_apdus: apdus,
		pcsc_bootstrap_2k_scp03_wrapped_apdus: full.line.wrapped as number,
		pcsc_bootstrap_2k_scp03_line_bytes: line,
		pcsc_bootstrap_2k_scp03_payload_per_line_byte: 2048 / line,
		pcsc_bootstrap_scp03_marginal_payload_per_line_byte: 2048 / ((more.line.bytesOut as number) + (more.line.bytesIn as number) - line),
		pcsc_bootstrap_2k_scp03_xs_cpu_per_apdu_us: ((full.r.cpuS - base.r.cpuS) / (apdus - 1)) * 1e6,
		pcsc_bootstrap_2k_scp03_peak_heap_32bit_bytes: peak,
		// less the same modules loaded and idle: what the read itself holds at its peak
		pcsc_bootstrap_2k_scp03_peak_heap_above_loaded_32bit_bytes: peak - heapReport(loaded.stderr).peakTotalBytes,
		// 512 / (32 × 4 MHz) = 4 µs an etu, 12 etu a character
		pcsc_bootstrap_2k_scp03_wire_ms_512_32_at_4mhz: line * 12 * 4 / 1000,
		pcsc_bootstrap_2k_scp03_2k_reads_payload_per_line_byte: 2048 / ((long.line.bytesOut as number) + (long.line.bytesIn as number)),
		pcsc_bootstrap_2k_scp03_2k_reads_peak_heap_32bit_bytes: heapReport(longHeap.r.stderr).peakTotalBytes,
		pcsc_bootstrap_2k_scp03_t0_apdus: t0.line.apdus as number,
		pcsc_bootstrap_2k_scp03_t0_line_bytes: t0Line,
		pcsc_bootstrap_2k_scp03_t0_payload_per_line_byte: 2048 / t0Line,
		pcsc_bootstrap_2k_scp03_t0_peak_heap_32bit_bytes: heapReport(t0Heap.r.stderr).peakTotalBytes,
		...plain,
	};
}
