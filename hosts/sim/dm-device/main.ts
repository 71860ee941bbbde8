// The DM client on xsdm: xsdm [--flash FILE ...] build/js/hosts/sim/dm-device/main.js [options].
// The npm bin `dm-device` (cli.ts) starts this with the flash options and passes files as text.
//   --factory-json TEXT   dmmo+json applied as a factory bootstrap when the tree has no account yet
//   --session SRVID       a client-initiated session with that server; exit 0 on success, 1 with the reason
//   --notify-port N       listen for Package#0 in WAP push datagrams (E.1) and run a session per
//                         accepted notification; --once: exit after the first such session. A
//                         Package#0 whose SERVER-ID is an account's Auth/Bootstrap/ServerURI starts a
//                         server-initiated bootstrap (8.4) and the BootstrapComplete sessions after it
//   --connections LIST    the links the device has up, by preference (cellular,wlan,wireline; default
//                         wireline): a Package#0's PREFERRED-CON-TYPE picks among them, or waits
//   --log text|json       one line per package sent or received and per command applied; never a secret;
//                         in text, "DM accounts: SrvID=SrvURI ..." after the card bootstrap
//   --development         allow plain http SrvURIs (interpretation 12)
//   --sessions N          run N sessions in a row (a soak)
//   --keep-going          (tests) with --sessions: a failed session is reported and the next one
//                         follows, once the backoff allows it; each prints "session I: ok|failed",
//                         then "connections: N" (TCP connections it opened), "queue: ..." (the Data.session of each alert still waiting) and
//                         "name: ..." (its account's Name leaf, which the fault tests write by HGET);
//                         at the end "flash operations N" (the --powercut points the run spans)
//   --backoff-ms MS       (tests) the backoff's base and ceiling, instead of 30 s and 1 h
//   --raise-alert         (tests) queue a Generic Alert {"session": I} before session I, unless
//                         3 wait already (the queue is bounded; a run of failures would fill it)
//   --cpu-trace           after each session, print "cpu <i> <ms> <tls handshake ms> <tls records ms>
//                         <handshakes>": CPU time of the session and the parts mbedTLS took of it
//   --heap-trace          after each session, collect garbage and print "heap <n> <bytes in use>"
//   --bootstrap SRVID     client-initiated bootstrap (8.3) from the bootstrap server in that account's
//                         Auth/Bootstrap, then a BootstrapComplete session with each account it gave
//   --card TTY:FIFO[:2g|3g]  read the DM bootstrap from the UICC on that serial line (RST through
//                         FIFO) at start (8.1); a changed card's accounts each get a BootstrapComplete
//                         session; --card-keys ENC:MAC:DEK (hex) reads it through SCP03 (Appendix H)
//   --card-policy off|secure|any  8.1's device policy (modules/dm/bootstrap/card-policy.ts): off never
//                         touches the card; secure reads only through SCP03; any reads plainly when
//                         there are no keys. Default: secure with --card-keys, any without (a device
//                         that was given no keys can only read plainly, and one that was given them
//                         should never read otherwise)
// Exit codes: 0 done; 1 a session failed (or an unexpected fault); 2 bad options; with --card and
// nothing after it: 3 the card could not be read (removed, mute, SCP03 refused, policy allows no
// channel), 4 its document was refused (the DM status is logged). Either way nothing changed, and
// with --session or --notify-port the device carries on with the accounts it has.
// Host names in SrvURIs are resolved by the host (getaddrinfo on xsdm).
import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver";
import Flash from "embedded:storage/flash";
import { argv, collectGarbage, cpuTime, exit, heap, monotonic, random, tlsCpu, wall } from "embedded:sim/host";
import { DmClient, type AccountCredentials, type ClientEvent } from "../../../modules/dm/client.js";
import { encodeUtf8 } from "../../../modules/dm/codec/utf8.js";
import { ConnectionType } from "../../../modules/dm/codec/index.js";
import { CARD_POLICIES, cardAtStart, type CardPolicy, type CardReader, type CardStart } from "../../../modules/dm/bootstrap/card-policy.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { CardError, CardLink, readBootstrap, type BootstrapOptions, type Profile } from "../../../modules/pcsc-uart/index.js";
import { Scp03Session } from "../../../modules/pcsc-uart/scp03.js";
import Serial from "embedded:io/serial";
import { demoSensor } from "./demo-mo.js";
import { Client, TLSSession, WapPushListener, parseUrl, type TcpConstructor, type UdpConstructor } from "../../../modules/transport/index.js";

