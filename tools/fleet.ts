// npm run fleet -- --devices N [--sessions M] [--parallel P] [--width 32|64] [--web PORT] [--no-figures]
// npm run fleet -- --example DIR: one device's factory file, and how to try the console by hand.
// N simulated devices (xsdm, each its own flash, PSK identity and DevID) against one development DM
// server on loopback; prints the figures and merges them into bench/out/figures.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { mergeFigures } from "../bench/figures.js";
import { NOTI_DATA, SRV_ID, factory, simDevice } from "./fleet/device.js";
import { fleetFigures, runFleet } from "./fleet/run.js";

const HELP = `npm run fleet -- --devices N [--sessions M] [--parallel P] [--width 32|64] [--minutes T] [--web PORT] [--no-figures]
npm run fleet -- --example DIR [--port P]

  --devices N     simulated devices (xsdm processes, each with its own flash file, PSK identity and DevID)
  --sessions M    client-initiated sessions per device (default 2); each device then runs one more,
                  started by a signed Package#0 from the server
  --parallel P    devices running at once (default 4: this machine's cores are shared)
  --width 32|64   xsdm32 with the peak heap of each device (default), or the 64-bit xsdm (faster, no heap figure)
  --minutes T     the whole run's deadline (default 30); devices not run by then count as failures
  --web PORT      watch the fleet in the console at http://127.0.0.1:PORT/
  --no-figures    print only; do not merge fleet_N_* into bench/out/figures.json
  --example DIR   write one device's factory file into DIR and print the dm-server (with --web) and
                  dm-device command lines to try the console by hand (the server on --port, default 8443)
Everything runs on loopback and stops by itself.
`;

const { values } = parseArgs({ options: {
	devices: { type: "string" }, sessions: { type: "string" }, parallel: { type: "string" }, width: { type: "string" },
	minutes: { type: "string" }, web: { type: "string" }, "no-figures": { type: "boolean" }, help: { type: "boolean" },
	example: { type: "string" }, port: { type: "string" },
} });
if (values.help) { process.stdout.write(HELP); process.exit(0); }
const count = (v: string | undefined, name: string, fallback: number): number => {
	const n = v === undefined ? fallback : Number(v);
	if (!Number.isInteger(n) || n < 1) { process.stderr.write(`fleet: ${name} must be a positive integer\n${HELP}`); process.exit(2); }
	return n;
};
if (values.example !== undefined) {
	// one device's factory file and the command lines that put it in front of the console
	const dir = resolve(values.example), port = Number(values.port ?? 8443), d = simDevice(1);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, "factory.json"), factory(d, port));
	console.log(`wrote ${join(dir, "factory.json")} (DevID ${d.devId}, account ${SRV_ID} at https://127.0.0.1:${port}/dm). Then:

  npm run dm-server -- --port ${port} --psk-identity ${d.psk.identity} --psk-hex ${d.psk.key.toString("hex")} --web 8080 --server-id ${SRV_ID} --noti-secret-hex ${d.notiSecret.toString("hex")} --noti-data-hex ${NOTI_DATA.toString("hex")}
  npm run dm-device -- --flash ${join(dir, "flash.bin")} --factory ${join(dir, "factory.json")} --session ${SRV_ID}
  npm run dm-device -- --flash ${join(dir, "flash.bin")} --notify-port 0     # "Notify now" on the page, with the port it prints

and open http://127.0.0.1:8080/`);
	process.exit(0);
}
const width = values.width === "64" ? 64 : 32;
const devices = count(values.devices, "--devices", Number.NaN);

const r = await runFleet({
	devices, sessions: count(values.sessions, "--sessions", 2), parallel: count(values.parallel, "--parallel", 4), width,
	timeoutMs: count(values.minutes, "--minutes", 30) * 60000, ...(values.web !== undefined ? { web: Number(values.web) } : {}),
	log: (line) => console.log(`fleet | ${line}`),
});
const figures = fleetFigures(r);
console.log("");
console.log(`${r.devices} devices × ${r.sessionsPerDevice} sessions on xsdm${r.width === 32 ? "32" : ""} in ${(r.wallMs / 1000).toFixed(1)} s: ${r.sessionsEnded} sessions ended with END`);
for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(48)} ${Number.isInteger(v) ? v : v.toFixed(2)}`);
for (const reason of r.failureReasons.slice(0, 20)) console.log(`FAIL ${reason}`);
if (!values["no-figures"]) console.log(`\nmerged into ${mergeFigures(figures)}`);
process.exitCode = r.failures === 0 ? 0 : 1;
