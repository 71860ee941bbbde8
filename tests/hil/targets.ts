// Where the runner's device runs. Each target provisions its device with the factory bootstrap
// for the given server port (or, for a card scenario, with the UICC on a pty the runner started,
// read at start through SCP03), runs one client-initiated session with the scenario's account and
// reports its exit status and output.
//   sim           xsdm (hosts/sim/dm-device), a fresh flash file per run: what CI runs
//   lin           the Moddable SDK's Linux build (hosts/lin; MODDABLE, xvfb-run), built per port
//   serial:PATH   a board on a serial console (docs/hil.md): flashed with the ESP32 build, provisioned
//                 with the account SRVID at a fixed SrvURI, so dm-server must listen where that says
//                 (--server HOST:PORT); the line protocol is tests/hil/serial.ts
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compiled, runXsdm } from "../host/xsdm.js";
import { findSdk, linBinary, outputDir, root, sdkEnv } from "../../tools/moddable/sdk.js";
import { DEVID, PSK, SRVID, factory } from "./scenarios.js";
import { serialSession, type SerialOptions } from "./serial.js";

export interface DeviceRun { code: number | null; output: string }

/** What the device starts from and which account its session uses. */
export interface DeviceSetup {
	srvId: string;
	/** no factory account: the UICC on this tty (RST through the FIFO), read under policy secure */
	card?: { tty: string; fifo: string; keys: string };
	/** the host's peak heap report (xsdm --heap-report) */
	heapReport?: boolean;
	/** start only (the card and what it owes), no session asked for */
	startOnly?: boolean;
}

export const FACTORY_SETUP: DeviceSetup = { srvId: SRVID };

export interface Target {
	name: string;
	/** why this target cannot run here, or undefined when it can */
	unavailable(): string | undefined;
	/** why this target's device cannot read a card, or undefined when it can */
	cardUnavailable?(): string | undefined;
	session(serverPort: number, setup?: DeviceSetup): Promise<DeviceRun>;
	/** where dm-server must listen for this target's device (default: a free port on 127.0.0.1) */
	server?: { host: string; port: number };
}

export interface TargetOptions {
	/** serial: HOST:PORT, where the board's SrvURI points */
	server?: string;
	serial?: SerialOptions;
}

const sim: Target = {
	name: "sim",
	unavailable: () => existsSync(join(root, "build/sim/xsdm")) ? undefined : "build/sim/xsdm is missing: npm run build",
	async session(port, setup = FACTORY_SETUP) {
		const dir = mkdtempSync(join(tmpdir(), "hil-sim-"));
		const provision = setup.card
			? ["--card", `${setup.card.tty}:${setup.card.fifo}:3g`, "--card-keys", setup.card.keys, "--card-policy", "secure", "--log", "text"]
			: ["--factory-json", factory(port)];
		try {
			const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), [...provision, ...(setup.startOnly ? [] : ["--session", setup.srvId])],
				{ options: [...(setup.heapReport ? ["--heap-report"] : []), "--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
			return { code: r.code, output: r.stdout + r.stderr };
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	},
};

const lin: Target = {
	name: "lin",
	unavailable() {
		const sdk = findSdk();
		if (typeof sdk === "string") return sdk;
		if (spawnSync("sh", ["-c", "command -v xvfb-run"]).status !== 0) return "xvfb-run is not installed (apt-get install xvfb)";
		if (!existsSync(join(sdk.tools, "mcsim"))) return `${sdk.tools}/mcsim is missing: run make in $MODDABLE/build/makefiles/lin`;
		return undefined;
	},
	async session(port, setup = FACTORY_SETUP) {
		const sdk = findSdk();
		if (typeof sdk === "string") throw new Error(sdk);
		// the device's provisioning is its build's config (hosts/lin/manifest.json): the factory
		// account, or no server and the card's line, keys and policy
		const config = setup.card
			? { server: "", srvId: setup.srvId, devId: DEVID, card: setup.card.tty, cardReset: setup.card.fifo, cardKeys: setup.card.keys, cardPolicy: "secure", startOnly: setup.startOnly ? 1 : 0 }
			: { server: `https://127.0.0.1:${port}/dm`, srvId: setup.srvId, pskIdentity: PSK.identity, pskHex: PSK.key.toString("hex"), devId: DEVID, startOnly: setup.startOnly ? 1 : 0 };
		mkdirSync(outputDir, { recursive: true });	// mcconfig -o wants it there
		const built = spawnSync(join(sdk.tools, "mcconfig"), ["-m", "-p", "lin", "-o", outputDir, "-t", "build", join(root, "manifest.json"), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)],
			{ cwd: root, env: sdkEnv(sdk), encoding: "utf8", timeout: 1800000 });
		if (built.status !== 0) return { code: built.status, output: `mcconfig failed:\n${built.stdout}\n${built.stderr}` };
		const binary = linBinary(false);
		if (!binary) return { code: null, output: `no mc.so under ${outputDir}` };
		return new Promise((resolve) => {
			const child = spawn("xvfb-run", ["-a", join(sdk.tools, "mcsim"), binary], { cwd: root, env: sdkEnv(sdk), stdio: ["ignore", "pipe", "pipe"], detached: true });
			let output = "";
			child.stdout.on("data", (d) => { output += d; });
			child.stderr.on("data", (d) => { output += d; });
			// xvfb-run starts Xvfb and mcsim in its own process group: end the group, not a name
			const timer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } }, 120000);
			child.on("close", (code) => { clearTimeout(timer); resolve({ code, output }); });
		});
	},
};

function serial(path: string, o: TargetOptions): Target {
	const at = o.server?.lastIndexOf(":") ?? -1;
	const server = o.server && at > 0 ? { host: o.server.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(o.server.slice(at + 1)) } : undefined;
	return {
		name: `serial:${path}`,
		unavailable() {
			if (!server || !Number.isInteger(server.port) || server.port <= 0) return "the serial target needs --server HOST:PORT: where the board's SrvURI (its build's server=...) points";
			if (!existsSync(path)) return `${path} does not exist: is the board plugged in?`;
			return undefined;
		},
		...(server ? { server } : {}),
		cardUnavailable: () => "hosts/esp32/main.ts does not open the board's card line yet (docs/hil.md)",
		async session() {
			const r = await serialSession(path, SRVID, o.serial ?? {});
			return { code: r.code, output: r.output };
		},
	};
}

export function target(spec: string, o: TargetOptions = {}): Target {
	if (spec === "sim") return sim;
	if (spec === "lin") return lin;
	if (spec.startsWith("serial:")) return serial(spec.slice("serial:".length), o);
	throw new Error(`unknown target ${spec}: sim, lin or serial:PATH`);
}
