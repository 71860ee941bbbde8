// DmClient: the DM client's front door, over IO the host hands it (DESIGN.md, "The boundary
// between modules and hosts"): flash, randomness, a monotonic clock, the device's network facts,
// and a factory of HTTP clients (the host's transport, given each account's TLS credentials).
// It keeps the tree, the alert queue and the per-server backoff; it runs one session at a time on
// the triggers it is given (the application, a verified Package#0, a bootstrap) and reports
// subscribed changes. The pieces live in their rooms: the bootstraps in bootstrap/, notification
// screening, held notifications, SUB reports, DEFAULT and credentials in device/. The lifecycle
// that decides when to call all this (start sequence, listening, schedule) is device/device.ts.
import { DmError } from "../error.js";
import type { AccountCredentials } from "../credentials.js";
import type { DropReason, GenericAlert } from "../codec/index.js";
import type { CommandContext, CommandHooks } from "../commands/index.js";
import { STANDARD_MOS, syncDevInfo, type DeviceDescription } from "../mo/index.js";
import { AlertQueue, ReportInbox, runSession, type BackoffPolicy, type Bearer, type HttpClient, type Network, type SessionEvent, type SessionOutcome, type Trigger } from "../session/index.js";
import { Store, type Flash } from "../store/index.js";
import { AccessControl, DEVICE, DEVICE_WRITES, Tree, accountOf, srvIdOf, type ChangeSet, type MoRegistration } from "../tree/index.js";
import { MOIDS, type DeviceInfoProvider } from "../uri/index.js";
import { applyBootstrap, bootstrapWriter, clientBootstrap, isOwed, owedAccounts, serverBootstrap, settleOwed, type BootstrapWriter } from "../bootstrap/index.js";
import { accountCredentials } from "./account-credentials.js";
import { ServerBackoffs } from "./backoffs.js";
import { configureFromDefault } from "./default.js";
import { HeldNotifications } from "./held.js";
import { screenNotification } from "./notifications.js";
import { SeenNotifications } from "./seen-notifications.js";
import { reportChanges } from "./subscriptions.js";


export type ClientEvent =
	| SessionEvent
	| { event: "notification"; accepted: boolean; serverId?: string; reason?: DropReason }
	/** an accepted notification held until one of its PREFERRED-CON-TYPE connections is up, or its session starting over the chosen one */
	| { event: "connection"; serverId: string; waitingFor?: string[]; using?: string }
	| { event: "report-dropped"; alertType: string; reason: string }
	| { event: "subscription"; clientUri: string; status: number }
	/** a server-initiated bootstrap (8.4): the accounts it gave, or why nothing changed */
	| { event: "bootstrap"; from: string; accounts: string[] }
	| { event: "bootstrap-refused"; from: string; reason: string };

/** The backoff key of the bootstrap server an account names (Auth/Bootstrap): never a SrvID. */
function bootstrapServerKey(srvId: string): string {
	return `\u0000bootstrap server of ${srvId}`;
}

export interface DmClientOptions {
	flash: Flash;
	device: DeviceInfoProvider;
	/** DevInfo (12.1) as the host knows the device: describe() writes it where it changed */
	description?: DeviceDescription;
	random(length: number): Uint8Array;
	/** monotonic milliseconds */
	now(): number;
	/** POSIX seconds, undefined while the wall clock is unset (Package#0 TIMESTAMP check) */
	wallClock?(): number | undefined;
	/** an HTTP client for sessions with this account's server; closed after the session */
	http(account: AccountCredentials): HttpClient & { close?(): void };
	/** MOs beyond the standard four */
	mos?: readonly MoRegistration[];
	hooks?: CommandHooks;
	/** SessionInfo's CBT and roaming for the session about to run (after network.use, if any) */
	bearer?(): Bearer;
	/** the device's links, for PREFERRED-CON-TYPE (5.2.1.2); without it the notification's
	    preference is not acted on: the device has the one route the host gives it */
	network?: Network;
	ddf?(moid: string): string | undefined;
	development?: boolean;
	/** spacing of the triggers for a server after a failed session (interpretations 13, 21) */
	backoff?: BackoffPolicy;
	/** seconds a Package#0 TIMESTAMP may be off (default 600, interpretation 15) */
	notificationWindow?: number;
	log?(e: ClientEvent): void;
}