interface Args { connections: ConnectionType[]; bootstrap?: string; card?: string; cardKeys?: string; cardPolicy?: CardPolicy; factory?: string; session?: string; notifyPort?: number; once: boolean; log: "text" | "json" | "none"; development: boolean; sessions: number; heapTrace: boolean; keepGoing: boolean; backoffMs?: number; raiseAlert: boolean; cpuTrace: boolean }

function parse(list: string[]): Args {
	const a: Args = { connections: [ConnectionType.Wireline], log: "text", development: false, sessions: 1, heapTrace: false, once: false, keepGoing: false, raiseAlert: false, cpuTrace: false };
	for (let i = 0; i < list.length; i++) {
		const v = list[i]!;
		if (v === "--factory-json") a.factory = list[++i];
		else if (v === "--card") a.card = list[++i];
		else if (v === "--bootstrap") a.bootstrap = list[++i];
		else if (v === "--card-keys") a.cardKeys = list[++i];
		else if (v === "--card-policy") {
			const p = list[++i];
			const policy = CARD_POLICIES.find((c) => c === p);
			if (!policy) { console.error(`dm-device: --card-policy ${CARD_POLICIES.join("|")}, not ${p}`); exit(2); }
			a.cardPolicy = policy;
		}
		else if (v === "--session") a.session = list[++i];
		else if (v === "--log") { const l = list[++i]; a.log = l === "json" || l === "none" ? l : "text"; }
		else if (v === "--heap-trace") a.heapTrace = true;
		else if (v === "--notify-port") a.notifyPort = Number(list[++i]);
		else if (v === "--once") a.once = true;
		else if (v === "--modules-only") exit(0);   // the heap of the loaded modules alone (bench baseline)
		else if (v === "--development") a.development = true;
		else if (v === "--sessions") a.sessions = Number(list[++i]);
		else if (v === "--connections") a.connections = connections(list[++i] ?? "");
		else if (v === "--keep-going") a.keepGoing = true;
		else if (v === "--backoff-ms") a.backoffMs = Number(list[++i]);
		else if (v === "--raise-alert") a.raiseAlert = true;
		else if (v === "--cpu-trace") a.cpuTrace = true;
		else { console.error(`dm-device: unknown option ${v}`); exit(2); }
	}
	return a;
}

/** --connections cellular,wlan,wireline: the links the simulated device has up (PREFERRED-CON-TYPE). */
function connections(text: string): ConnectionType[] {
	const names: Record<string, ConnectionType> = { cellular: ConnectionType.Cellular, wlan: ConnectionType.Wlan, wireline: ConnectionType.Wireline };
	return text.split(",").filter((n) => n).map((n) => {
		const t = names[n];
		if (t === undefined) { console.error(`dm-device: --connections takes cellular, wlan and wireline, not ${n}`); exit(2); }
		return t!;
	});
}

const args = parse(argv());

