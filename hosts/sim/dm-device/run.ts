// What a dm-device run does after parsing (args.ts): start the device, then serve (listen, poll),
// or run the requested sessions, and exit with the code args.ts documents. Shared by main.ts and
// the test driver, which only brings its own socket class and session loop.
import { exit } from "embedded:sim/host";
import { Device, type DeviceEvent } from "../../../modules/dm/device/index.js";
import type { TcpConstructor } from "../../../modules/transport/index.js";
import type { MoRegistration } from "../../../modules/dm/tree/index.js";
import { usage, type Args } from "./args.js";
import { consoleLog, simDevice, simFirmware } from "./wiring.js";

export interface RunOptions {
	tcp?: TcpConstructor;
	/** the host's TLS has TLS 1.1 (default: xsdm's mbedTLS 2.28 does) */
	tls11?: boolean;
	/** MOs beyond the device's own (a test's) */
	mos?: readonly MoRegistration[];
	/** runs --session's sessions; the default runs --sessions N of them, exit 1 at the first failure */
	sessions?(device: Device, srvId: string): Promise<void>;
}

export async function run(args: Args, o: RunOptions = {}): Promise<never> {
	// the boot loader first, as on a board: it may count down a trial or roll it back
	const firmware = simFirmware(args);
	const print = consoleLog(args);
	if (firmware && args.log === "text") {
		const { model, version } = firmware.running(), boot = firmware.boot();
		console.log(`firmware: ${model} ${version} (ota_${firmware.slot}, ${boot.kind}${boot.kind === "trial" ? `, ${boot.bootsLeft} boots left` : ""})`);
	}
	const log = (e: DeviceEvent): void => {
		// --once: the first notification that ran a session ends the run with its status
		if (e.event === "done" && e.cause === "notification" && e.outcome && args.once) exit(e.outcome.ok ? 0 : 1);
		print(e);
	};
	const options = simDevice(args, { log, ...(o.tcp ? { tcp: o.tcp } : {}), ...(o.tls11 !== undefined ? { tls11: o.tls11 } : {}), ...(firmware ? { firmware } : {}), ...(o.mos ? { mos: o.mos } : {}) });
	const device = new Device(options);
	options.demo.attach(device.client);
	const started = await device.start();
	if (started.bootstrap && !started.bootstrap.ok) exit(1);
	if (device.serves) return new Promise<never>(() => {});	// listening (and polling) until the host stops it
	if (args.session === undefined) {
		const card = started.card?.kind;
		if (card !== undefined) exit(card === "unread" ? 3 : card === "refused" ? 4 : 0);
		if (started.bootstrap) exit(0);
		usage("nothing to do (--session SRVID or --notify-port N)");
	}
	if (o.sessions) await o.sessions(device, args.session);
	else for (let i = 0; i < args.sessions; i++) if (!(await device.session(args.session)).ok) exit(1);
	// work the sessions started goes on before the run ends: a firmware download an EXEC ordered
	// (FUMO), and the session that reports its result
	await device.settled();
	return exit(0);
}

/** The last resort: a fault nothing else caught ends the run with 1. */
export function fault(e: unknown): never {
	console.error(`dm-device: ${e instanceof Error ? e.message : String(e)}`);
	return exit(1);
}