export class DmClient {
	readonly store: Store;
	readonly tree: Tree;
	readonly alerts: AlertQueue;
	private readonly reports: ReportInbox;
	private readonly backoffs: ServerBackoffs;
	/** the Package#0 duplicate filter, on flash (interpretation 20) */
	private readonly filter: SeenNotifications;
	/** the host's network facts, with [DevID] read from DevInfo/DevID (6.2, 12.1) */
	private readonly device: DeviceInfoProvider;
	private readonly held: HeldNotifications;
	private busy = false;
	/** the SUB report pass running, if any */
	private reporting: Promise<number> | undefined;
	/** update()s waiting for the running session to end */
	private readonly idle: (() => void)[] = [];

	constructor(private readonly o: DmClientOptions) {
		this.store = Store.mount(o.flash);
		this.tree = new Tree(this.store, [...STANDARD_MOS, ...(o.mos ?? [])]);
		this.alerts = new AlertQueue(this.store);
		this.filter = new SeenNotifications(this.store, this.tree);
		const host = o.device;
		this.device = {
			devId: () => {
				const miid = this.tree.instances(MOIDS.devInfo)[0];
				return (miid !== undefined ? this.tree.text({ moid: MOIDS.devInfo, miid, path: ["DevID"] }) : undefined) ?? host.devId();
			},
			mcc: () => host.mcc(), mnc: () => host.mnc(), cmcc: () => host.cmcc(), cmnc: () => host.cmnc(), spName: () => host.spName(),
		};
		this.reports = new ReportInbox(this.alerts, (alert, e) => o.log?.({ event: "report-dropped", alertType: alert.AlertType, reason: e instanceof Error ? e.message : String(e) }));
		this.backoffs = new ServerBackoffs(() => {
			const b = o.random(4);
			return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 4294967296;
		}, o.backoff);
		this.held = new HeldNotifications(o.network, (e) => o.log?.(e));
	}

	/** SrvIDs of the DM accounts on the device. */
	servers(): string[] {
		return this.tree.instances(MOIDS.dmAcc).map((m) => srvIdOf(this.tree, m));
	}

	/** Whether a session is running (or a bootstrap holds the device). */
	get running(): boolean {
		return this.busy;
	}

	/** ms until a session with `srvId` may start (its backoff after a failure), 0 if it may now. */
	waitFor(srvId: string): number {
		return this.backoffs.waitFrom(srvId, this.o.now());
	}

	/** The device's own DevInfo (12.1, interpretation 17) from the host's facts: created with the
	    defaults and a DevID kept on flash when there is none (mo/devinfo.ts), else brought in line.
	    The lifecycle calls it at start, after the bootstraps that may still carry a DevInfo. */
	describe(): boolean {
		return syncDevInfo(this.tree, this.o.description ?? {}, this.o.random);
	}

	/** Applies a dmmo+json document as the device (a factory bootstrap, 8.2), in one commit. Like
	    every bootstrap (8), it leaves each account it gives owed a BootstrapComplete session
	    (docs/design/bootstrap-complete.md says why a factory bootstrap is no exception). */
	applyBootstrap(chunks: Iterable<Uint8Array>): string[] {
		return applyBootstrap(this.context(new AccessControl(this.tree, DEVICE), ""), chunks);
	}

	/** A bootstrap applied as it arrives (bootstrap/writer.ts): the smartcard's (8.1), a bootstrap
	    server's (8.3). Each account it gives is owed a BootstrapComplete session unless `owe` is false. */
	bootstrapWriter(replace: readonly { moid: string; miid: string }[] = [], o: { owe?: boolean } = {}): BootstrapWriter {
		return bootstrapWriter(this.context(new AccessControl(this.tree, DEVICE), ""), replace, o);
	}

	/** Client-initiated bootstrap (8.3, bootstrap/client-initiated.ts) from the bootstrap server
	    the account `srvId` names. Returns the SrvIDs of the accounts it gave, each owed a
	    BootstrapComplete session. */
	clientBootstrap(srvId: string): Promise<string[]> {
		return clientBootstrap({
			tree: this.tree, device: this.device, development: this.o.development ?? false,
			http: (a) => this.o.http(a), writer: () => this.bootstrapWriter(),
		}, srvId);
	}

	/** Server-initiated bootstrap (8.4, bootstrap/server-initiated.ts), then the BootstrapComplete sessions. */
	private async serverBootstrap(srvId: string, notificationId: number | undefined): Promise<SessionOutcome> {
		// the bootstrap server is a server of its own (interpretation 21): its failures are not the
		// DM server's, and a DM server that cannot be reached never holds back a bootstrap
		const server = bootstrapServerKey(srvId);
		const refused = this.refusal(server);
		if (refused) return { ok: false, reason: refused };
		return serverBootstrap({
			fetch: async () => {
				this.busy = true;
				try {
					if (notificationId !== undefined) this.filter.admit(srvId, notificationId);
					return await this.clientBootstrap(srvId);
				} catch (e) {
					this.backoffs.failed(server, this.o.now());
					throw e;
				} finally {
					this.release();
				}
			},
			refused: (reason) => this.o.log?.({ event: "bootstrap-refused", from: srvId, reason }),
			given: (accounts) => this.o.log?.({ event: "bootstrap", from: srvId, accounts }),
			complete: (srvIds) => this.completeBootstrap(srvIds),
		});
	}

