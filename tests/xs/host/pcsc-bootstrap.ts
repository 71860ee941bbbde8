// xsdm pcsc-bootstrap.js SLAVE FIFO PROFILE [PIN|-] [ENC:MAC:DEK|-] [ATTEMPTS] [count|keep] [CHUNK]: activates the
// simulated UICC, reads the DM bootstrap per Appendix G (under SCP03 when keys are given, Appendix
// H), and prints one JSON line per attempt: the object found, the document (assembled here from the
// streamed chunks only to print it), chunk count and line statistics; or {"error":FAULT,...}.
// With ATTEMPTS > 1 a failed attempt is followed by a fresh activation and another read; with
// "count" the document is only counted, not kept (the benchmark's heap figure).
import Serial from "embedded:io/serial";
import { argv, exit, random, timers } from "embedded:sim/host";
import { Scp03Session } from "../../../modules/pcsc-uart/scp03.js";
import { CardError, CardLink, readBootstrap, type BootstrapOptions, type Command, type Profile } from "../../../modules/pcsc-uart/index.js";

const [path, resetPath, profile, pin, keyArg, attemptsArg, keep, chunkArg] = argv();
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
let apdus = 0;
const link = new CardLink({
	timers,
	clockHz: 3571200,
	maxBaud: 250000,
	open: (baud, events) => new Serial({
		path: path!, resetPath: resetPath!, baud, dataBits: 8, parity: "even", stopBits: 2,
		onReadable: (n) => events.onReadable(n), onError: () => events.onError(),
	}),
});
const counting = { transmit: (c: Command) => { apdus++; return link.transmit(c); } };

async function attempt(): Promise<boolean> {
	let text = "";
	let chunks = 0;
	let wrapped = 0;
	try {
		const a = await link.activate();
		const before = { apdus, out: link.bytesOut, in: link.bytesIn };
		const o: BootstrapOptions = { profile: profile as Profile, extended: a.extendedLength };
		if (chunkArg) o.chunk = Number(chunkArg);
		if (pin && pin !== "-") o.pin = Uint8Array.from(pin, (c) => c.charCodeAt(0));
		if (keyArg && keyArg !== "-") {
			const [enc, mac, dek] = keyArg.split(":").map(unhex);
			o.secure = async (t, channel) => {
				const s = await Scp03Session.open(t, { keys: { enc: enc!, mac: mac!, dek: dek! }, channel, random: (b) => random(b) });
				return { transmit: (c: Command) => { wrapped++; return s.transmit(c); }, close: () => s.close() };
			};
		}
		const r = await readBootstrap(counting, o, (chunk) => {
			chunks++;
			if (keep !== "count") for (const b of chunk) text += String.fromCharCode(b);
		});
		console.log(JSON.stringify({
			label: r.object.label, needsPin: r.object.needsPin, length: r.length, chunks, text, pps: a.pps, baud: a.baud, wrapped,
			protocol: a.protocol, extended: a.extendedLength,
			apdus: apdus - before.apdus, bytesOut: link.bytesOut - before.out, bytesIn: link.bytesIn - before.in,
		}));
		return true;
	} catch (e) {
		if (!(e instanceof CardError)) throw e;
		console.log(JSON.stringify({ error: e.fault, message: e.message, sw: e.sw, triesLeft: e.triesLeft }));
		return false;
	}
}

async function main(): Promise<void> {
	const attempts = Number(attemptsArg ?? 1);
	for (let i = 0; i < attempts; i++) if (await attempt()) break;
	link.close();
	exit(0);
}

main().catch((e: unknown) => { console.error(String(e)); exit(1); });
