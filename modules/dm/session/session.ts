// One DM session (5.2): Package#1, then Package#2 → commands → Package#3 until END, over the
// host's HttpClient (one keep-alive connection per origin). Nothing is retried (5.6): a 4xx/5xx
// answer, a transport failure or a malformed Package#2 aborts the session, and the caller spaces
// the next trigger by backoff (interpretation 13).
//
//   client                                   server
//     | POST Package#1 (session alert, MOS?, queued alerts) ->
//     | <- 200 Package#2 (CMD...)          commands run as the package streams in
//     | POST Package#3 (statuses, new alerts; GET data in multipart) ->
//     | <- 200 Package#2 (... END)         processed, nothing answered
//
// A Generic Alert is acknowledged (removed from flash) only when the Package#2 that answers the
// package carrying it has arrived whole. GET data is written after the Package#3 (Appendix F);
// when a later command of the same package may change the tree, the data is spooled to flash
// first, so that it shows the tree as the GET saw it.
import { DmError, type DmStatus } from "../error.js";
import { Feed, JsonWriter, MultipartWriter, Package2Reader, Package3Writer, makeBoundary, writePackage1, type CommandItem, type GenericAlert, type SupportedMo } from "../codec/index.js";
import { AlertTypes, serverInitiatedAlert } from "../codec/index.js";
import { BodySink, BODY_BUFFER, changesTree, discardBody, mediaType, runCommandNow, runToEnd, writeDmmo, type CommandContext, type CommandHooks, type CommandResult, type GetData } from "../commands/index.js";
import { GET_SPOOL_PREFIX, type Store } from "../store/index.js";
import { AccessControl, DEVICE_WRITES, grantDeviceInstance, type Tree } from "../tree/index.js";
import { MOIDS, type DeviceInfoProvider } from "../uri/index.js";
import type { AlertQueue } from "./alerts.js";
import { TransportError, httpAuthorityEnd, isHttps, parseUrl, resolveLocation, type BodyWriter, type HttpClient, type HttpRequest, type HttpResponse } from "../../http/index.js";
import { PackageMime } from "./mime.js";
import type { ReportInbox } from "./reports.js";
import { BodySpool } from "./body-spool.js";
import { isSpace } from "../../bytes/index.js";

export type Trigger =
	| { readonly kind: "client" }
	| { readonly kind: "server"; readonly notificationId?: number; readonly requestMos?: boolean }
	| { readonly kind: "bootstrap" };

/** SessionInfo (12.4): the bearer of this session. */
export interface Bearer { cbt: 0 | 1 | 2 | 3; roaming: 0 | 1 | 2 }

export type SessionEvent =
	| { event: "sent"; package: 1 | 3; url: string; statuses: number; alerts: number; getParts: number }
	| { event: "received"; package: 2; status: number }
	/** the DM server moved the session's endpoint (followed once a session) */
	| { event: "redirected"; status: number; url: string }
	| { event: "command"; index: number; name: string; target: string; status: DmStatus }
	| { event: "aborted"; reason: string }
	| { event: "ended"; packages: number };

export interface SessionOptions {
	tree: Tree;
	store: Store;
	http: HttpClient;
	alerts: AlertQueue;
	reports: ReportInbox;
	device: DeviceInfoProvider;
	hooks?: CommandHooks;
	/** the SrvID of the DMAcc account to talk to */
	srvId: string;
	/** the MIID of its DMAcc instance, as the caller found it (tree/account.ts accountOf): looked
	    up once per session by the caller, not again here */
	miid: string;
	/** where to send the Package#1, when not the account's SrvURI: a URL a command named for a
	    report (an EXEC's ServerURI, 5.3.5: "in a new DM Session"), which such a session delivers */
	url?: string;
	trigger: Trigger;
	/** random bytes (multipart boundaries) */
	random: (length: number) => Uint8Array;
	bearer?: Bearer;
	/** a DDF link per MOID for MOS (5.2.2), when the device publishes one */
	ddf?: (moid: string) => string | undefined;
	/** plain http allowed (interpretation 12) */
	development?: boolean;
	log?: (e: SessionEvent) => void;
	/** most Package#2s in one session (default 256): a server that never says END is cut off */
	maxPackages?: number;
}

export type SessionOutcome =
	| { ok: true; packages: number }
	| { ok: false; reason: string; httpStatus?: number };

const SPOOL = GET_SPOOL_PREFIX;

class Abort extends Error {
	constructor(message: string, readonly httpStatus?: number) { super(message); }
}

