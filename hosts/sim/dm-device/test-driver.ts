// dm-device as the e2e tests and bench/ drive it: every flag of main.ts (args.ts), plus
//   --keep-going   with --sessions: a failed session is reported and the next one follows, once
//                  the backoff allows it; each prints "session I: ok|failed", then "connections: N"
//                  (TCP connections it opened), "queue: ..." (the Data.session of each alert still
//                  waiting) and "name: ..." (its account's Name leaf, which the fault tests write by
//                  HGET); at the end "flash operations N" (the --powercut points the run spans)
//   --raise-alert  queue a Generic Alert {"session": I} before session I, unless 3 wait already
//                  (the queue is bounded; a run of failures would fill it)
//   --cpu-trace    after each session, print "cpu <i> <ms> <tls handshake ms> <tls records ms>
//                  <handshakes> <collections>": CPU time of the session, the parts mbedTLS took of
//                  it, and the garbage collections XS made during it
//   --profile FILE with --sessions N > 1: XS's sampling profiler over sessions 2..N (the first one
//                  pays the full handshake and first-use costs), written to FILE (.cpuprofile);
//                  only build/sim/xsdm-prof has the profiler
//   --heap-trace   after each session, collect garbage and print "heap <n> <bytes in use>"
//   --no-tls11     run as a build whose TLS has no TLS 1.1 (mbedTLS 4): an account's Ext/TLS11 then
//                  has no effect, and the device says so once
//   --configure MOID  after session 1, the device's application asks for that MO (DmClient.configure:
//                  DEFAULT's ServerURI when the tree has no instance, 5.3.10) and prints
//                  "configure MOID: true|false"; the device then also supports CONFIG_MOID, a small
//                  MO whose instances a server may create (what DEFAULT is for)
import TCP from "embedded:io/socket/tcp";
import { operations as flashOperations } from "embedded:storage/flash";
import { argv, collectGarbage, collections, cpuTime, exit, heap, startProfile, stopProfile, tlsCpu } from "embedded:sim/host";
import type { Device } from "../../../modules/dm/device/index.js";
import { Access, accountOf, defineSchema, type MoRegistration } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import type { TcpConstructor } from "../../../modules/transport/index.js";
import { parse } from "./args.js";
import { fault, run } from "./run.js";

const traces = { keepGoing: false, raiseAlert: false, cpu: false, heap: false, noTls11: false, profile: "", configure: undefined as string | undefined };
const args = parse(argv(), (flag, next) => {
	if (flag === "--profile") { traces.profile = next(); return true; }
	if (flag === "--keep-going") traces.keepGoing = true;
	else if (flag === "--raise-alert") traces.raiseAlert = true;
	else if (flag === "--cpu-trace") traces.cpu = true;
	else if (flag === "--heap-trace") traces.heap = true;
	else if (flag === "--no-tls11") traces.noTls11 = true;
	else if (flag === "--configure") traces.configure = next();
	else return false;
	return true;
});

/** TCP connections opened, for --keep-going's report of how many each session made. */
let opened = 0;
const CountedTCP = function (this: unknown, o: unknown): unknown {
	opened++;
	return new TCP(o as ConstructorParameters<typeof TCP>[0]);
} as unknown as TcpConstructor;

/** CPU time from now on, and mbedTLS's share of it: what the returned function prints. */
function cpuMark(): () => string {
	const start = cpuTime(), tls = tlsCpu(), gcs = collections();
	return () => {
		const now = tlsCpu();
		return `${(cpuTime() - start).toFixed(3)} ${(now.handshakeMs - tls.handshakeMs).toFixed(3)} ${(now.recordMs - tls.recordMs).toFixed(3)} ${now.handshakes - tls.handshakes} ${collections() - gcs}`;
	};
}

/** --sessions N with the traces asked for; --keep-going: N triggers in a row whatever their
    outcome, each after the backoff of the last failure has passed (never sooner: a refused session
    would be a trigger lost, not a fault found). */
async function sessions(device: Device, srvId: string): Promise<void> {
	const client = device.client;
	const account = accountOf(client.tree, srvId);
	const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
	let failed = false;
	for (let i = 1; i <= args.sessions; i++) {
		if (traces.keepGoing && failed) await sleep((args.backoffMs ?? 30000) + 1);
		if (traces.keepGoing) console.log(`session ${i} begins`);
		if (traces.raiseAlert && client.alerts.pending().length < 3) {
			client.raise({ AlertType: "urn:oma:at:test:1.0:Fault", Mark: "warning", DataType: "application/json", Data: { session: i } }, srvId);
			console.log(`raised ${i}`);
		}
		if (traces.profile && i === 2 && !startProfile()) throw new Error("--profile needs build/sim/xsdm-prof (make -C hosts/sim prof)");
		const cpu = cpuMark();
		const before = opened;
		const outcome = await device.session(srvId);
		failed = !outcome.ok;
		if (traces.keepGoing) {
			console.log(`connections: ${opened - before}`);
			console.log(outcome.ok ? `session ${i}: ok` : `session ${i}: failed: ${outcome.reason}`);
		}
		if (traces.cpu) console.log(`cpu ${i} ${cpu()}`);
		if (i === 1 && traces.configure !== undefined) console.log(`configure ${traces.configure}: ${await client.configure(traces.configure)}`);
		if (!traces.keepGoing && !outcome.ok) exit(1);
		if (traces.heap) {
			collectGarbage();
			const h = heap();
			console.log(`heap ${i} ${h.chunks + h.slots}`);
		}
		if (traces.keepGoing) {
			const queued = client.alerts.pending().map((q) => (q.alert.Data as { session?: number } | undefined)?.session ?? "?");
			console.log(`queue: ${queued.join(" ")}`);
			if (account !== undefined) console.log(`name: ${JSON.stringify(client.tree.text({ moid: MOIDS.dmAcc, miid: account, path: ["Name"] }) ?? null)}`);
		}
	}
	if (traces.profile) stopProfile(traces.profile);
	// the range of --powercut points this run covers (xsdm counts program and erase operations)
	if (traces.keepGoing) console.log(`flash operations ${flashOperations()}`);
}

/** An MO an application configures from DEFAULT (--configure): servers may create its instances. */
const CONFIG_MO: MoRegistration = Object.freeze({ tag: "tcfg", schema: defineSchema("urn:oma:mo:x-test-config:1.0", {
	name: "<x>", unnamed: true, format: "node", access: Access.Get | Access.Add | Access.Delete, occurrence: "ZeroOrMore", children: [
		{ name: "Val", format: "chr", access: Access.Get | Access.Add | Access.Replace | Access.Delete },
	],
}) });

run(args, { tcp: CountedTCP, sessions, ...(traces.noTls11 ? { tls11: false } : {}), ...(traces.configure !== undefined ? { mos: [CONFIG_MO] } : {}) }).catch(fault);
