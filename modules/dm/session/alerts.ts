// Generic Alerts waiting to reach the server (5.4, 5.4.1), on flash so that neither a power cut
// nor an aborted session loses one. An alert goes out in the next Package#1 or Package#3 and is
// removed only once the server has answered that package (its Package#2 arrived whole): a
// session that breaks before that sends it again next time. Delivery is therefore at least once;
// a server sees a repeat only when its answer was lost on the way back.
//
// Each alert belongs to one server (interpretation 21): server A's report is never carried to,
// nor acknowledged by, server B, and a server that cannot be reached fills only its own share of
// the queue. An alert may also name the URL it must reach (an EXEC's ServerURI, interpretation 18):
// then only a session with that URL carries it; otherwise the session with the account's SrvURI.
//
// Keys: "q" + a 10-digit sequence number, so the store's listing sorts into arrival order; "qn"
// holds the next number, written in the same commit as each alert, so numbers never go back even
// when every alert has been acknowledged. A value is one line of JSON, [SrvID] or [SrvID, URL],
// then the alert's JSON. (A value that starts with "{" is an alert queued before alerts had
// owners: any server's own session carries it.)
import { DmError } from "../error.js";
import { decodeJson } from "../codec/index.js";
import { encodeUtf8, pattern } from "../../bytes/index.js";
import type { GenericAlert } from "../codec/index.js";
import { ALERT_NEXT_KEY, ALERT_PREFIX, type Store } from "../store/index.js";

const SEQUENCE = pattern(/^\d{10}$/);

const PREFIX = ALERT_PREFIX;
const NEXT_KEY = ALERT_NEXT_KEY;
const MARKS = ["fatal", "critical", "minor", "warning", "informational", "harmless", "indeterminate"];

export interface QueueLimits {
	/** most alerts kept for one server (default 32); past it, raise() is DmError(506) */
	maxAlerts?: number;
	/** largest alert as JSON (default 2 KiB) */
	maxAlertBytes?: number;
}

/** Whom an alert is for. */
export interface AlertDestination {
	/** the account (SrvID) whose server receives it */
	readonly srvId: string;
	/** the URL a command named for the report (an EXEC's ServerURI); absent: the account's SrvURI */
	readonly url?: string;
}

/** An alert read back from flash, with the key that acknowledges it. */
export interface QueuedAlert { readonly id: string; readonly alert: GenericAlert; readonly to: AlertDestination | undefined }

const NEWLINE = 0x0a;

export class AlertQueue {
	private next: number;
	private readonly maxAlerts: number;
	private readonly maxAlertBytes: number;

	constructor(private readonly store: Store, limits: QueueLimits = {}) {
		this.maxAlerts = limits.maxAlerts ?? 32;
		this.maxAlertBytes = limits.maxAlertBytes ?? 2048;
		const stored = store.get(NEXT_KEY);
		let next = stored && stored.length === 4 ? new DataView(stored.buffer, stored.byteOffset).getUint32(0) : 1;
		for (const k of this.ids()) next = Math.max(next, Number(k.slice(PREFIX.length)) + 1);
		this.next = next;
	}

	/** Queues an alert, committed to flash before this returns. DmError 400 for an alert 5.4 does
	    not allow, 506 when the queue is full (the caller decides what to drop, not the queue). */
	raise(alert: GenericAlert, to: AlertDestination): string {
		const staged = this.stage(alert, to);
		this.store.transact((t) => { for (const [key, value] of staged.writes) t.put(key, value); });
		staged.committed();
		return staged.id;
	}

