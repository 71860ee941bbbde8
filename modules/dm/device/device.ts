// The device lifecycle every host shares (DESIGN.md, "The boundary between modules and hosts"). A
// host constructs it with its IO (TCP, UDP, resolver, flash, the card line, clock, timers, random)
// and its facts (DevInfo, links and bearer, card policy and keys, factory document, development
// mode, log sink), then calls start():
//   factory bootstrap on an empty tree (8.2) → a client-initiated bootstrap if the host asks (8.3)
//   → the card under the card policy (8.1) and BootstrapComplete sessions for what it gave (8)
//   → when the device serves (listens or polls): the BootstrapComplete sessions still owed,
//     Package#0 listening (WAP push over UDP, E.1) and the management schedule (schedule.ts).
// Sessions run one at a time. The lifecycle is a small state machine with one transition spot
// (enter): Idle (the schedule's timer armed for the next poll, if any) → Busy (one job: a
// notification, a host's request, a poll) → Idle. A notification that arrives while Busy waits in
// a bounded queue; a poll that falls due while Busy runs when the device is next Idle.
import { cardAtStart, type CardPolicy, type CardStart } from "../bootstrap/index.js";
import { DmClient, type DmClientOptions } from "./client.js";
import type { AccountCredentials } from "../credentials.js";
import { ddfLinks, type DeviceDescription } from "../mo/index.js";
import { TransportError, type BackoffPolicy, type Bearer, type HttpClient, type HttpRequest, type HttpResponse, type Network, type SessionOutcome } from "../session/index.js";
import type { Flash } from "../store/index.js";
import type { DeviceInfoProvider, NodeRef } from "../uri/index.js";
import type { ExecCall } from "../commands/index.js";
import { MOIDS } from "../uri/index.js";
import { Client, TLSSession, WapPushListener, type Resolver, type TcpConstructor, type UdpConstructor } from "../../transport/index.js";
import { cardReader, type CardLine } from "./card-line.js";
import type { Cause, DeviceEvent } from "./events.js";
import { credentialsForOrigin, originOf, originRole } from "./origin-credentials.js";
import { Schedule } from "./schedule.js";
import { noProgressLimit } from "./no-progress.js";
import { accountOf } from "../tree/index.js";
import type { Timers } from "../../time/index.js";
import { toHex } from "../../bytes/index.js";
import { FUMO_MO, Fumo, type FirmwareConfig } from "../fumo/index.js";
import type { AlertDestination } from "../session/index.js";
import { accountCredentials } from "./account-credentials.js";


export interface DeviceOptions {
	// ---- IO ----
	/** embedded:io/socket/tcp */
	tcp: TcpConstructor;
	/** embedded:io/socket/udp: needed to listen for Package#0 */
	udp?: UdpConstructor;
	/** embedded:network/dns/resolver: for SrvURIs with host names */
	resolver?: Resolver;
	flash: Flash;
	/** the ISO 7816 line to the UICC, and what the device knows of the card */
	card?: CardLine;
	/** monotonic milliseconds */
	now(): number;
	/** POSIX seconds, undefined while the wall clock is unset (Package#0 TIMESTAMP window) */
	wallClock?(): number | undefined;
	timers: Timers;
	random(length: number): Uint8Array;
	/** a host (or a test) that brings its own HTTP client instead of transport's over `tcp` */
	http?(account: AccountCredentials): HttpClient & { close?(): void };

