// The simulated device's own MO (ddf/demo.xml, urn:oma:mo:ext-acme-demo:1.0): a sensor the
// `npm start` demonstration manages. A server writes its Interval, executes Calibrate and
// subscribes to it; calibrating takes a moment, so an EXEC with a ServerURI is answered 202 and its
// final status goes out later as a Generic Alert (5.3.5, 5.4.1). When the work is done the device
// writes the measured Offset itself, as a device does with its own data: DmClient.update() applies
// it once no session is running and reports it to the subscribers (SUB, 5.3.11).
import type { DmClient } from "../../../modules/dm/client.js";
import type { CommandHooks, ExecReport } from "../../../modules/dm/commands/context.js";
import type { MoRegistration } from "../../../modules/dm/tree/index.js";
import type { NodeRef } from "../../../modules/dm/uri/index.js";
import { DEMO } from "./generated/demo.js";

export const DEMO_MOID = DEMO.moid;
/** the one instance's name on the device */
export const DEMO_MIID = "sensor";
/** a store tag of its own: the standard MOs use i, a, c, s */
export const DEMO_MO: MoRegistration = Object.freeze({ tag: "d", schema: DEMO });

export interface DemoOptions {
	/** how long a calibration takes (ms) */
	calibrationMs?: number;
	/** one random byte per calibration: the "measured" offset */
	random(length: number): Uint8Array;
	/** the device's readable lines */
	log(line: string): void;
}

export interface DemoSensor {
	readonly mos: readonly MoRegistration[];
	readonly hooks: CommandHooks;
	/** Creates the instance if the tree has none, and lets finished work write through the client. */
	attach(client: DmClient): void;
}

export function demoSensor(o: DemoOptions): DemoSensor {
	let client: DmClient | undefined;
	const calibrate = (ref: NodeRef): Promise<ExecReport> => new Promise((done) => {
		o.log(`demo sensor: calibrating (${o.calibrationMs ?? 300} ms)`);
		setTimeout(() => {
			const offset = (o.random(1)[0]! % 9) - 4 || 5;	// never the default 0, so the change shows
			done({ status: 200 });
			client?.update((cs) => cs.put({ moid: ref.moid, miid: ref.miid, path: ["Offset"] }, offset)).then(
				(reports) => o.log(`demo sensor: calibrated, Offset ${offset} written on the device; ${reports} subscription report(s) sent`),
				(e: unknown) => o.log(`demo sensor: calibrated, but Offset could not be written: ${e instanceof Error ? e.message : String(e)}`));
		}, o.calibrationMs ?? 300);
	});
	return {
		mos: [DEMO_MO],
		hooks: {
			// the device maker's own AlertType for an EXEC's asynchronous report (interpretation 18)
			execAlertType: "x-acme:exec-result",
			exec(ref) {
				if (ref.moid === DEMO_MOID && ref.path.length === 1 && ref.path[0] === "Calibrate") return calibrate(ref);
				return { status: 405 };	// the schema allows Exec on Calibrate only: nothing else gets here
			},
		},
		attach(c) {
			client = c;
			if (c.tree.instances(DEMO_MOID).length) return;
			const cs = c.tree.change();
			try {
				cs.createInstance(DEMO_MOID, DEMO_MIID);
				cs.put({ moid: DEMO_MOID, miid: DEMO_MIID, path: ["Calibrate"] });	// a null leaf: no DDF default to create it
				cs.commit();
			} finally {
				cs.abort();
			}
		},
	};
}
