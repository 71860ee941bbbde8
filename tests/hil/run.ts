// Hardware-in-the-loop runner: npm run hil -- --target sim|lin|serial:PATH [--server HOST:PORT] [--grep TEXT]
// Runs every scenario (scenarios.ts) on the target's device against a fresh dm-server on
// loopback, prints "ok|FAIL|skip <target> <scenario>" per scenario and exits 0 only if all passed
// (2 when the target cannot run here, with the reason).
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { PSK, SCENARIOS, withPort } from "./scenarios.js";
import { target, type TargetOptions } from "./targets.js";

export interface Outcome { scenario: string; ok: boolean; detail: string }

export async function runScenarios(targetSpec: string, grep = "", options: TargetOptions = {}): Promise<Outcome[] | string> {
	const t = target(targetSpec, options);
	const why = t.unavailable();
	if (why) return why;
	const outcomes: Outcome[] = [];
	for (const scenario of SCENARIOS.filter((s) => s.name.includes(grep))) {
		// a copy: withPort writes the port into the script, which the next run must find as "PORT" again
		const server = new DmServer({ psk: PSK, ...structuredClone(scenario.server) });
		const port = await server.listen(t.server?.port ?? 0, t.server?.host ?? "127.0.0.1");
		try {
			withPort(server, port);
			const run = await t.session(port);
			if (run.code !== scenario.exit) throw new Error(`device exit ${run.code}, expected ${scenario.exit}:\n${run.output}`);
			scenario.check(server, run.output);
			outcomes.push({ scenario: scenario.name, ok: true, detail: "" });
		} catch (e) {
			outcomes.push({ scenario: scenario.name, ok: false, detail: e instanceof Error ? e.message : String(e) });
		} finally {
			await server.close();
		}
	}
	return outcomes;
}

const invoked = process.argv[1]?.endsWith("/tests/hil/run.js");
if (invoked) {
	const args = process.argv.slice(2);
	const spec = args.includes("--target") ? args[args.indexOf("--target") + 1]! : "sim";
	const grep = args.includes("--grep") ? args[args.indexOf("--grep") + 1]! : "";
	const server = args.includes("--server") ? args[args.indexOf("--server") + 1]! : process.env.HIL_SERVER;
	const result = await runScenarios(spec, grep, server ? { server } : {});
	if (typeof result === "string") {
		console.log(`skip ${spec}: ${result}`);
		process.exit(2);
	}
	for (const o of result) console.log(`${o.ok ? "ok  " : "FAIL"} ${spec} ${o.scenario}${o.ok ? "" : `\n${o.detail}`}`);
	process.exit(result.every((o) => o.ok) && result.length > 0 ? 0 : 1);
}