	/** SrvIDs of the accounts a bootstrap gave whose BootstrapComplete session has not yet
	    succeeded (8): the device runs completeBootstrap() for them at start. */
	owedBootstrapComplete(): string[] {
		return owedAccounts(this.store, this.tree);
	}

	/** After a bootstrap, a session with each server it gave an account, carrying the
	    BootstrapComplete alert (8). One server's failure is its own (interpretation 21): the
	    others' sessions still run; the outcome names each that failed. */
	async completeBootstrap(srvIds: readonly string[]): Promise<SessionOutcome> {
		let packages = 0;
		const failures: string[] = [];
		for (const srvId of srvIds) {
			const done = await this.session(srvId, { kind: "bootstrap" });
			if (!done.ok) failures.push(`BootstrapComplete session with ${srvId}: ${done.reason}`);
			else packages += done.packages;
		}
		return failures.length ? { ok: false, reason: failures.join("; ") } : { ok: true, packages };
	}

	/** Queues a Generic Alert for the next session with a server (5.4): each server has its own
	    (interpretation 21). */
	raise(alert: GenericAlert, srvId: string): string {
		return this.alerts.raise(alert, { srvId });
	}

	/** Why a session with `srvId` may not start now, or undefined when it may. */
	private refusal(srvId: string): string | undefined {
		if (this.busy) return "a session is running";
		const wait = this.backoffs.waitFrom(srvId, this.o.now());
		return wait > 0 ? `backing off after a failed session: ${wait} ms to wait` : undefined;
	}

	/** Runs a session with a server. Refused while another runs, or while that server's backoff
	    after a failure lasts (interpretations 13, 21): the outcome says so and how long to wait. A
	    notification's ID is recorded as seen only here, when its session starts (interpretation 20). */
	async session(srvId: string, trigger: Trigger = { kind: "client" }, url?: string): Promise<SessionOutcome> {
		const refused = this.refusal(srvId);
		if (refused) return { ok: false, reason: refused };
		const outcome = await this.runOne(srvId, trigger, url);
		// what the server's commands changed goes to its subscribers (SUB, 5.3.11); a refused
		// session changed nothing, so it has nothing to report
		if (!this.busy) await this.reportChanges();
		return outcome;
	}

