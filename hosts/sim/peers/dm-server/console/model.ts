// The console's view of the devices, built only from the development server's own record (its
// Session objects and repository requests, the ones the tests read) as its events arrive: what the
// page shows cannot disagree with what went over the wire. Everything kept per device is bounded
// (sessions, alerts, reports, tree nodes, queued actions) and so is the number of devices.
import { parseClientUri } from "../../../../../modules/dm/uri/index.js";
import { SESSION_ALERTS, type Alert, type Command, type MoData } from "../packages.js";
import type { DmServer, RepositoryRequest, ServerEvent, Session } from "../server.js";
import { Refused, toDmCommand, type ActionPlaces, type ActionRequest } from "./actions.js";

export const LIMITS = Object.freeze({
	devices: 1000, sessionsPerDevice: 50, alertsPerDevice: 100, reportsPerDevice: 50,
	nodesPerDevice: 2000, queuedPerDevice: 16, hgetValues: 256, actionsShown: 32, valueChars: 4096, reportChars: 4096,
});

/** Node names whose values the page never shows (the device never sends them; this is the second wall). */
const SECRET = /secret|^pin$|password|psk/i;

export interface TreeNode { uri: string; format: "node" | "chr" | "int" | "float" | "bool" | "null"; value?: string; hidden?: true }

/** One account of a device, seen from this server: the DM endpoint its sessions came to (issue 15
    may add servers; each origin is an account) and the SrvID the device holds for it, once read. */
export interface AccountView { endpoint: string; srvId?: string; sessions: number; lastSessionAt: number }

export interface ActionView { id: number; kind: string; command: Command; state: "queued" | "sent" | "answered" | "cut"; session?: number; status?: number; queuedAt: number }

export interface AlertView { at: number; session: number; alert: Alert }
export interface ReportView { at: number; method: string; path: string; contentType?: string; body: string; truncated: boolean }

export interface DeviceView {
	devId: string;
	firstSeen: number;
	lastSeen: number;
	accounts: Map<string, AccountView>;
	/** the server's record of this device's sessions, newest last (the same objects) */
	sessions: Session[];
	/** ClientURI text (instance named) → node; as the server last read it */
	tree: Map<string, TreeNode>;
	alerts: AlertView[];
	reports: ReportView[];
	queue: ActionView[];
	/** queued, sent and answered actions, newest last */
	actions: ActionView[];
	notifyPort?: number;
}

/** What the page reads: plain JSON. */
export interface DeviceSummary { devId: string; accounts: AccountView[]; firmware?: string; lastSession?: SessionSummary; online: boolean; lastSeen: number; queued: number }
export interface SessionSummary { index: number; trigger: string; endpoint: string; startedAt: number; endedAt?: number; outcome: "in progress" | "ended" | "violation" | "cut" }

export function outcome(s: Session): SessionSummary["outcome"] {
	if (s.cut) return "cut";
	if (s.violations.length) return "violation";
	return s.over ? "ended" : "in progress";
}

function summary(s: Session): SessionSummary {
	return { index: s.index, trigger: s.trigger, endpoint: s.endpoint, startedAt: s.startedAt, ...(s.endedAt !== undefined ? { endedAt: s.endedAt } : {}), outcome: outcome(s) };
}

function push<T>(list: T[], item: T, max: number): void {
	list.push(item);
	if (list.length > max) list.splice(0, list.length - max);
}