	// ---- facts ----
	/** the network facts ServerURI substitution asks (6.2); DevID defaults to DevInfo/DevID */
	device?: DeviceInfoProvider;
	/** DevInfo (12.1) as the device describes itself */
	description?: DeviceDescription;
	network?: Network;
	bearer?(): Bearer;
	/** 8.1's device policy (default: secure when the card line has keys, any without) */
	cardPolicy?: CardPolicy;
	/** dmmo+json applied when the tree has no DM account (8.2) */
	factory?: Uint8Array;
	/** a client-initiated bootstrap (8.3) from this account's bootstrap server at start */
	bootstrapFrom?: string;
	/** plain http SrvURIs allowed (interpretation 12) */
	development?: boolean;
	/** the device's trust store: DER CA certificates every https origin other than an account's
	    own may chain to, with the account's Ext/TrustAnchor (interpretation 19; trust-store.ts reads PEM or DER) */
	trustStore?: readonly Uint8Array[];
	/** the host's TLS has TLS 1.1 (mbedTLS 2.28 does, mbedTLS 4 does not): whether an account's
	    Ext/TLS11 can take effect (default true) */
	tls11?: boolean;
	/** listen for Package#0 on this UDP port (0: any free one; E.1's is 2948) */
	listen?: { port: number; address?: string };
	/** seconds between polls of an account without Ext/PollInterval; 0 or absent: none */
	pollSeconds?: number;
	/** the backoff after a failed session (interpretations 13, 21) */
	backoff?: BackoffPolicy;
	/** ms an HTTP exchange may go without progress when the account has no Ext/NoProgressLimit
	    (default 300000: five minutes, no-progress.ts) */
	httpTimeoutMs?: number;
	/** notifications waiting while a session runs (default 4); more are dropped */
	queueLimit?: number;
	mos?: DmClientOptions["mos"];
	hooks?: DmClientOptions["hooks"];
	/** the board's firmware slots and the key images are signed with: the device then has a FUMO
	    instance (issue 17), and DevInfo/FwV is the running image's */
	firmware?: FirmwareConfig;
	/** the DDF link of each MOID for MOS items (5.2.2); without it, `ddfBase`'s rule (mo/ddf-link.ts) */
	ddf?: DmClientOptions["ddf"];
	/** where the device maker publishes its DDF files (a host fact), e.g. "https://maker.example/ddf/" */
	ddfBase?: string;
	log?(e: DeviceEvent): void;
}

/** What start() did, for a host that decides what comes next (a CLI's exit code). */
export interface StartReport {
	factory?: string[];
	/** the client-initiated bootstrap and its BootstrapComplete sessions */
	bootstrap?: SessionOutcome;
	card?: CardStart;
}

const enum Phase { Created = 1, Starting, Idle, Busy, Stopped }

type Job =
	| { kind: "notification"; bytes: Uint8Array }
	| { kind: "request"; srvId: string; done: (o: SessionOutcome) => void }
	| { kind: "poll"; srvId: string }
	| { kind: "network" }
	/** FUMO's download or switch (dm/fumo) */
	| { kind: "firmware" };

type State =
	| { phase: Phase.Created | Phase.Starting | Phase.Stopped }
	/** `timer` is armed for the next poll when there is one */
	| { phase: Phase.Idle; timer: unknown; armed: boolean }
	| { phase: Phase.Busy; job: Job };

export class Device {
	readonly client: DmClient;
	private state: State = { phase: Phase.Created };
	private readonly queue: Job[] = [];
	private readonly tlsSessions = new Map<string, TLSSession>();
	private schedule: Schedule | undefined;
	private listener: WapPushListener | undefined;
	private tls11Told = false;
	/** firmware update, when the host has slots */
	readonly fumo: Fumo | undefined;
	/** settled() calls waiting for the device to be idle with nothing queued */
	private readonly quiet: (() => void)[] = [];

	constructor(private readonly o: DeviceOptions) {
		const log = o.log;
		const fw = o.firmware;
		// the FUMO hook is bound once the client (and so the tree) exists
		let fumo: Fumo | undefined;
		const hooks = fw ? { ...o.hooks, exec: (t: NodeRef, u: string, c: ExecCall) => fumo!.hook(o.hooks?.exec)(t, u, c) } : o.hooks;
		// DevInfo/FwV is the running image's (interpretation 17), whatever the host's facts say
		const description = fw ? { ...o.description, fwV: fw.slots.running().version } : o.description;
		const mos = fw ? [...(o.mos ?? []), FUMO_MO] : o.mos;
		this.client = new DmClient({
			flash: o.flash, random: o.random, now: o.now,
			device: o.device ?? { devId: () => "unknown", mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined },
			http: o.http ?? ((a) => this.http(a)),
			...(o.wallClock ? { wallClock: o.wallClock } : {}),
			...(description ? { description } : {}),
			...(o.network ? { network: o.network } : {}),
			...(o.bearer ? { bearer: o.bearer } : {}),
			...(o.development !== undefined ? { development: o.development } : {}),
			...(o.backoff ? { backoff: o.backoff } : {}),
			...(mos ? { mos } : {}),
			...(hooks ? { hooks } : {}),
			...(o.ddf ? { ddf: o.ddf } : o.ddfBase !== undefined ? { ddf: ddfLinks(o.ddfBase) } : {}),
			...(log ? { log } : {}),
		});
		if (fw) {
			const c = this.client;
			fumo = new Fumo({
				tree: c.tree, store: c.store, alerts: c.alerts, timers: o.timers, development: o.development ?? false, now: o.now,
				http: (srvId) => {
					const miid = accountOf(c.tree, srvId);
					if (miid === undefined) return undefined;
					const account = accountCredentials(c.tree, miid, srvId);
					return o.http ? o.http(account) : this.http(account);
				},
				wake: () => { if (!this.queue.some((j) => j.kind === "firmware")) this.submit({ kind: "firmware" }); },
				log: (message) => this.emit({ event: "firmware", message }),
			}, fw);
		}
		this.fumo = fumo;
	}