	/** A session for each report waiting for a URL other than its server's own SrvURI (an EXEC's
	    ServerURI, 5.3.5: "in a new DM Session"): the device's schedule runs these. */
	async deliverReports(srvId?: string): Promise<SessionOutcome[]> {
		const outcomes: SessionOutcome[] = [];
		for (const to of this.alerts.destinations()) {
			if (to.url === undefined || (srvId !== undefined && to.srvId !== srvId)) continue;
			const miid = accountOf(this.tree, to.srvId);
			if (miid === undefined || this.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] }) === to.url) continue;
			outcomes.push(await this.session(to.srvId, { kind: "client" }, to.url));
		}
		return outcomes;
	}

	private async runOne(srvId: string, trigger: Trigger, url: string | undefined): Promise<SessionOutcome> {
		const miid = accountOf(this.tree, srvId);
		if (miid === undefined) return { ok: false, reason: `no DM account with SrvID ${srvId}` };
		// the first session the device starts with a freshly bootstrapped server says so (8)
		if (trigger.kind === "client" && isOwed(this.store, miid)) trigger = { kind: "bootstrap" };
		if (trigger.kind === "server" && trigger.notificationId !== undefined) this.filter.admit(srvId, trigger.notificationId);
		this.busy = true;
		const http = this.o.http(accountCredentials(this.tree, miid, srvId));
		try {
			const outcome = await runSession({
				tree: this.tree, store: this.store, http, alerts: this.alerts, reports: this.reports, device: this.device,
				srvId, miid, trigger, random: (n) => this.o.random(n), development: this.o.development ?? false,
				...(url !== undefined ? { url } : {}),
				...(this.o.hooks ? { hooks: this.o.hooks } : {}),
				...(this.o.bearer ? { bearer: this.o.bearer() } : {}),
				...(this.o.ddf ? { ddf: (m: string) => this.o.ddf!(m) } : {}),
				...(this.o.log ? { log: (e: SessionEvent) => this.o.log!(e) } : {}),
			});
			if (outcome.ok) {
				this.backoffs.succeeded(srvId);
				if (trigger.kind === "bootstrap") settleOwed(this.store, miid);
			}
			else this.backoffs.failed(srvId, this.o.now());
			return outcome;
		} finally {
			http.close?.();
			this.release();
		}
	}

	/** The device's application changes its own data (a setting changed on the device, a result of
	    work an EXEC started): applied as the device in one change set once no session is running
	    (a session's command may hold the store across its IO), then subscribed changes are
	    reported (SUB). Returns how many subscription reports were sent. */
	async update(change: (cs: ChangeSet) => void): Promise<number> {
		while (this.busy) await new Promise<void>((resume) => this.idle.push(resume));
		const cs = this.tree.change(DEVICE_WRITES);
		try {
			change(cs);
			cs.commit();
		} finally {
			cs.abort();
		}
		return this.reportChanges();
	}

	/** A Package#0 (WAP push payload) arrived: screened (7.1.1, 9.1), then a session with its server,
	    or, when its SERVER-ID names an account's bootstrap server, a server-initiated bootstrap (8.4),
	    over the connection it prefers (5.2.1.2). Undefined when it was dropped, or is held until a
	    preferred connection comes up. */
	async notification(bytes: Uint8Array): Promise<SessionOutcome | undefined> {
		const { verdict, notified } = screenNotification(this.tree, bytes, { filter: this.filter, now: this.o.wallClock?.(), windowSeconds: this.o.notificationWindow ?? 600 });
		if (!verdict.accept) {
			this.o.log?.({ event: "notification", accepted: false, reason: verdict.reason });
			return undefined;
		}
		this.o.log?.({ event: "notification", accepted: true, serverId: verdict.serverId });
		const n = verdict.notification;
		const srvId = verdict.serverId;
		const run = notified?.bootstrap
			? () => this.serverBootstrap(srvId, n.notificationId)
			: () => this.session(srvId, { kind: "server", requestMos: n.requestMos, ...(n.notificationId !== undefined ? { notificationId: n.notificationId } : {}) });
		return this.held.run(srvId, n.preferredConnections ?? [], run);
	}

	/** The host's links changed: notifications held for a preferred connection that is now up run,
	    one after the other. Returns their outcomes. */
	networkChanged(): Promise<SessionOutcome[]> {
		return this.held.changed();
	}

	/** SUB (5.3.11): PUTs each subscribed sub-tree whose report changed since it was last sent.
	    Returns how many reports were sent; a failed one is tried again at the next trigger. One pass
	    at a time: a second trigger (a session's end and a device update at once) waits for the
	    running pass, then looks again, so a change is sent once and none is missed. */
	async reportChanges(): Promise<number> {
		const previous = this.reporting;
		const pass = (async () => {
			if (previous) await previous.catch(() => 0);
			return reportChanges({ tree: this.tree, store: this.store, device: this.device, http: (a) => this.o.http(a), ...(this.o.log ? { log: this.o.log } : {}) });
		})();
		this.reporting = pass;
		try {
			return await pass;
		} finally {
			if (this.reporting === pass) this.reporting = undefined;
		}
	}

	/** DEFAULT (5.3.10): an application needs an MO the tree has no instance of; if a server left a
	    ServerURI for it, the data is fetched as that server's HGET would (its credentials by the
	    origin rule, its rights: what is created is its own), the client choosing where it goes. */
	async configure(moid: string): Promise<boolean> {
		if (this.busy && !this.tree.instances(moid).length) return false;
		this.reports.hold();
		let placed: boolean;
		try {
			placed = await configureFromDefault({
				tree: this.tree, store: this.store, http: (a) => this.o.http(a),
				context: (http, srvId) => srvId === undefined
					? this.context(new AccessControl(this.tree, DEVICE), "", http)
					: this.context(new AccessControl(this.tree, { kind: "server", srvId }), srvId, http),
			}, moid);
		} finally {
			this.reports.release();
		}
		if (placed) await this.reportChanges();
		return placed;
	}

	/** The session or bootstrap that held the client ended: update()s waiting for it go on. */
	private release(): void {
		this.busy = false;
		for (const resume of this.idle.splice(0)) resume();
	}

	private context(access: AccessControl, srvId: string, http?: HttpClient): CommandContext {
		return {
			tree: this.tree, store: this.store, access, srvId, http: http ?? { request: () => Promise.reject(new DmError(500, "no HTTP here")) },
			device: this.device, report: this.reports.push, hooks: this.o.hooks ?? {}, development: this.o.development ?? false,
		};
	}
}
