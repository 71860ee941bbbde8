// xsdm pcsc-link.js SLAVE FIFO STEP...: drives the UICC simulator (hosts/sim/peers/uicc) through
// modules/pcsc-uart over the pty and prints one JSON line per step, e.g.
//   activate                      -> {"step":"activate","pps":"accepted","baud":223200,"atr":"3B9F..."}
//   reset                         -> {"step":"reset","convention":"direct","atr":"..."}
//   apdu:CLA,INS,P1,P2,DATA,LE    -> {"step":"apdu","sw":"9000","data":"..."} (DATA and LE may be empty)
// A step that fails prints {"step":..,"error":FAULT,"message":..} and the script goes on, so a test
// can show the link recovering. The last line gives the bytes on the line both ways.
import Serial from "embedded:io/serial";
import { argv, exit, timers } from "embedded:sim/host";
import { CardError, CardLink, type Command } from "../../../modules/pcsc-uart/index.js";

const [path, resetPath, ...rest] = argv();
// an optional first argument limit=MS bounds each exchange (LinkOptions.exchangeLimitMs)
const limit = rest[0]?.startsWith("limit=") ? Number(rest.shift()!.slice(6)) : undefined;
const steps = rest;
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("").toUpperCase();
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

const link = new CardLink({
	timers,
	clockHz: 3571200,
	maxBaud: 250000,
	...(limit ? { exchangeLimitMs: limit } : {}),
	open: (baud, events) => new Serial({
		path: path!, resetPath: resetPath!, baud, dataBits: 8, parity: "even", stopBits: 2,
		onReadable: (n) => events.onReadable(n), onError: () => events.onError(),
	}),
});

function parseCommand(spec: string): Command {
	const [cla, ins, p1, p2, data, le] = spec.split(",");
	const c: { cla: number; ins: number; p1: number; p2: number; data?: Uint8Array; le?: number } = {
		cla: parseInt(cla!, 16), ins: parseInt(ins!, 16), p1: parseInt(p1!, 16), p2: parseInt(p2!, 16),
	};
	if (data) c.data = unhex(data);
	if (le) c.le = Number(le);
	return c;
}

async function main(): Promise<void> {
	for (const step of steps) {
		const [name, arg] = step.split(":");
		try {
			if (name === "activate") {
				const a = await link.activate();
				console.log(JSON.stringify({ step: name, pps: a.pps, baud: a.baud, convention: a.atr.convention, atr: hex(a.atr.bytes) }));
			} else if (name === "reset") {
				const atr = await link.reset();
				console.log(JSON.stringify({ step: name, convention: atr.convention, atr: hex(atr.bytes) }));
			} else if (name === "apdu") {
				const r = await link.transmit(parseCommand(arg!));
				console.log(JSON.stringify({ step: name, sw: r.sw.toString(16).toUpperCase().padStart(4, "0"), data: hex(r.data) }));
			} else throw new Error(`unknown step ${step}`);
		} catch (e) {
			if (!(e instanceof CardError)) throw e;
			console.log(JSON.stringify({ step: name, error: e.fault, message: e.message }));
		}
	}
	console.log(JSON.stringify({ step: "end", bytesOut: link.bytesOut, bytesIn: link.bytesIn }));
	link.close();
	exit(0);
}

main().catch((e: unknown) => { console.error(String(e)); exit(1); });