function log(e: ClientEvent): void {
	if (args.log === "none") return;
	if (args.log === "json") { console.log(JSON.stringify(e)); return; }
	switch (e.event) {
	case "sent": console.log(`sent Package#${e.package} to ${e.url}: ${e.statuses} statuses, ${e.alerts} alerts, ${e.getParts} GET parts`); break;
	case "received": console.log(`received Package#2: HTTP ${e.status}`); break;
	case "command": console.log(`command ${e.index} ${e.name} ${e.target}: ${e.status}`); break;
	case "aborted": console.log(`session aborted: ${e.reason}`); break;
	case "ended": console.log(`session ended after ${e.packages} packages`); break;
	case "connection": console.log(e.using ? `session with ${e.serverId} over ${e.using}` : `session with ${e.serverId} waits for ${e.waitingFor!.join(" or ")}`); break;
	case "bootstrap": console.log(`server-initiated bootstrap from ${e.from}'s bootstrap server: accounts ${e.accounts.join(" ") || "(none)"}`); break;
	case "subscription": console.log(`subscription report of ${e.clientUri}: HTTP ${e.status}`); break;
	case "bootstrap-refused": console.log(`bootstrap refused, nothing changed (${e.from}'s bootstrap server): ${e.reason}`); break;
	default: console.log(JSON.stringify(e));
	}
}

/** TCP connections opened, for --keep-going's report of how many each session made. */
let opened = 0;
const CountedTCP = function (this: unknown, o: unknown): unknown {
	opened++;
	return new TCP(o as ConstructorParameters<typeof TCP>[0]);
} as unknown as TcpConstructor;

/** TLS sessions to resume, one per server, for this process's life. */
const tlsSessions = new Map<string, TLSSession>();

/** The transport for one account's session: its credentials go to its own server's origin and nowhere else. */
function http(account: AccountCredentials): Client {
	let server: string | undefined;
	try {
		server = parseUrl(account.srvUri).origin;
	}
	catch {
		server = undefined;	// the request itself will say what is wrong with the URI
	}
	return new Client({
		tcp: CountedTCP,
		resolver: new Resolver(),
		timeout: 15000,
		development: args.development,
		credentials: (origin) => {
			const tls = account.tls;
			if (origin !== server || !tls) return undefined;
			let session = tlsSessions.get(account.srvId);
			if (!session) { session = new TLSSession(); tlsSessions.set(account.srvId, session); }
			return tls.mode === "psk"
				? { psk: { identity: tls.identity, key: tls.key }, session }
				: { x509: { trustAnchors: tls.trustAnchors, ...(tls.certificate && tls.key ? { certificate: tls.certificate, key: tls.key } : {}) }, session };
		},
	});
}

/** the device's own MO (demo-mo.ts): a sensor a server can configure, calibrate and subscribe to */
const demo = demoSensor({ random: (n) => random(new Uint8Array(n)), log: (line) => { if (args.log === "text") console.log(line); } });