function command(item: CommandItem): { name: string; target: string } {
	const c = item.command;
	if (!c) return { name: "?", target: "" };
	const target = "clientUri" in c && c.clientUri !== undefined ? c.clientUri : "clientUris" in c ? c.clientUris.join(" ") : "serverUri" in c ? c.serverUri ?? "" : "";
	return { name: c.name, target };
}

/** MOS (5.2.2): MOIDs the account's Perm provisioned, each with the instances the server may touch. */
export function supportedMos(tree: Tree, access: AccessControl, ddf?: (moid: string) => string | undefined): SupportedMo[] {
	const out: SupportedMo[] = [];
	for (const moid of tree.moids()) {
		if (!access.provisioned(moid)) continue;
		const link = ddf?.(moid);
		const miids = tree.instances(moid).filter((m) => access.exposed(moid, m));
		out.push(link === undefined ? { MOID: moid, MIID: miids } : { DDF: link, MOID: moid, MIID: miids });
	}
	return out;
}

const UNKNOWN_BEARER: Bearer = Object.freeze({ cbt: 0, roaming: 2 });

/** Redirects that keep the method (RFC 9110 15.4: 307/308 must, 301/302 may), and 303. */
const POST_REDIRECTS: readonly number[] = Object.freeze([301, 302, 303, 307, 308]);

/** scheme://authority of an http(s) URL, without case; the URL itself when it is none */
export const originOf = (url: string): string => { const end = httpAuthorityEnd(url); return (end < 0 ? url : url.slice(0, end)).toLowerCase(); };
/** Whether url starts with http(s):// and an authority's first character (not a space) */
export const isHttpUrl = (url: string): boolean => { const end = httpAuthorityEnd(url); return end >= 0 && !isSpace(url.charCodeAt(url.indexOf("//") + 2)); };

/** The commands' HTTP (HGET, HPUT, HPOST). A request to the DM server's own origin shares the
    session's keep-alive connection: when the transport fails there, the connection to the DM
    server is gone, and carrying on would mean connecting to it again. 5.6 forbids that, so the
    failure is the session's, not only the command's 419: `failure` tells the session to abort. */
class CommandHttp implements HttpClient {
	failure: TransportError | undefined;
	constructor(private readonly http: HttpClient, private readonly sessionUrl: () => string) {}

	async request(req: HttpRequest): Promise<HttpResponse> {
		if (originOf(req.url) !== originOf(this.sessionUrl())) return this.http.request(req);
		let res: HttpResponse;
		try {
			res = await this.http.request(req);
		} catch (e) {
			if (e instanceof TransportError) this.failure = e;
			throw e;
		}
		const failed = (e: unknown): never => {
			if (e instanceof TransportError) this.failure = e;
			throw e;
		};
		const wrapped: HttpResponse = { status: res.status, header: (name) => res.header(name), read: () => res.read().catch(failed) };
		if (res.pull) wrapped.pull = (take) => res.pull!(take).catch(failed);
		return wrapped;
	}
}

export class DmSession {
	private readonly access: AccessControl;
	private url = "";
	/** the URL the session started at; it is the account's own SrvURI (`home`) unless a report
	    session was sent elsewhere: each carries the alerts queued for it */
	private endpoint = { url: "", home: true };
	/** a redirect was followed in this session: the next one aborts it */
	private redirected = false;
	private devId = "";
	private omadmAccept: string | undefined;
	/** alerts carried by the package in flight, removed when its answer arrives whole */
	private carried: string[] = [];
	private packages = 0;
	/** the rest of a Package#2 parked on flash while a command uses the connection */
	private readonly parked: BodySpool;
	/** whether GET data may be spooled on flash: unknown at the start (a power cut may have left
	    some), then true once spool() writes */
	private spooled = true;

	constructor(private readonly o: SessionOptions) {
		this.access = new AccessControl(o.tree, { kind: "server", srvId: o.srvId });
		this.parked = new BodySpool(o.store);
	}

	async run(): Promise<SessionOutcome> {
		try {
			this.prepare();
			let res = await this.post(1, PackageMime.initiation, (out) => this.package1(out), { statuses: 0, alerts: 1 + this.waitingAlerts().length, getParts: 0 });
			for (;;) {
				const step = await this.package2(res);
				if (step.end) {
					this.log({ event: "ended", packages: this.packages });
					return { ok: true, packages: this.packages };
				}
				if (this.packages >= (this.o.maxPackages ?? 256)) throw new Abort(`the server sent ${this.packages} packages without END`);
				res = await this.package3(step.results, step.gets);
				this.clearSpool();
			}
		} catch (e) {
			const reason = e instanceof Abort || e instanceof TransportError || e instanceof DmError ? e.message : `internal error: ${String(e)}`;
			this.log({ event: "aborted", reason });
			return e instanceof Abort && e.httpStatus !== undefined ? { ok: false, reason, httpStatus: e.httpStatus } : { ok: false, reason };
		} finally {
			try { this.clearSpool(); this.parked.clear(); } catch { /* the next session clears it */ }
		}
	}

