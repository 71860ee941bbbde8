// DmClient: the DM client as a product, over IO the host hands it (DESIGN.md, "The boundary
// between modules and hosts"): flash, randomness, a monotonic clock, the device's network facts,
// and a factory of HTTP clients (the host's transport, given each account's TLS credentials).
// It keeps the tree, the alert queue and the backoff between failed sessions; it runs sessions on
// triggers (the application, a verified Package#0, a bootstrap), reports subscribed changes
// (SUB), and fetches DEFAULT configuration for local applications.
import { DmError } from "./error.js";
import { bootstrapCredentials, trspCredentials, type TlsCredentials } from "./credentials.js";
import { DmmoReader, NotificationFilter, screenPackage0, type DropReason, type GenericAlert } from "./codec/index.js";
import { DmmoApplier } from "./commands/apply.js";
import { defaultFor, fingerprint, hget, listSubscriptions, saveSubscription, selectFor, send, type CommandContext, type CommandHooks } from "./commands/index.js";
import { STANDARD_MOS, syncDevInfo, type DeviceDescription } from "./mo/index.js";
import { AlertQueue, Backoff, ReportInbox, chooseConnection, connectionName, runSession, type BackoffPolicy, type Bearer, type HttpClient, type Network, type SessionEvent, type SessionOutcome, type Trigger } from "./session/index.js";
import type { ConnectionType } from "./codec/index.js";
import { Store, type Flash } from "./store/index.js";
import { AccessControl, DEVICE, DEVICE_WRITES, Tree, type ChangeSet, type MoRegistration } from "./tree/index.js";
import { MOIDS, parseClientUri, substituteServerUri, type DeviceInfoProvider } from "./uri/index.js";

/** What the transport needs of an account to reach its server (Auth/Trsp, or Auth/Bootstrap for
    its bootstrap server; interpretation 11). */
export interface AccountCredentials {
	readonly srvId: string;
	readonly srvUri: string;
	/** undefined when the account has no TLS credentials (a plain-http development server) */
	readonly tls: TlsCredentials | undefined;
}

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

export interface DmClientOptions {
	flash: Flash;
	device: DeviceInfoProvider;
	/** DevInfo (12.1) as the device describes itself: written at start where it changed */
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
	backoff?: BackoffPolicy;
	/** seconds a Package#0 TIMESTAMP may be off (default 600, interpretation 15) */
	notificationWindow?: number;
	log?(e: ClientEvent): void;
}

/** Store keys (the bootstrap's "k" prefix) marking an account, by MIID, owed a BootstrapComplete session. */
const OWED = "kbc/";
const OWED_MARK = Uint8Array.of(1);

/** The MIIDs of the DM accounts among the places a bootstrap's items went (bootstrapWriter's
    result), each once, in order. */
export function placedAccounts(placed: readonly string[]): string[] {
	const accounts: string[] = [];
	for (const uri of placed) {
		const u = parseClientUri(uri);
		if (u.moid === MOIDS.dmAcc && u.instance.kind === "miid" && !accounts.includes(u.instance.miid)) accounts.push(u.instance.miid);
	}
	return accounts;
}

export class DmClient {
	readonly store: Store;
	readonly tree: Tree;
	readonly alerts: AlertQueue;
	private readonly reports: ReportInbox;
	private readonly backoff: Backoff;
	private readonly filter = new NotificationFilter(32);
	/** the host's network facts, with [DevID] read from DevInfo/DevID (6.2, 12.1) */
	private readonly device: DeviceInfoProvider;
	private busy = false;
	/** the SUB report pass running, if any */
	private reporting: Promise<number> | undefined;
	/** update()s waiting for the running session to end */
	private readonly idle: (() => void)[] = [];
	/** accepted notifications waiting for a preferred connection: the latest per server */
	private readonly held = new Map<string, { preferred: readonly ConnectionType[]; run: () => Promise<SessionOutcome> }>();

	constructor(private readonly o: DmClientOptions) {
		this.store = Store.mount(o.flash);
		this.tree = new Tree(this.store, [...STANDARD_MOS, ...(o.mos ?? [])]);
		this.alerts = new AlertQueue(this.store);
		if (o.description) syncDevInfo(this.tree, o.description);
		const host = o.device;
		this.device = {
			devId: () => {
				const miid = this.tree.instances(MOIDS.devInfo)[0];
				return (miid !== undefined ? this.tree.text({ moid: MOIDS.devInfo, miid, path: ["DevID"] }) : undefined) ?? host.devId();
			},
			mcc: () => host.mcc(), mnc: () => host.mnc(), cmcc: () => host.cmcc(), cmnc: () => host.cmnc(), spName: () => host.spName(),
		};
		this.reports = new ReportInbox(this.alerts, (alert, e) => o.log?.({ event: "report-dropped", alertType: alert.AlertType, reason: e instanceof Error ? e.message : String(e) }));
		this.backoff = new Backoff(() => {
			const b = o.random(4);
			return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 4294967296;
		}, o.backoff);
	}

