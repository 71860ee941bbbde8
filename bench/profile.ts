// Reads what XS's sampling profiler writes (build/sim/xsdm-prof, Chrome's .cpuprofile shape) and
// prints where the time went: self time by module and by function. XS samples at function entries
// and returns, once an interval has passed, so a figure is the time since the sample before it.
// xsdm-prof's profiler clock is the process's CPU time ×10 (hosts/sim/src/host.c, SIM_PROFILE_SCALE),
// so it samples every 125 µs of CPU and waiting counts nowhere; times here are divided back. The
// host's own C (mbedTLS, sockets) counts under the native function that called it ("@xs_…"),
// "(gc)" is the collector and "(host)" the engine outside any JavaScript frame.
import { readFileSync } from "node:fs";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** hosts/sim/src/host.c's SIM_PROFILE_SCALE */
const SCALE = 10;

export interface ProfileRow { name: string; ms: number; share: number }
export interface ProfileSummary { totalMs: number; byModule: ProfileRow[]; byFunction: ProfileRow[] }

/** The module a function belongs to: its file relative to build/js, or where the time is not JavaScript's. */
function moduleOf(node: ProfileNode): string {
	const { functionName, url } = node.callFrame;
	if (functionName === "(gc)" || functionName === "(host)") return functionName;
	if (!url) return "(native)";   // host functions: named ("xs_tcp_write", "TypedArray.prototype.length") or "@anonymous-N"
	const at = url.indexOf("/build/js/");
	return at >= 0 ? url.slice(at + "/build/js/".length) : url || "(unknown)";
}

export function summarize(path: string): ProfileSummary {
	const p = JSON.parse(readFileSync(path, "utf8")) as Profile;
	const nodes = new Map(p.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	let total = 0;
	p.samples.forEach((id, i) => {
		const us = (p.timeDeltas[i] ?? 0) / SCALE;
		self.set(id, (self.get(id) ?? 0) + us);
		total += us;
	});
	const rows = (keyOf: (n: ProfileNode) => string): ProfileRow[] => {
		const sums = new Map<string, number>();
		for (const [id, us] of self) {
			const n = nodes.get(id);
			if (!n) continue;
			const k = keyOf(n);
			sums.set(k, (sums.get(k) ?? 0) + us);
		}
		return [...sums].map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
	};
	return {
		totalMs: total / 1000,
		byModule: rows(moduleOf),
		byFunction: rows((n) => {
			const m = moduleOf(n);
			return m.startsWith("(") ? (m === "(native)" ? n.callFrame.functionName : m) : `${n.callFrame.functionName} ${m}:${n.callFrame.lineNumber + 1}`;
		}),
	};
}

/** A table of the top rows, per session when sessions > 1. */
export function format(s: ProfileSummary, sessions: number, top = 25): string {
	const line = (r: ProfileRow): string => `${(r.ms / sessions).toFixed(3).padStart(9)} ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`;
	return [
		`XS profile, ${sessions} sessions, ${(s.totalMs / sessions).toFixed(2)} ms of samples per session (ms per session, share, what)`,
		"by module:",
		...s.byModule.slice(0, top).map(line),
		"by function:",
		...s.byFunction.slice(0, top).map(line),
	].join("\n");
}