	private log(e: SessionEvent): void { this.o.log?.(e); }

	/** The alerts this session carries: its server's, for the URL it started at (interpretation 21). */
	private waitingAlerts(): string[] {
		return this.o.alerts.waiting(this.o.srvId, this.endpoint.url, this.endpoint.home);
	}

	private prepare(): void {
		const { tree } = this.o;
		const miid = this.o.miid;
		const srvUri = tree.text({ moid: MOIDS.dmAcc, miid, path: ["SrvURI"] });
		const url = this.o.url ?? srvUri;
		if (!url || !isHttpUrl(url)) throw new Abort(this.o.url === undefined ? `the account ${this.o.srvId} has no usable SrvURI` : `the report URL ${(url ?? "").slice(0, 64)} is no http(s) URL`);
		if (!this.o.development && !isHttps(url)) throw new Abort("the SrvURI is plain http: allowed only in development mode (interpretation 12)");
		this.url = url;
		this.endpoint = { url, home: url === srvUri };
		const devInfo = tree.instances(MOIDS.devInfo)[0];
		this.devId = (devInfo !== undefined ? tree.text({ moid: MOIDS.devInfo, miid: devInfo, path: ["DevID"] }) : undefined) ?? this.o.device.devId();
		this.clearSpool();
		this.parked.clear();
		this.updateSessionInfo();
	}

	/** SessionInfo (12.4) describes this session's bearer; written by the device, only when it
	    changed. It exists in every session (interpretation 17): a host that cannot tell its bearer
	    says 0, "OTHERS/UNKNOWN", as 12.4 has it. */
	private updateSessionInfo(): void {
		const b = this.o.bearer ?? UNKNOWN_BEARER;
		const roaming = b.cbt === 1 ? b.roaming : 2;
		const { tree } = this.o;
		let miid = tree.instances(MOIDS.sessionInfo)[0];
		// most sessions run on the bearer the last one did: two reads then, and no change set, whose
		// checks cost a session 3 % of its instructions for nothing
		if (miid !== undefined && tree.text({ moid: MOIDS.sessionInfo, miid, path: ["CBT"] }) === String(b.cbt)
			&& tree.text({ moid: MOIDS.sessionInfo, miid, path: ["ROAMING"] }) === String(roaming)) return;
		const cs = tree.change(DEVICE_WRITES);
		try {
			if (miid === undefined) {
				miid = "session";
				cs.createInstance(MOIDS.sessionInfo, miid);
				grantDeviceInstance(cs, MOIDS.sessionInfo, miid);	// readable by the servers whose Perm names it (interpretation 16)
			}
			cs.put({ moid: MOIDS.sessionInfo, miid, path: ["CBT"] }, b.cbt);
			cs.put({ moid: MOIDS.sessionInfo, miid, path: ["ROAMING"] }, roaming);
			cs.commit();
		} finally {
			cs.abort();
		}
	}

	private headers(contentType: string): [string, string][] {
		return [["Content-Type", contentType], ["Accept", PackageMime.request], ["OMADM-DevID", this.devId]];
	}

	private async post(pkg: 1 | 3, contentType: string, body: (out: BodyWriter) => Promise<void>, counts = { statuses: 0, alerts: 0, getParts: 0 }): Promise<HttpResponse> {
		let res = await this.o.http.request({ method: "POST", url: this.url, headers: this.headers(contentType), body });
		this.log({ event: "sent", package: pkg, url: this.url, ...counts });
		this.packages++;
		this.log({ event: "received", package: 2, status: res.status });
		if (POST_REDIRECTS.includes(res.status)) {
			await this.redirect(res);
			res = await this.o.http.request({ method: "POST", url: this.url, headers: this.headers(contentType), body });
			this.log({ event: "sent", package: pkg, url: this.url, ...counts });
			this.log({ event: "received", package: 2, status: res.status });
		}
		if (res.status !== 200) {
			await discardBody(res).catch(() => undefined);
			throw new Abort(`the server answered HTTP ${res.status}: session aborted (5.6)`, res.status);
		}
		const type = mediaType(res.header("Content-Type"));
		if (type !== PackageMime.request) {
			await discardBody(res).catch(() => undefined);
			throw new Abort(`the server answered ${type || "untyped data"}, not a Package#2`);
		}
		const accept = res.header("OMADM-Accept");
		if (accept !== undefined) this.omadmAccept = accept;
		return res;
	}