	/** Whether the device runs on after start (listens or polls: its schedule then follows each
	    account's Ext/PollInterval) rather than serving one request and stopping. */
	get serves(): boolean {
		return this.o.listen !== undefined || (this.o.pollSeconds ?? 0) > 0;
	}

	/** Whether a job runs or waits (a host that sleeps between jobs asks this). */
	get busy(): boolean {
		return this.state.phase !== Phase.Idle || this.queue.length > 0;
	}

	/** The start sequence (see the head of this file). Resolves when the device is Idle; a card or
	    bootstrap that fails is reported and the device carries on with the accounts it has. Rejects
	    only for a fault of the flash or the host. */
	async start(): Promise<StartReport> {
		if (this.state.phase !== Phase.Created) throw new Error("start the device once");
		this.enter({ phase: Phase.Starting });
		const report: StartReport = {};
		const c = this.client;
		if (this.o.factory && c.servers().length === 0) {
			report.factory = c.applyBootstrap([this.o.factory]);
			this.emit({ event: "factory", placed: report.factory });
		}
		const fetched = this.o.bootstrapFrom !== undefined ? await this.bootstrapFrom(this.o.bootstrapFrom) : undefined;
		if (this.o.card) report.card = await this.cardAtStart(this.o.card);
		// DevInfo after the bootstraps (one may still carry it), before any session names the device
		c.describe();
		if (fetched) report.bootstrap = fetched.ok ? this.failed(await c.completeBootstrap(fetched.accounts)) : fetched;
		if (report.card?.kind === "applied") {
			const tree = c.tree;
			this.failed(await c.completeBootstrap(report.card.accounts.map((miid) => tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] }) ?? miid)));
		}
		if (this.serves) {
			// a BootstrapComplete not yet delivered (the factory's, or one an earlier start could not deliver) is still owed (8)
			const owed = c.owedBootstrapComplete();
			if (owed.length) this.failed(await c.completeBootstrap(owed));
			this.schedule = new Schedule(this.o.now(), this.o.pollSeconds ?? 0);
			if (this.o.listen) this.listen(this.o.listen);
		}
		// a switch into new firmware this boot follows settles now; a trial image proves itself in a
		// session with the server that ordered it, before anything else
		const prove = this.fumo?.start();
		if (prove !== undefined) this.queue.unshift({ kind: "poll", srvId: prove });
		this.enter({ phase: Phase.Idle, timer: undefined, armed: false });
		this.pump();
		return report;
	}

	/** A session with the server, queued behind the running one (the host's or the application's request). */
	session(srvId: string): Promise<SessionOutcome> {
		return new Promise((done) => this.submit({ kind: "request", srvId, done }));
	}

	/** A Package#0 from any transport (the WAP push listener calls this): screened when its turn comes. */
	notify(bytes: Uint8Array): void {
		const waiting = this.queue.filter((j) => j.kind === "notification").length;
		if (waiting >= (this.o.queueLimit ?? 4)) return;	// a burst: the servers send again
		this.submit({ kind: "notification", bytes: bytes.slice() });
	}

	/** The host's links changed: notifications held for a connection now up run (5.2.1.2). */
	networkChanged(): void {
		this.submit({ kind: "network" });
	}

	/** Resolves when the device is idle with nothing queued (a host that runs a few sessions and
	    exits waits for the firmware work their EXECs started). */
	settled(): Promise<void> {
		if (!this.busy) return Promise.resolve();
		return new Promise((resume) => this.quiet.push(resume));
	}

	/** Stops listening and polling; a running session finishes. */
	stop(): void {
		if (this.state.phase === Phase.Idle && this.state.armed) this.o.timers.clear(this.state.timer);
		this.listener?.close();
		this.listener = undefined;
		this.queue.length = 0;
		this.enter({ phase: Phase.Stopped });
	}

	// ---- the state machine ----

	private enter(next: State): void {
		this.state = next;
	}

	private submit(job: Job): void {
		if (this.state.phase === Phase.Stopped) {
			if (job.kind === "request") job.done({ ok: false, reason: "the device is stopped" });
			return;
		}
		this.queue.push(job);
		this.pump();
	}

	/** Idle: take the next job (queued first, then a poll that is due), or arm the timer for the next poll. */
	private pump(): void {
		const s = this.state;
		if (s.phase !== Phase.Idle) return;
		if (s.armed) this.o.timers.clear(s.timer);
		let job = this.queue.shift();
		if (!job && this.schedule) {
			const now = this.o.now();
			const due = this.schedule.next(this.client.tree, now, (srvId) => this.client.waitFor(srvId));
			if (due && due.at <= now) job = { kind: "poll", srvId: due.srvId };
			else if (due) {
				this.enter({ phase: Phase.Idle, timer: this.o.timers.set(Math.min(due.at - now, 0x7fffffff), () => this.tick()), armed: true });
				for (const resume of this.quiet.splice(0)) resume();
				return;
			}
		}
		if (!job) {
			this.enter({ phase: Phase.Idle, timer: undefined, armed: false });
			for (const resume of this.quiet.splice(0)) resume();
			return;
		}
		this.enter({ phase: Phase.Busy, job });
		this.run(job).then((o) => this.finished(job, o), (e: unknown) => {
			this.emit({ event: "failed", reason: `the device faulted: ${e instanceof Error ? e.message : String(e)}` });
			this.finished(job, { ok: false, reason: "the device faulted" });
		});
	}

	private tick(): void {
		if (this.state.phase !== Phase.Idle) return;
		this.enter({ phase: Phase.Idle, timer: undefined, armed: false });
		this.pump();
	}

	private run(job: Job): Promise<SessionOutcome | undefined> {
		switch (job.kind) {
		case "notification": return this.client.notification(job.bytes);
		// a report waiting for another URL of the same server (an EXEC's ServerURI) goes in a session of its own after
		case "request": case "poll": return this.client.session(job.srvId).then(async (o) => {
			// a trial image waits for a completed session with this server to stay (FUMO)
			const proved = o.ok ? this.fumo?.proved(job.srvId) : undefined;
			if (proved) await this.deliver(proved);
			await this.client.deliverReports(job.srvId);
			return o;
		});
		case "network": return this.client.networkChanged().then((all) => all.find((x) => !x.ok) ?? all[0]);
		case "firmware": return this.firmware();
		}
	}

	/** FUMO's work; a result it queued goes out now. */
	private async firmware(): Promise<SessionOutcome | undefined> {
		const to = await this.fumo?.work();
		return to ? this.deliver(to) : undefined;
	}

	/** A session that carries a report just queued: with the URL it is for (an EXEC's ServerURI,
	    interpretation 18), or with the account's SrvURI. */
	private async deliver(to: AlertDestination): Promise<SessionOutcome | undefined> {
		const miid = accountOf(this.client.tree, to.srvId);
		const home = miid === undefined ? undefined : this.client.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] });
		if (to.url === undefined || to.url === home) return this.client.session(to.srvId);
		const all = await this.client.deliverReports(to.srvId);
		return all.find((x) => !x.ok) ?? all[0];
	}

	private finished(job: Job, outcome: SessionOutcome | undefined): void {
		const srvId = job.kind === "request" || job.kind === "poll" ? job.srvId : undefined;
		if (srvId !== undefined) this.schedule?.ran(srvId, this.o.now());
		const cause: Cause = job.kind === "poll" ? "schedule" : job.kind;
		this.emit({ event: "done", cause, ...(srvId !== undefined ? { srvId } : {}), outcome });
		this.failed(outcome);
		if (job.kind === "request") job.done(outcome ?? { ok: false, reason: "no session" });
		if (this.state.phase === Phase.Stopped) return;
		this.enter({ phase: Phase.Idle, timer: undefined, armed: false });
		this.pump();
	}

	// ---- the start's steps ----

	/** The client-initiated bootstrap at start (8.3): the accounts it gave, whose BootstrapComplete
	    sessions start() runs once DevInfo is in place, or why it failed. */
	private async bootstrapFrom(srvId: string): Promise<{ ok: true; accounts: string[] } | { ok: false; reason: string }> {
		try {
			const accounts = await this.client.clientBootstrap(srvId);
			this.emit({ event: "client-bootstrap", accounts });
			return { ok: true, accounts };
		} catch (e) {
			return this.failed({ ok: false as const, reason: `bootstrap from ${srvId}'s bootstrap server: ${e instanceof Error ? e.message : String(e)}` });
		}
	}

	/** 8.1 under the policy; start() then opens a session with each server a successful bootstrap
	    gave; one that fails stays owed and is tried again at the next start (8). */
	private async cardAtStart(line: CardLine): Promise<CardStart> {
		const card = cardReader(line, this.o.timers, (into) => { into.set(this.o.random(into.length)); return into; });
		let outcome: CardStart;
		try {
			outcome = await cardAtStart(this.client, this.o.cardPolicy ?? (line.keys ? "secure" : "any"), card);
		} finally {
			card.close();
		}
		this.emit({ event: "card", outcome });
		this.emit({ event: "accounts", accounts: this.accountsLine() });
		return outcome;
	}

	private listen(at: { port: number; address?: string }): void {
		if (!this.o.udp) throw new Error("give the device a UDP socket class to listen for Package#0");
		this.listener = new WapPushListener({
			udp: this.o.udp, port: at.port, ...(at.address !== undefined ? { address: at.address } : {}),
			onNotification: (p0) => this.notify(p0),
		});
		this.emit({ event: "listening", port: this.listener.port ?? at.port });
	}

	// ---- helpers ----

	/** The transport for one account's session: which of its credentials go to which origin is
	    origin-credentials.ts's rule; a connection that fails is logged with its origin and reason
	    (transport's messages carry no secret). */
	private http(account: AccountCredentials): HttpClient & { close(): void } {
		const o = this.o;
		if (account.reach?.tls11 && o.tls11 === false && !this.tls11Told) {
			this.tls11Told = true;
			this.emit({ event: "notice", message: `Ext/TLS11 of ${account.srvId} has no effect: this build's TLS has no TLS 1.1 (TLS 1.2 only)` });
		}
		const reach = account.reach && o.tls11 === false ? { ...account.reach, tls11: false } : account.reach;
		const shown = reach ? { ...account, reach } : account;
		const client = new Client({
			tcp: o.tcp,
			...(o.resolver ? { resolver: o.resolver } : {}),
			// long, per account, and restarted by any progress (5.1.1 sets no time-out between packages)
			timeout: noProgressLimit(this.client.tree, account.miid, o.httpTimeoutMs),
			development: o.development ?? false,
			cnonce: () => toHex(o.random(16)),
			timers: o.timers,
			credentials: (origin) => {
				const c = credentialsForOrigin(shown, origin, o.trustStore ?? []);
				// the account's TLS session is resumed on its own origin only; others get a fresh one each client.
				// It is kept only when resuming pays: not when the account's server chose plain PSK, where a
				// ticket costs more bytes than the handshake it saves (issue 18 part 4; bench tls's table)
				if (!c || originRole(shown, origin) !== "own" || (!c.psk && !c.x509)) return c;
				let session = this.tlsSessions.get(account.srvId);
				if (!session) { session = new TLSSession(); this.tlsSessions.set(account.srvId, session); }
				return { ...c, session, resume: "when-it-pays" };
			},
		});
		return {
			request: async (req: HttpRequest): Promise<HttpResponse> => {
				try {
					return await client.request(req);
				} catch (e) {
					if (e instanceof TransportError) this.emit({ event: "unreachable", origin: originOf(req.url) ?? "(no origin)", reason: e.message });
					throw e;
				}
			},
			close: () => client.close(),
		};
	}

	/** SrvID=SrvURI of each DM account, sorted */
	private accountsLine(): string {
		const tree = this.client.tree;
		const at = (miid: string, node: string): string => tree.text({ moid: MOIDS.dmAcc, miid, path: [node] }) ?? "?";
		return tree.instances(MOIDS.dmAcc).map((miid) => `${at(miid, "SrvID")}=${at(miid, "SrvURI")}`).sort().join(" ") || "(none)";
	}

	private failed<T extends SessionOutcome | undefined>(outcome: T): T {
		if (outcome && !outcome.ok) this.emit({ event: "failed", reason: outcome.reason });
		return outcome;
	}

	private emit(e: DeviceEvent): void {
		this.o.log?.(e);
	}
}