async function main(): Promise<void> {
	let inUse = args.connections[0] ?? ConnectionType.Wireline;
	const client = new DmClient({
		flash: new Flash(),
		device: { devId: () => "unknown", mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined },
		random: (n) => random(new Uint8Array(n)),
		now: monotonic,
		wallClock: () => Math.floor(wall() / 1000),
		http,
		// the simulated links all run over the host's one route; SessionInfo says which one the session chose
		network: { available: () => args.connections, use: (t) => { inUse = t; } },
		bearer: () => ({ cbt: inUse as 1 | 2 | 3, roaming: 2 }),
		development: args.development,
		mos: demo.mos,
		hooks: demo.hooks,
		...(args.backoffMs !== undefined ? { backoff: { baseMs: args.backoffMs, maxMs: args.backoffMs } } : {}),
		log,
	});
	demo.attach(client);
	if (args.factory !== undefined && client.servers().length === 0) {
		const placed = client.applyBootstrap([encodeUtf8(args.factory)]);
		console.log(`factory bootstrap: ${placed.join(" ")}`);
	}
	if (args.bootstrap !== undefined) {
		let accounts: string[];
		try {
			accounts = await client.clientBootstrap(args.bootstrap);
		} catch (e) {
			console.log(`failed: bootstrap from ${args.bootstrap}'s bootstrap server: ${e instanceof Error ? e.message : String(e)}`);
			exit(1);
		}
		console.log(`client-initiated bootstrap: accounts ${accounts.join(" ") || "(none)"}`);
		const done = await client.completeBootstrap(accounts);
		if (!done.ok) { console.log(`failed: ${done.reason}`); exit(1); }
		if (args.session === undefined && args.notifyPort === undefined && args.card === undefined) exit(0);
	}
	if (args.card !== undefined) {
		const card = cardSource(args.card, args.cardKeys);
		let outcome: CardStart;
		try {
			outcome = await cardAtStart(client, args.cardPolicy ?? (args.cardKeys ? "secure" : "any"), card);
		} finally {
			card.close();
		}
		console.log(`card bootstrap: ${cardLine(outcome)}`);
		if (args.log === "text") console.log(`DM accounts: ${accountsLine(client)}`);
		// 8: a successful bootstrap is followed by a session with each bootstrapped server; one that
		// fails stays owed and is tried again at the next start
		const given = outcome.kind === "applied" ? outcome.accounts.map((miid) => client.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] }) ?? miid) : [];
		const done = await client.completeBootstrap(given);
		if (!done.ok) console.log(`failed: ${done.reason}`);
		if (args.session === undefined && args.notifyPort === undefined) exit(outcome.kind === "unread" ? 3 : outcome.kind === "refused" ? 4 : 0);
	}
	if (args.notifyPort !== undefined) {
		// a BootstrapComplete an earlier start could not deliver is still owed (8)
		const owed = client.owedBootstrapComplete();
		if (owed.length) {
			const done = await client.completeBootstrap(owed);
			if (!done.ok) console.log(`failed: ${done.reason}`);
		}
		listen(client, args.notifyPort);
		return;
	}
	if (args.session === undefined) { console.error("dm-device: nothing to do (--session SRVID or --notify-port N)"); exit(2); }
	if (args.keepGoing) { await keepGoing(client, args.session); exit(0); }
	for (let i = 0; i < args.sessions; i++) {
		const cpu = cpuMark();
		const outcome = await client.session(args.session);
		if (args.cpuTrace) console.log(`cpu ${i + 1} ${cpu()}`);
		if (!outcome.ok) { console.log(`failed: ${outcome.reason}`); exit(1); }
		if (args.heapTrace) {
			collectGarbage();
			const h = heap();
			console.log(`heap ${i + 1} ${h.chunks + h.slots}`);
		}
	}
	exit(0);
}

/** CPU time from now on, and mbedTLS's share of it: what the returned function prints. */
function cpuMark(): () => string {
	const start = cpuTime(), tls = tlsCpu();
	return () => {
		const now = tlsCpu();
		return `${(cpuTime() - start).toFixed(3)} ${(now.handshakeMs - tls.handshakeMs).toFixed(3)} ${(now.recordMs - tls.recordMs).toFixed(3)} ${now.handshakes - tls.handshakes}`;
	};
}

/** --keep-going: N triggers in a row whatever their outcome, each after the backoff of the last
    failure has passed (never sooner: a refused session would be a trigger lost, not a fault found). */
async function keepGoing(client: DmClient, srvId: string): Promise<void> {
	const account = client.tree.instances(MOIDS.dmAcc).find((m) => client.tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["SrvID"] }) === srvId);
	const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
	let failed = false;
	for (let i = 1; i <= args.sessions; i++) {
		if (failed) await sleep((args.backoffMs ?? 30000) + 1);
		console.log(`session ${i} begins`);
		if (args.raiseAlert && client.alerts.pending().length < 3) {
			client.raise({ AlertType: "urn:oma:at:test:1.0:Fault", Mark: "warning", DataType: "application/json", Data: { session: i } }, srvId);
			console.log(`raised ${i}`);
		}
		const cpu = cpuMark();
		const before = opened;
		const outcome = await client.session(srvId);
		failed = !outcome.ok;
		console.log(`connections: ${opened - before}`);
		console.log(outcome.ok ? `session ${i}: ok` : `session ${i}: failed: ${outcome.reason}`);
		if (args.cpuTrace) console.log(`cpu ${i} ${cpu()}`);
		const queued = client.alerts.pending().map((q) => (q.alert.Data as { session?: number } | undefined)?.session ?? "?");
		console.log(`queue: ${queued.join(" ")}`);
		if (account !== undefined) console.log(`name: ${JSON.stringify(client.tree.text({ moid: MOIDS.dmAcc, miid: account, path: ["Name"] }) ?? null)}`);
	}
	// the range of --powercut points this run covers (xsdm counts program and erase operations)
	console.log(`flash operations ${Flash.operations}`);
}