	/** An alert checked and encoded as raise() would, for the caller to commit in a transaction of
	    its own together with other changes (FUMO turns its pending report into this alert in the
	    same commit): write each of `writes`, commit, then call committed(). */
	stage(alert: GenericAlert, to: AlertDestination): { id: string; writes: [string, Uint8Array][]; committed(): void } {
		if (typeof alert.AlertType !== "string" || alert.AlertType === "") throw new DmError(400, "a Generic Alert needs an AlertType");
		if (alert.Mark !== undefined && !MARKS.includes(alert.Mark)) throw new DmError(400, `Mark must be one of ${MARKS.join(", ")}`);
		if (alert.Data !== undefined && alert.DataType === undefined) throw new DmError(400, "a Generic Alert with Data needs its DataType (5.4)");
		if (typeof to.srvId !== "string" || to.srvId === "") throw new DmError(400, "a Generic Alert is queued for a server: give its SrvID");
		const json = encodeUtf8(JSON.stringify(alert));
		if (json.length > this.maxAlertBytes) throw new DmError(506, `the alert takes ${json.length} bytes, more than the ${this.maxAlertBytes} an alert may`);
		if (this.heads().filter((h) => h.to?.srvId === to.srvId).length >= this.maxAlerts) throw new DmError(506, `${this.maxAlerts} alerts are waiting for ${to.srvId} already`);
		const head = encodeUtf8(JSON.stringify(to.url === undefined ? [to.srvId] : [to.srvId, to.url]));
		const bytes = new Uint8Array(head.length + 1 + json.length);
		bytes.set(head);
		bytes[head.length] = NEWLINE;
		bytes.set(json, head.length + 1);
		const n = this.next;
		const id = PREFIX + String(n).padStart(10, "0");
		const counter = new Uint8Array(4);
		new DataView(counter.buffer).setUint32(0, n + 1);
		return { id, writes: [[id, bytes], [NEXT_KEY, counter]], committed: () => { this.next = Math.max(this.next, n + 1); } };
	}

	/** The alerts waiting, oldest first, for every server. The store returns whole values or none,
	    and only this class writes these keys, so each one decodes. */
	pending(): QueuedAlert[] {
		const out: QueuedAlert[] = [];
		for (const id of this.ids()) {
			const q = this.entry(id);
			if (q) out.push(q);
		}
		return out;
	}

	/** The keys of the alerts a session carries, oldest first: those for `srvId` that name
	    `endpoint`, the URL the session posts to, and, in the session with the account's own SrvURI
	    (`home`), those that name no URL. A package reads them one at a time with read(), so no more
	    than one alert is in RAM however many wait. */
	waiting(srvId: string, endpoint: string, home: boolean): string[] {
		return this.heads().filter(({ to }) => to === undefined ? home : to.srvId === srvId && (to.url === undefined ? home : to.url === endpoint)).map((h) => h.id);
	}

	/** Every server and URL some alert waits for, each once, in the order their oldest alert came:
	    the device runs a session for each (those with a URL: a session with that URL). */
	destinations(): AlertDestination[] {
		const out: AlertDestination[] = [];
		for (const { to } of this.heads()) {
			if (to && !out.some((d) => d.srvId === to.srvId && d.url === to.url)) out.push(to);
		}
		return out;
	}

	read(id: string): GenericAlert | undefined {
		return this.entry(id)?.alert;
	}

	private entry(id: string): QueuedAlert | undefined {
		const h = this.head(id);
		return h && { id, alert: decodeJson(h.bytes.subarray(h.body)) as unknown as GenericAlert, to: h.to };
	}

	/** Whom each waiting alert is for, oldest first: only the header line is decoded, not the alert. */
	private heads(): { id: string; to: AlertDestination | undefined }[] {
		const out: { id: string; to: AlertDestination | undefined }[] = [];
		for (const id of this.ids()) {
			const h = this.head(id);
			if (h) out.push({ id, to: h.to });
		}
		return out;
	}

	/** An alert's stored bytes, whom it is for, and where its JSON starts. */
	private head(id: string): { bytes: Uint8Array; to: AlertDestination | undefined; body: number } | undefined {
		const bytes = this.store.get(id);
		if (!bytes) return undefined;
		if (bytes[0] === 0x7b) return { bytes, to: undefined, body: 0 };	// "{": queued before owners
		const line = bytes.indexOf(NEWLINE);
		const [srvId, url] = decodeJson(bytes.subarray(0, line)) as unknown as [string, string | undefined];
		return { bytes, to: url === undefined ? { srvId } : { srvId, url }, body: line + 1 };
	}

	/** The server answered the package that carried these: they are gone, all in one commit. */
	acknowledge(ids: readonly string[]): void {
		if (!ids.length) return;
		this.store.transact((t) => { for (const id of ids) t.delete(id); });
	}

	private ids(): string[] {
		return this.store.rootKeys(PREFIX).filter((k) => k.length === PREFIX.length + 10 && SEQUENCE.test(k.slice(PREFIX.length))).sort();
	}
}