function clip(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

function format(v: unknown): TreeNode["format"] {
	if (v === null) return "null";
	if (typeof v === "boolean") return "bool";
	if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
	if (typeof v === "object") return "node";
	return "chr";
}

export class ConsoleModel {
	readonly devices = new Map<string, DeviceView>();
	private actionCount = 0;
	private hgetCount = 0;
	private readonly hgetPaths: string[] = [];
	private readonly stop: () => void;

	/** @param changed told the DevID of each device whose view changed (the page's live updates) */
	constructor(private readonly server: DmServer, private readonly places: { base: () => string }, private readonly changed: (devId: string) => void) {
		this.stop = server.observe((e) => this.hear(e));
		server.supply((s) => this.next(s));
	}

	close(): void {
		this.stop();
	}

	device(devId: string): DeviceView {
		let d = this.devices.get(devId);
		if (!d) {
			const now = Date.now();
			d = { devId, firstSeen: now, lastSeen: now, accounts: new Map(), sessions: [], tree: new Map(), alerts: [], reports: [], queue: [], actions: [] };
			this.devices.set(devId, d);
			if (this.devices.size > LIMITS.devices) {
				const oldest = [...this.devices.values()].reduce((a, b) => (b.lastSeen < a.lastSeen ? b : a));
				this.devices.delete(oldest.devId);
			}
		}
		return d;
	}

	/** The SUB report URL of one device: reports are told apart by where they arrive (they carry no DevID). */
	reportPath(devId: string): string {
		return `/console/reports/${encodeURIComponent(devId)}`;
	}

	/** Queues an action for the device's next session, or throws Refused with the reason. */
	queue(devId: string, a: ActionRequest): ActionView {
		const d = this.devices.get(devId);
		if (!d) throw new Refused(`no device ${JSON.stringify(devId.slice(0, 80))} has connected`);
		const hgetPath = `/console/hget/${this.hgetCount + 1}`;
		const places: ActionPlaces = { hgetUrl: `${this.places.base()}${hgetPath}`, reportUrl: `${this.places.base()}${this.reportPath(devId)}` };
		const command = toDmCommand(a, places);
		if (d.queue.length >= LIMITS.queuedPerDevice) throw new Refused(`at most ${LIMITS.queuedPerDevice} actions wait for one session: notify the device first`);
		if (a.kind === "HGET") {
			this.hgetCount++;
			this.server.serve(hgetPath, { contentType: "text/plain", body: a.value! });
			this.hgetPaths.push(hgetPath);
			// the values of old HGETs are dropped once many more were queued: the repository stays bounded
			if (this.hgetPaths.length > LIMITS.hgetValues) this.server.serve(this.hgetPaths.shift()!, undefined);
		}
		const action: ActionView = { id: ++this.actionCount, kind: a.kind, command, state: "queued", queuedAt: Date.now() };
		d.queue.push(action);
		push(d.actions, action, LIMITS.actionsShown);
		this.changed(devId);
		return action;
	}

	/** The Package#2 of queued actions for a session past its script (DmServer's `next`): all at once, then END. */
	next(session: Session): Command[] | undefined {
		const d = this.devices.get(session.devId);
		if (!d || d.queue.length === 0 || session.received.length !== session.sent.length + 1) return undefined;
		const taken = d.queue.splice(0);
		for (const a of taken) { a.state = "sent"; a.session = session.index; }
		this.changed(d.devId);
		return taken.map((a) => a.command);
	}

	private hear(e: ServerEvent): void {
		if (e.kind === "repository") { this.report(e.request); return; }
		const s = e.session;
		if (!s) return;
		const d = this.device(s.devId);
		d.lastSeen = Date.now();
		if (e.kind === "received" && e.received.kind === "package1") {
			push(d.sessions, s, LIMITS.sessionsPerDevice);
			const account = d.accounts.get(s.endpoint) ?? { endpoint: s.endpoint, sessions: 0, lastSessionAt: 0 };
			account.sessions++;
			account.lastSessionAt = s.startedAt;
			d.accounts.set(s.endpoint, account);
			this.alerts(d, s, e.received.body.Alert ?? []);
		}
		if (e.kind === "received" && e.received.kind === "package3") {
			const commands = s.sent[s.sent.length - 1] ?? [];
			// GET data first: the device ran (or spooled) each GET before any later command changed the tree
			e.received.results.forEach((parts) => { for (const m of parts) this.read(d, m); });
			this.answered(d, s, commands, e.received.body.Status.map((x) => x.sc));
			this.alerts(d, s, e.received.body.Alert ?? []);
		}
		if (e.kind === "cut") for (const a of d.actions) if (a.session === s.index && a.state === "sent") a.state = "cut";
		this.changed(d.devId);
	}

	private alerts(d: DeviceView, s: Session, alerts: Alert[]): void {
		for (const alert of alerts) if (!Object.values(SESSION_ALERTS).includes(alert.AlertType as never)) push(d.alerts, { at: Date.now(), session: s.index, alert }, LIMITS.alertsPerDevice);
	}

	/** Statuses of the commands the console queued; a DELETE that succeeded takes its nodes out of the tree. */
	private answered(d: DeviceView, s: Session, commands: Command[], statuses: number[]): void {
		commands.forEach((c, i) => {
			const sc = statuses[i];
			const a = d.actions.find((x) => x.session === s.index && x.state === "sent" && x.command === c);
			if (a && sc !== undefined) { a.state = "answered"; a.status = sc; }
			if (c[0] === "DELETE" && sc === 200) {
				const uri = this.named(d, c[1]!);
				for (const k of [...d.tree.keys()]) if (k === uri || k.startsWith(uri.endsWith("/") ? uri : `${uri}/`)) d.tree.delete(k);
			}
		});
	}

	/** A ClientURI with the MO's only instance named when the tree knows it ("MOID//X" → "MOID/inst/X"). */
	private named(d: DeviceView, text: string): string {
		const slash = text.indexOf("/");
		if (text.charAt(slash + 1) !== "/") return text;
		const only = this.onlyInstance(d, text.slice(0, slash));
		return only === undefined ? text : `${text.slice(0, slash + 1)}${encodeURIComponent(only)}${text.slice(slash + 1)}`;
	}

	private onlyInstance(d: DeviceView, moid: string): string | undefined {
		const instances = new Set([...d.tree.keys()].filter((k) => k.startsWith(`${moid}/`) && k.charAt(moid.length + 1) !== "/").map((k) => decodeURIComponent(k.slice(moid.length + 1).split("/")[0]!)));
		return instances.size === 1 ? [...instances][0] : undefined;
	}

	/** GET data (dmmo+json) into the tree: MOData's one member is the addressed node, by its name. */
	private read(d: DeviceView, m: MoData): void {
		let moid: string, instance: string, path: string[];
		try {
			const u = parseClientUri(m.ClientURI);
			moid = m.ClientURI.slice(0, m.ClientURI.indexOf("/"));
			instance = u.instance.kind === "miid" ? u.instance.miid : "";
			path = u.path.map((p) => (p.kind === "name" ? p.name : p.kind === "x" ? `(${p.x})` : "*"));
		} catch {
			return;	// the server checked the dmmo+json; a ClientURI the parser refuses is not placed in the tree
		}
		for (const [name, value] of Object.entries(m.MOData)) {
			// at the instance root MOData is named by the instance itself; below it, by the node's name
			const parts = path.length === 0 ? [name] : [instance || (this.onlyInstance(d, moid) ?? ""), ...path.slice(0, -1), name];
			this.place(d, `${moid}/${parts.map((p) => encodeURIComponent(p)).join("/")}`, name, value);
		}
	}

	private place(d: DeviceView, uri: string, name: string, value: unknown): void {
		const f = format(value);
		if (f === "node") {
			this.set(d, uri, { uri, format: "node" });
			for (const [k, v] of Object.entries(value as Record<string, unknown>)) this.place(d, `${uri}/${encodeURIComponent(k)}`, k, v);
			return;
		}
		if (SECRET.test(name)) { this.set(d, uri, { uri, format: f, hidden: true }); return; }
		this.set(d, uri, { uri, format: f, value: clip(value === null ? "null" : String(value), LIMITS.valueChars) });
	}

	private set(d: DeviceView, uri: string, node: TreeNode): void {
		if (!d.tree.has(uri) && d.tree.size >= LIMITS.nodesPerDevice) return;
		d.tree.set(uri, node);
	}

	private report(r: RepositoryRequest): void {
		const m = /^\/console\/reports\/(.+)$/.exec(r.path);
		if (!m || (r.method !== "PUT" && r.method !== "POST")) return;
		let devId: string;
		try { devId = decodeURIComponent(m[1]!); } catch { return; }
		const d = this.devices.get(devId);
		if (!d) return;
		const body = r.body.toString("utf8");
		push(d.reports, { at: r.at, method: r.method, path: r.path, ...(r.contentType ? { contentType: r.contentType } : {}), body: clip(body, LIMITS.reportChars), truncated: body.length > LIMITS.reportChars }, LIMITS.reportsPerDevice);
		d.lastSeen = Date.now();
		this.changed(devId);
	}

	list(): DeviceSummary[] {
		return [...this.devices.values()].map((d) => {
			const last = d.sessions[d.sessions.length - 1];
			const firmware = [...d.tree.values()].find((n) => /(?:^|\/)FwV$/.test(n.uri) && n.value !== undefined)?.value;
			return {
				devId: d.devId, accounts: this.accounts(d), ...(firmware !== undefined ? { firmware } : {}), ...(last ? { lastSession: summary(last) } : {}),
				online: last !== undefined && !last.over, lastSeen: d.lastSeen, queued: d.queue.length,
			};
		});
	}

	private accounts(d: DeviceView): AccountView[] {
		const srvIds = [...d.tree.values()].filter((n) => /^urn:oma:mo:oma-dm-dmacc:[^/]*\/[^/]+\/SrvID$/.test(n.uri) && n.value !== undefined).map((n) => n.value!);
		// a device with one account for this endpoint: its SrvID (from a DMAcc read) names it
		return [...d.accounts.values()].map((a) => (srvIds.length === 1 && d.accounts.size === 1 ? { ...a, srvId: srvIds[0]! } : a));
	}

	/** One device as the page shows it; the sessions are the server's record itself. */
	detail(devId: string): unknown {
		const d = this.devices.get(devId);
		if (!d) return undefined;
		return {
			device: this.list().find((x) => x.devId === devId),
			tree: [...d.tree.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0)),
			sessions: d.sessions.map((s) => ({ ...summary(s), record: s })),
			alerts: d.alerts, reports: d.reports, queue: d.queue, actions: d.actions,
			...(d.notifyPort !== undefined ? { notifyPort: d.notifyPort } : {}),
		};
	}
}