	/** A DM server that moves its endpoint answers a package with a redirect. 5.6 names only 4xx,
	    5xx and expiry as the end of a session, so the client follows it: once per session (a second
	    one could be a loop, and aborts), the package sent again to the Location, which the rest of
	    the session uses (the account's SrvURI is not changed: the move holds for this session). The
	    account's credentials go only to their own origin (the transport's rule), so a move to another
	    origin is taken only where that origin proves itself to the device by other means. 303 "See
	    Other" asks for a GET, which carries no package: the session aborts. */
	private async redirect(res: HttpResponse): Promise<void> {
		const location = res.header("Location");
		await discardBody(res).catch(() => undefined);
		if (res.status === 303) throw new Abort("the server answered 303 See Other: a package cannot be sent as a GET; session aborted", res.status);
		if (this.redirected) throw new Abort(`the server redirected the session a second time (HTTP ${res.status}): session aborted`, res.status);
		let next: string | undefined;
		try {
			// absolute, or a path on the answering origin; a relative path is refused (modules/http)
			const to = location === undefined ? undefined : resolveLocation(location.trim(), parseUrl(this.url));
			next = to && `${to.scheme}://${to.authority}${to.target}`;
		} catch {
			next = undefined;
		}
		if (next === undefined) throw new Abort(`the server's ${res.status} redirect has no usable Location: session aborted`, res.status);
		if (!this.o.development && !isHttps(next)) throw new Abort("the server redirected the session to plain http: refused outside development mode (interpretation 12)", res.status);
		this.redirected = true;
		this.url = next;
		this.log({ event: "redirected", status: res.status, url: next });
	}

	// ---- Package#1 ----

	/** Synchronous but for the wait on the transport (no async frame): a throw is the Promise's rejection. */
	private package1(out: BodyWriter): Promise<void> {
		try {
			return this.package1Body(out);
		} catch (e) {
			return Promise.reject(e);
		}
	}

	private package1Body(out: BodyWriter): Promise<void> {
		const t = this.o.trigger;
		const first: GenericAlert = t.kind === "server" ? serverInitiatedAlert(t.notificationId)
			: { AlertType: t.kind === "bootstrap" ? AlertTypes.BootstrapComplete : AlertTypes.ClientInitiatedMgmt };
		this.carried = this.waitingAlerts();
		const mos = t.kind === "server" && t.requestMos ? supportedMos(this.o.tree, this.access, this.o.ddf) : undefined;
		const sink = new BodySink(out);
		const alerts = this.o.alerts;
		const carried = this.carried;
		function* all(): Generator<GenericAlert> {
			yield first;
			for (const id of carried) { const a = alerts.read(id); if (a) yield a; }
		}
		writePackage1(new JsonWriter(sink.sink, BODY_BUFFER), mos, all());
		return sink.settle();
	}

	// ---- Package#2 ----

	private async package2(res: HttpResponse): Promise<{ end: boolean; results: CommandResult[]; gets: GetData[] }> {
		const items: CommandItem[] = [];
		const reader = new Package2Reader((item) => items.push(item));
		let whole = false;
		const parked = this.parked;
		// a piece at a time, awaiting only a piece that has not arrived: a parked body is read back at once
		const feed = (chunk: Uint8Array | undefined): void => {
			const r = chunk === undefined ? reader.feed(new Uint8Array(0), true) : reader.feed(chunk);
			const broken = reader.toDmError();
			if (r < 0 || broken) throw new Abort(broken?.message ?? "a malformed Package#2");
			if (chunk === undefined) {
				if (r !== Feed.Done) throw new Abort("the Package#2 ended early");
				whole = true;
				if (parked.active) parked.clear();
				// the server answered the package that carried these alerts
				this.o.alerts.acknowledge(this.carried);
				this.carried = [];
			}
		};
		const http = new CommandHttp(this.o.http, () => this.url);
		const ctx: CommandContext = {
			tree: this.o.tree, store: this.o.store, access: this.access, srvId: this.o.srvId, http,
			device: this.o.device, report: this.o.reports.push, hooks: this.o.hooks ?? {},
			omadmAccept: this.omadmAccept, development: this.o.development ?? false,
		};
		const results: CommandResult[] = [];
		const gets: GetData[] = [];
		let end = false;
		for (;;) {
			while (!items.length && !whole) feed(parked.active ? parked.next() : await res.read());
			const item = items.shift();
			if (!item) break;
			const c = item.command;
			// the DM connection must be free before a command makes its own request: the rest of the
			// package waits on flash, not in RAM
			if (c && (c.name === "HGET" || c.name === "HPUT" || c.name === "HPOST") && !whole && !parked.active) {
				this.o.reports.hold();
				try {
					await parked.fill(res);
				} catch (e) {
					if (e instanceof DmError) throw new Abort(`the rest of the Package#2 could not be kept on flash: ${e.message}`);
					throw e;
				} finally {
					this.o.reports.release();
				}
			}
			if (c && changesTree(c)) this.spool(gets, results);
			this.o.reports.hold();
			let result: CommandResult;
			try {
				const now = runCommandNow(ctx, item);
				result = now instanceof Promise ? await now : now;
			} finally {
				this.o.reports.release();
			}
			results.push(result);
			if (result.get) gets.push(result.get);
			if (result.end) end = true;
			if (result.continueAt) this.url = result.continueAt;
			const { name, target } = command(item);
			this.log({ event: "command", index: item.index, name, target, status: result.status });
			if (http.failure) throw new Abort(`the connection to the DM server failed during ${name}: ${http.failure.message}: session aborted (5.6)`);
		}
		return { end, results, gets };
	}