	/** SrvIDs of the DM accounts on the device. */
	servers(): string[] {
		return this.tree.instances(MOIDS.dmAcc).map((m) => this.tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["SrvID"] }) ?? m);
	}

	/** Applies a dmmo+json document as the device (a factory bootstrap, 8.2), in one commit. A
	    factory bootstrap is the state the device ships in: it owes no BootstrapComplete. */
	applyBootstrap(chunks: Iterable<Uint8Array>): string[] {
		const writer = this.bootstrapWriter([], { owe: false });
		try {
			for (const c of chunks) writer.write(c);
		} catch (e) {
			writer.abort();
			throw e;
		}
		return writer.end();
	}

	/** A bootstrap applied as it arrives (a smartcard read, 8.1), as the device and in one change
	    set that end() commits: first the `replace` instances are deleted (the accounts an earlier
	    bootstrap from the same source gave), then the document is applied. Returns where each item
	    went. Nothing is written if the document is refused. Each account it gives is owed a
	    BootstrapComplete session (8), recorded in the same commit so that neither a power cut nor
	    an unreachable server loses it: owedBootstrapComplete() lists them until one succeeds. */
	bootstrapWriter(replace: readonly { moid: string; miid: string }[] = [], o: { owe?: boolean } = {}): { write(chunk: Uint8Array): void; end(): string[]; abort(): void } {
		const access = new AccessControl(this.tree, DEVICE);
		const ctx = this.context(access, "");
		const cs = this.tree.change(access.guard());
		let reader: DmmoReader;
		let applier: DmmoApplier;
		try {
			for (const r of replace) if (cs.has({ ...r, path: [] })) cs.delete({ ...r, path: [] });
			applier = new DmmoApplier(ctx, cs, undefined);
			reader = new DmmoReader(applier);
		} catch (e) {
			cs.abort();
			throw e;
		}
		const refused = (): DmError => reader.toDmError() ?? new DmError(400, "the bootstrap is not dmmo+json");
		return {
			write: (chunk) => {
				try {
					if (reader.feed(chunk) < 0) throw refused();
				} catch (e) {
					cs.abort();
					throw e;
				}
			},
			end: () => {
				try {
					if (reader.feed(new Uint8Array(0), true) < 0) throw refused();
					if (o.owe ?? true) {
						const given = placedAccounts(applier.placed);
						for (const r of replace) if (r.moid === MOIDS.dmAcc && !given.includes(r.miid)) cs.record(OWED + r.miid, undefined);
						for (const miid of given) cs.record(OWED + miid, OWED_MARK);
					}
					cs.commit();
					return applier.placed;
				} finally {
					cs.abort();
				}
			},
			abort: () => cs.abort(),
		};
	}

	/** Client-initiated bootstrap (8.3): fetches the DM Bootstrap from the bootstrap server an
	    account names in Auth/Bootstrap, authenticated both ways by TLS with the Auth/Bootstrap
	    credentials (9.3.2; PSK or X.509, see credentials.ts), and applies it
	    as HGET without a ClientURI does (8.5), in one commit. Returns the SrvIDs of the accounts the
	    bootstrap gave, each owed a BootstrapComplete session. Figure 12 is missing from the spec: the
	    bootstrap is an HTTP GET of Auth/Bootstrap/ServerURI (ServerURI substitutions applied) that
	    answers application/dmmo+json; anything else changes nothing. */
	async clientBootstrap(srvId: string): Promise<string[]> {
		const miid = this.accountOf(srvId);
		if (miid === undefined) throw new DmError(404, `no DM account with SrvID ${srvId}`);
		const serverUri = this.tree.text({ moid: MOIDS.dmAcc, miid, path: ["Auth", "Bootstrap", "ServerURI"] });
		const at = (leaf: string): Uint8Array | undefined => this.bytes(miid, ["Auth", "Bootstrap", leaf]);
		const tls = bootstrapCredentials(at("ClientPubKey"), at("ClientSecretKey"), at("ServerPubKey"));
		if (!serverUri || !tls) throw new DmError(404, `the account ${srvId} has no Auth/Bootstrap server and credentials for both ends (9.3.2)`);
		const url = substituteServerUri(serverUri, this.device);
		if (!url.startsWith("https:") && !this.o.development) throw new DmError(419, "a bootstrap travels only over TLS (9.3): Auth/Bootstrap/ServerURI must be https");
		const http = this.o.http({ srvId: `${srvId}#bootstrap`, srvUri: url, tls });
		try {
			const response = await http.request({ method: "GET", url, headers: [["Accept", "application/dmmo+json"]] });
			if (response.status !== 200) throw new DmError(419, `the bootstrap server answered HTTP ${response.status}`);
			const type = (response.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
			if (type !== "application/dmmo+json") throw new DmError(415, `the bootstrap server sent ${JSON.stringify(type)}, not application/dmmo+json`);
			const writer = this.bootstrapWriter();
			let placed: string[];
			try {
				for (let chunk = await response.read(); chunk; chunk = await response.read()) writer.write(chunk);
				placed = writer.end();
			} catch (e) {
				writer.abort();
				throw e;
			}
			return placedAccounts(placed).map((miid) => this.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] }) ?? miid);
		} finally {
			http.close?.();
		}
	}

	/** Server-initiated bootstrap (8.4), once a Package#0 from the bootstrap server an account names
	    was accepted. Figure 13 is missing from the spec; the server pushes the trigger, and the DM
	    Bootstrap itself travels as in 8.3, which gives what 8.4 and 9.3 demand: it is accepted only
	    from the server the account trusts as its bootstrap server, over TLS that authenticates both
	    sides with the Auth/Bootstrap credentials (9.3.2). A server that fails that handshake, answers
	    anything but dmmo+json, or sends a document that does not fit the MOs changes nothing; the
	    refusal is logged and counts as a failed session for the backoff. Then a BootstrapComplete
	    session with each account the bootstrap gave (8). */
	private async serverBootstrap(srvId: string): Promise<SessionOutcome> {
		if (this.busy) return { ok: false, reason: "a session is running" };
		const now = this.o.now();
		if (!this.backoff.mayStart(now)) return { ok: false, reason: `backing off after a failed session: ${this.backoff.waitFrom(now)} ms to wait` };
		this.busy = true;
		let accounts: string[];
		try {
			accounts = await this.clientBootstrap(srvId);
		} catch (e) {
			const reason = e instanceof Error ? e.message : String(e);
			this.o.log?.({ event: "bootstrap-refused", from: srvId, reason });
			this.backoff.failed(this.o.now());
			return { ok: false, reason: `bootstrap refused: ${reason}` };
		} finally {
			this.release();
		}
		this.o.log?.({ event: "bootstrap", from: srvId, accounts });
		return this.completeBootstrap(accounts);
	}

	/** SrvIDs of the accounts a bootstrap gave whose BootstrapComplete session has not yet
	    succeeded (8): the host runs completeBootstrap() for them at start and on its schedule. */
	owedBootstrapComplete(): string[] {
		const out: string[] = [];
		for (const key of this.store.children(OWED.slice(0, -1))) {
			const miid = key.slice(OWED.length);
			const srvId = this.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvID"] });
			if (srvId !== undefined) out.push(srvId);
		}
		return out.sort();
	}

	/** After a bootstrap, a session with each server it gave an account, carrying the
	    BootstrapComplete alert (8). Stops at the first that fails and says which. */
	async completeBootstrap(srvIds: readonly string[]): Promise<SessionOutcome> {
		let packages = 0;
		for (const srvId of srvIds) {
			const done = await this.session(srvId, { kind: "bootstrap" });
			if (!done.ok) return { ...done, reason: `BootstrapComplete session with ${srvId}: ${done.reason}` };
			packages += done.packages;
		}
		return { ok: true, packages };
	}

	/** Queues a Generic Alert for the next session with a server (5.4): each server has its own
	    (interpretation 21). */
	raise(alert: GenericAlert, srvId: string): string {
		return this.alerts.raise(alert, { srvId });
	}

	/** Runs a session with a server, then reports what its commands changed under a SUB (5.3.11).
	    Refused while another runs, or while backing off after a failure (interpretation 13): the
	    outcome says so and how long to wait. */
	async session(srvId: string, trigger: Trigger = { kind: "client" }): Promise<SessionOutcome> {
		const outcome = await this.runSession(srvId, trigger);
		if (!this.busy) await this.reportChanges();
		return outcome;
	}

	private async runSession(srvId: string, trigger: Trigger): Promise<SessionOutcome> {
		if (this.busy) return { ok: false, reason: "a session is running" };
		const now = this.o.now();
		if (!this.backoff.mayStart(now)) return { ok: false, reason: `backing off after a failed session: ${this.backoff.waitFrom(now)} ms to wait` };
		const miid = this.accountOf(srvId);
		if (miid === undefined) return { ok: false, reason: `no DM account with SrvID ${srvId}` };
		const credentials = this.credentials(miid, srvId);
		const owed = OWED + miid;
		// the first session the device starts with a freshly bootstrapped server says so (8)
		if (trigger.kind === "client" && this.store.has(owed)) trigger = { kind: "bootstrap" };
		this.busy = true;
		const http = this.o.http(credentials);
		try {
			const outcome = await runSession({
				tree: this.tree, store: this.store, http, alerts: this.alerts, reports: this.reports, device: this.device,
				srvId, trigger, random: (n) => this.o.random(n), development: this.o.development ?? false,
				...(this.o.hooks ? { hooks: this.o.hooks } : {}),
				...(this.o.bearer ? { bearer: this.o.bearer() } : {}),
				...(this.o.ddf ? { ddf: (m: string) => this.o.ddf!(m) } : {}),
				...(this.o.log ? { log: (e: SessionEvent) => this.o.log!(e) } : {}),
			});
			if (outcome.ok) {
				this.backoff.succeeded();
				if (trigger.kind === "bootstrap" && this.store.has(owed)) {
					this.store.transact((t) => t.delete(owed));
				}
			}
			else this.backoff.failed(this.o.now());
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
		let notified: { miid: string; srvId: string; bootstrap: boolean } | undefined;
		const verdict = screenPackage0(bytes, {
			account: (serverId) => {
				notified = this.notifiedAccount(serverId);
				if (!notified) return undefined;
				const secret = this.bytes(notified.miid, ["Auth", "Noti", "Secret"]);
				const data = this.bytes(notified.miid, ["Auth", "Noti", "Data"]);
				return { serverId: notified.srvId, ...(secret ? { secret } : {}), ...(data ? { authData: data } : {}) };
			},
			filter: this.filter, now: this.o.wallClock?.(), windowSeconds: this.o.notificationWindow ?? 600,
		});
		if (!verdict.accept) {
			this.o.log?.({ event: "notification", accepted: false, reason: verdict.reason });
			return undefined;
		}
		this.o.log?.({ event: "notification", accepted: true, serverId: verdict.serverId });
		const n = verdict.notification;
		const srvId = verdict.serverId;
		const run = notified?.bootstrap
			? () => this.serverBootstrap(srvId)
			: () => this.session(srvId, { kind: "server", requestMos: n.requestMos, ...(n.notificationId !== undefined ? { notificationId: n.notificationId } : {}) });
		this.held.delete(srvId);
		return this.overPreferred(srvId, n.preferredConnections ?? [], run);
	}

	/** The host's links changed: notifications held for a preferred connection that is now up run,
	    one after the other. Returns their outcomes. */
	async networkChanged(): Promise<SessionOutcome[]> {
		const outcomes: SessionOutcome[] = [];
		for (const [srvId, h] of [...this.held]) {
			if (this.held.get(srvId) !== h) continue;	// replaced by a newer notification meanwhile
			this.held.delete(srvId);
			const outcome = await this.overPreferred(srvId, h.preferred, h.run);
			if (outcome) outcomes.push(outcome);
		}
		return outcomes;
	}

	/** Runs a notification's session over the first of its preferred connections that is up, or
	    holds it (undefined) until networkChanged() finds one up (5.2.1.2). */
	private async overPreferred(srvId: string, preferred: readonly ConnectionType[], run: () => Promise<SessionOutcome>): Promise<SessionOutcome | undefined> {
		const network = this.o.network;
		if (!network || !preferred.length) return run();
		const choice = chooseConnection(preferred, network.available());
		if (choice.kind === "wait") {
			this.held.set(srvId, { preferred, run });
			this.o.log?.({ event: "connection", serverId: srvId, waitingFor: choice.for.map(connectionName) });
			return undefined;
		}
		if (choice.kind === "use") {
			this.o.log?.({ event: "connection", serverId: srvId, using: connectionName(choice.type) });
			await network.use?.(choice.type);
		}
		return run();
	}

	/** SUB (5.3.11): PUTs each subscribed sub-tree whose report would differ from the last one sent
	    (a sub-tree gone, or no longer readable by its server, is reported as an empty document).
	    Returns how many reports were sent; a failed one is tried again at the next trigger. */
	async reportChanges(): Promise<number> {
		// one pass at a time: a second trigger (a session's end and a device update at once) waits
		// for the running pass, then looks again, so a change is sent once and none is missed
		const previous = this.reporting;
		const pass = (async () => {
			if (previous) await previous.catch(() => 0);
			return this.reportPass();
		})();
		this.reporting = pass;
		try {
			return await pass;
		} finally {
			if (this.reporting === pass) this.reporting = undefined;
		}
	}

	private async reportPass(): Promise<number> {
		let sent = 0;
		for (const s of listSubscriptions(this.store)) {
			const access = new AccessControl(this.tree, { kind: "server", srvId: s.srvId });
			const selection = selectFor(access, s.clientUri);
			const seen = fingerprint(this.tree, selection);
			if (seen === s.seen) continue;
			const miid = this.accountOf(s.srvId);
			if (miid === undefined) continue;
			const credentials = this.credentials(miid, s.srvId);
			const http = this.o.http(credentials);
			let status: number;
			try {
				const url = substituteServerUri(s.serverUri, this.device);
				status = (await send(http, this.tree, "PUT", url, [selection ?? { refs: [], level: undefined }], undefined)).status;
				if (status >= 200 && status < 300) { saveSubscription(this.store, { ...s, seen }, s.id); sent++; }
			} catch (e) {
				status = e instanceof DmError ? e.status : 500;
			} finally {
				http.close?.();
			}
			this.o.log?.({ event: "subscription", clientUri: s.clientUri, status });
		}
		return sent;
	}

	/** DEFAULT (5.3.10): an application needs an MO the tree has no instance of; if a server left a
	    ServerURI for it, the data is fetched as HGET does, placed by the client. */
	async configure(moid: string): Promise<boolean> {
		if (this.tree.instances(moid).length) return true;
		const serverUri = defaultFor(this.store, moid);
		if (serverUri === undefined || this.busy) return false;
		const http = this.o.http({ srvId: "", srvUri: serverUri, tls: undefined });
		this.reports.hold();
		let placed: boolean;
		try {
			placed = (await hget(this.context(new AccessControl(this.tree, DEVICE), "", http), serverUri)).status === 200;
		} catch {
			placed = false;
		} finally {
			this.reports.release();
			http.close?.();
		}
		if (placed) await this.reportChanges();
		return placed;
	}

	// ---- helpers ----

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

	/** The account a Package#0 is for (5.2.1.2): by SrvID; without a SERVER-ID the only account, if
	    there is one; or the one account whose Auth/Bootstrap/ServerURI the SERVER-ID is (a bootstrap
	    server has no SrvID of its own on the device: it is known by its URI). Several accounts naming
	    the same bootstrap server would make the trigger's credentials ambiguous: none is chosen. */
	private notifiedAccount(serverId: string | undefined): { miid: string; srvId: string; bootstrap: boolean } | undefined {
		const all = this.tree.instances(MOIDS.dmAcc);
		const srvIdOf = (m: string): string => this.tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["SrvID"] }) ?? m;
		if (serverId === undefined) return all.length === 1 ? { miid: all[0]!, srvId: srvIdOf(all[0]!), bootstrap: false } : undefined;
		const miid = this.accountOf(serverId);
		if (miid !== undefined) return { miid, srvId: serverId, bootstrap: false };
		const naming = all.filter((m) => this.tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["Auth", "Bootstrap", "ServerURI"] }) === serverId);
		return naming.length === 1 ? { miid: naming[0]!, srvId: srvIdOf(naming[0]!), bootstrap: true } : undefined;
	}

	private accountOf(srvId: string): string | undefined {
		return this.tree.instances(MOIDS.dmAcc).find((m) => this.tree.text({ moid: MOIDS.dmAcc, miid: m, path: ["SrvID"] }) === srvId);
	}

	private bytes(miid: string, path: string[]): Uint8Array | undefined {
		const ref = { moid: MOIDS.dmAcc, miid, path };
		return this.tree.has(ref) ? this.store.get(this.tree.key(ref)) : undefined;
	}

	/** What the transport needs to reach the server of the account at `miid` (SrvID `srvId`). */
	private credentials(miid: string, srvId: string): AccountCredentials {
		const anchors = (this.tree.childNames({ moid: MOIDS.dmAcc, miid, path: ["Ext", "TrustAnchor"] }) ?? [])
			.map((x) => this.bytes(miid, ["Ext", "TrustAnchor", x])).filter((b): b is Uint8Array => b !== undefined);
		return {
			srvId, srvUri: this.tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] }) ?? "",
			tls: trspCredentials(this.bytes(miid, ["Auth", "Trsp", "Data"]), this.bytes(miid, ["Auth", "Trsp", "Secret"]), anchors),
		};
	}
}
