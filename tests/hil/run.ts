// Hardware-in-the-loop runner: npm run hil -- --target sim|lin|serial:PATH [--server HOST:PORT] [--grep TEXT]
// Runs every scenario (scenarios.ts) on the target's device against a fresh dm-server on
// loopback, prints "ok|FAIL|skip <target> <scenario>" per scenario and exits 0 only if none failed
// and one passed (2 when the target cannot run here, with the reason). A card scenario puts the
// UICC simulator (hosts/sim/peers/uicc) on a pty first, with the scenario's document on the card;
// a target whose device has no card line skips it, saying why.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { startUicc } from "../host/uicc-peer.js";
import { PSK, SCENARIOS, SRVID, withPort, type Scenario } from "./scenarios.js";
import { target, type DeviceRun, type DeviceSetup, type Target, type TargetOptions } from "./targets.js";

export interface Outcome { scenario: string; ok: boolean; detail: string; skipped?: string }

/** One device run of the scenario on the target, with its server (and card): the server's record
    and the device's run for `judge` (the scenario's own check when not given). */
export async function runScenario(t: Target, scenario: Scenario, o: { setup?: Partial<DeviceSetup>; judge?(server: DmServer, run: DeviceRun): void } = {}): Promise<DeviceRun> {
	// a copy: withPort writes the port into the script, which the next run must find as "PORT" again
	const server = new DmServer({ psk: scenario.psk ?? PSK, ...structuredClone(scenario.server) });
	const port = await server.listen(t.server?.port ?? 0, t.server?.host ?? "127.0.0.1");
	const dir = scenario.card ? mkdtempSync(join(tmpdir(), "hil-card-")) : undefined;
	const uicc = scenario.card && dir ? await startUicc(["--bootstrap", card(dir, scenario.card.document(port)), "--scp03", scenario.card.keys]) : undefined;
	try {
		withPort(server, port);
		const setup: DeviceSetup = { srvId: scenario.srvId ?? SRVID, ...(uicc && scenario.card ? { card: { tty: uicc.slave, fifo: uicc.fifo, keys: scenario.card.keys } } : {}), ...o.setup };
		const run = await t.session(port, setup);
		if (o.judge) o.judge(server, run);
		else {
			if (run.code !== scenario.exit) throw new Error(`device exit ${run.code}, expected ${scenario.exit}:\n${run.output}${uicc ? `\nUICC:\n${uicc.lines.join("\n")}` : ""}`);
			scenario.check(server, run.output);
		}
		return run;
	} finally {
		await uicc?.stop();
		await server.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
}

function card(dir: string, document: string): string {
	const file = join(dir, "bootstrap.json");
	writeFileSync(file, document);
	return file;
}

export async function runScenarios(targetSpec: string, grep = "", options: TargetOptions = {}): Promise<Outcome[] | string> {
	const t = target(targetSpec, options);
	const why = t.unavailable();
	if (why) return why;
	const outcomes: Outcome[] = [];
	for (const scenario of SCENARIOS.filter((s) => s.name.includes(grep))) {
		const noCard = scenario.card ? t.cardUnavailable?.() : undefined;
		if (noCard !== undefined) {
			outcomes.push({ scenario: scenario.name, ok: false, detail: "", skipped: noCard });
			continue;
		}
		try {
			await runScenario(t, scenario);
			outcomes.push({ scenario: scenario.name, ok: true, detail: "" });
		} catch (e) {
			outcomes.push({ scenario: scenario.name, ok: false, detail: e instanceof Error ? e.message : String(e) });
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
	for (const o of result) console.log(o.skipped !== undefined ? `skip ${spec} ${o.scenario}: ${o.skipped}` : `${o.ok ? "ok  " : "FAIL"} ${spec} ${o.scenario}${o.ok ? "" : `\n${o.detail}`}`);
	const failed = result.some((o) => !o.ok && o.skipped === undefined);
	process.exit(!failed && result.some((o) => o.ok) ? 0 : 1);
}