	// ---- GET data kept as it was ----

	private spoolKey(index: number): string { return SPOOL + String(index).padStart(5, "0"); }

	/** Writes the data of GETs not yet spooled to flash; one that cannot be kept becomes 500. */
	private spool(gets: GetData[], results: CommandResult[]): void {
		for (const g of gets) {
			const key = this.spoolKey(g.index);
			if (this.o.store.has(key)) continue;
			this.spooled = true;
			const t = this.o.store.begin();
			try {
				const s = t.putStream(key);
				// write() puts the bytes into journal records before it returns: no copy of the buffer
				runToEnd(writeDmmo(this.o.tree, [g.selection], new JsonWriter((b) => s.write(b), BODY_BUFFER)));
				s.end();
				t.commit();
			} catch {
				t.abort();
				const r = results.find((x) => x.get === g);
				if (r) { r.status = 500; delete r.get; }
			}
		}
		for (let i = gets.length - 1; i >= 0; i--) if (!results.some((r) => r.get === gets[i])) gets.splice(i, 1);
	}

	/** Drops the spooled GET data. The listing reads every root key back from flash, so it runs
	    only when this session may have spooled something: at its start (a power cut may have left
	    some) and after spool(). */
	private clearSpool(): void {
		if (!this.spooled) return;
		const keys = this.o.store.rootKeys(SPOOL);
		if (keys.length) this.o.store.transact((t) => { for (const k of keys) t.delete(k); });
		this.spooled = false;
	}

	// ---- Package#3 ----

	private async package3(results: CommandResult[], gets: GetData[]): Promise<HttpResponse> {
		const carried = this.waitingAlerts();
		this.carried = carried;
		const counts = { statuses: results.length, alerts: carried.length, getParts: gets.length };
		const writeStatus = (w: JsonWriter): void => {
			const p3 = new Package3Writer(w);
			for (const r of results) p3.status(r.status, r.uris);
			for (const id of carried) { const a = this.o.alerts.read(id); if (a) p3.alert(a); }
			p3.end();
		};
		if (!gets.length) {
			// synchronous but for the wait on the transport, as package1
			return this.post(3, PackageMime.response, (out) => {
				try {
					const sink = new BodySink(out);
					writeStatus(new JsonWriter(sink.sink, BODY_BUFFER));
					return sink.settle();
				} catch (e) {
					return Promise.reject(e);
				}
			}, counts);
		}
		const boundary = makeBoundary(this.o.random(16));
		return this.post(3, `multipart/form-data; boundary=${boundary}`, async (out) => {
			const sink = new BodySink(out);
			const mp = new MultipartWriter(sink.sink, boundary);
			mp.beginPart(PackageMime.response);
			writeStatus(new JsonWriter(sink.sink, BODY_BUFFER));
			mp.endPart();
			await sink.settle();
			for (const g of gets) {
				mp.beginPart("application/dmmo+json", String(g.index));
				const reader = this.o.store.reader(this.spoolKey(g.index));
				if (reader) {
					for (let c = reader.next(); c; c = reader.next()) { sink.sink(c); await sink.settle(); }
				}
				else await sink.run(writeDmmo(this.o.tree, [g.selection], new JsonWriter(sink.sink, BODY_BUFFER)));
				mp.endPart();
			}
			mp.end();
			await sink.settle();
		}, counts);
	}
}

/** Runs one session to its end; never throws. */
export function runSession(o: SessionOptions): Promise<SessionOutcome> {
	return new DmSession(o).run();
}