/** SrvID=SrvURI of each DM account (neither is a secret), sorted */
function accountsLine(client: DmClient): string {
	const at = (miid: string, node: string): string => client.tree.text({ moid: MOIDS.dmAcc, miid, path: [node] }) ?? "?";
	return client.tree.instances(MOIDS.dmAcc).map((miid) => `${at(miid, "SrvID")}=${at(miid, "SrvURI")}`).sort().join(" ") || "(none)";
}

function cardLine(o: CardStart): string {
	switch (o.kind) {
	case "off": return "off (device policy): the card is not read, its accounts stay as they are";
	case "unread": return `not read: ${o.reason}; the accounts stay as they are`;
	case "refused": return `refused with status ${o.status}: ${o.reason}; nothing changed`;
	case "unchanged": return "unchanged";
	case "applied": return `accounts ${o.accounts.join(" ") || "(none)"}`;
	}
}

/** The UICC on a serial line (8E2, RST through a FIFO on the sim host), read per Appendix G. The
    line is opened and the card activated at the first read, never under policy off; close() ends it. */
function cardSource(spec: string, keys: string | undefined): CardReader & { close(): void } {
	const [path, resetPath, profile] = spec.split(":");
	if (!path || !resetPath) { console.error("dm-device: --card TTY:FIFO[:2g|3g]"); exit(2); }
	const unhex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
	let link: CardLink | undefined;
	return {
		keys: keys !== undefined,
		async read(channel, sink) {
			if (!link) {
				link = new CardLink({
					clockHz: 3571200, maxBaud: 250000,
					open: (baud, events) => new Serial({
						path, resetPath, baud, dataBits: 8, parity: "even", stopBits: 2,
						onReadable: (n: number) => events.onReadable(n), onError: () => events.onError(),
					}),
				});
				await link.activate();
			}
			const o: BootstrapOptions = { profile: (profile === "2g" ? "2g" : "3g") as Profile };
			if (channel === "scp03") {
				if (!keys) throw new Error("no SCP03 keys for this card");
				const [enc, mac, dek] = keys.split(":").map(unhex);
				o.secure = async (t, channel) => Scp03Session.open(t, { keys: { enc: enc!, mac: mac!, dek: dek! }, channel, random: (b) => random(b) });
			}
			try {
				await readBootstrap(link, o, sink);
				return true;
			} catch (e) {
				if (e instanceof CardError && e.fault === "absent") return false;
				throw e;
			}
		},
		close() { link?.close(); link = undefined; },
	};
}

/** Package#0 over UDP (E.1): one session per accepted notification, one at a time. */
function listen(client: DmClient, port: number): void {
	const waiting: Uint8Array[] = [];
	let running = false;
	const next = (): void => {
		if (running) return;	// the running session's end calls next() again: take nothing off the queue now
		const bytes = waiting.shift();
		if (!bytes) return;
		running = true;
		client.notification(bytes).then((outcome) => {
			running = false;
			if (outcome && args.once) exit(outcome.ok ? 0 : 1);
			if (outcome && !outcome.ok) console.log(`failed: ${outcome.reason}`);
			next();
		}, (e: unknown) => { console.error(`dm-device: ${e instanceof Error ? e.message : String(e)}`); exit(1); });
	};
	const listener = new WapPushListener({
		udp: UDP as unknown as UdpConstructor,
		port, address: "127.0.0.1",
		onNotification(p0) {
			if (waiting.length < 4) waiting.push(p0.slice());
			next();
		},
	});
	console.log(`listening for Package#0 on UDP ${listener.port}`);
}

main().catch((e: unknown) => {
	console.error(`dm-device: ${e instanceof Error ? e.message : String(e)}`);
	exit(1);
});
