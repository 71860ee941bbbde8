// xsdm pcsc-bootstrap.js SLAVE FIFO PROFILE [PIN]: activates the simulated UICC, reads the DM
// bootstrap per Appendix G, and prints one JSON line: the object found, the document (as text,
// assembled here from the streamed chunks only to print it), chunk count and line statistics;
// or {"error":FAULT,"message":..,"sw":..}.
import Serial from "embedded:io/serial";
import { argv, exit } from "embedded:sim/host";
import { CardError, CardLink, readBootstrap, type Profile } from "../../../modules/pcsc-uart/index.js";

const [path, resetPath, profile, pin] = argv();
let apdus = 0;
const link = new CardLink({
	clockHz: 3571200,
	maxBaud: 250000,
	open: (baud, events) => new Serial({
		path: path!, resetPath: resetPath!, baud, dataBits: 8, parity: "even", stopBits: 2,
		onReadable: (n) => events.onReadable(n), onError: () => events.onError(),
	}),
});
const counting = { transmit: (c: Parameters<CardLink["transmit"]>[0]) => { apdus++; return link.transmit(c); } };

async function main(): Promise<void> {
	const a = await link.activate();
	let text = "";
	let chunks = 0;
	try {
		const r = await readBootstrap(counting, { profile: profile as Profile, ...(pin ? { pin: Uint8Array.from(pin, (c) => c.charCodeAt(0)) } : {}) }, (chunk) => {
			chunks++;
			for (const b of chunk) text += String.fromCharCode(b);
		});
		console.log(JSON.stringify({ label: r.object.label, needsPin: r.object.needsPin, length: r.length, chunks, text, pps: a.pps, apdus, bytesOut: link.bytesOut, bytesIn: link.bytesIn }));
	} catch (e) {
		if (!(e instanceof CardError)) throw e;
		console.log(JSON.stringify({ error: e.fault, message: e.message, sw: e.sw }));
	}
	link.close();
	exit(0);
}

main().catch((e: unknown) => { console.error(String(e)); exit(1); });
