// Generic Alerts waiting to reach the server (5.4, 5.4.1), on flash so that neither a power cut
// nor an aborted session loses one. An alert goes out in the next Package#1 or Package#3 and is
// removed only once the server has answered that package (its Package#2 arrived whole): a
// session that breaks before that sends it again next time. Delivery is therefore at least once;
// a server sees a repeat only when its answer was lost on the way back.
//
// Keys: "q" + a 10-digit sequence number, so the store's listing sorts into arrival order; "qn"
// holds the next number, written in the same commit as each alert, so numbers never go back even
// when every alert has been acknowledged.
import { DmError } from "../error.js";
import { decodeJson } from "../codec/json-value.js";
import { encodeUtf8 } from "../codec/utf8.js";
import type { GenericAlert } from "../codec/package3.js";
import { ALERT_NEXT_KEY, ALERT_PREFIX, type Store } from "../store/index.js";

const PREFIX = ALERT_PREFIX;
const NEXT_KEY = ALERT_NEXT_KEY;
const MARKS = ["fatal", "critical", "minor", "warning", "informational", "harmless", "indeterminate"];

export interface QueueLimits {
	/** most alerts kept (default 32); past it, raise() is DmError(506) */
	maxAlerts?: number;
	/** largest alert as JSON (default 2 KiB) */
	maxAlertBytes?: number;
}

/** An alert read back from flash, with the key that acknowledges it. */
export interface QueuedAlert { readonly id: string; readonly alert: GenericAlert }

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
	raise(alert: GenericAlert): string {
		if (typeof alert.AlertType !== "string" || alert.AlertType === "") throw new DmError(400, "a Generic Alert needs an AlertType");
		if (alert.Mark !== undefined && !MARKS.includes(alert.Mark)) throw new DmError(400, `Mark must be one of ${MARKS.join(", ")}`);
		if (alert.Data !== undefined && alert.DataType === undefined) throw new DmError(400, "a Generic Alert with Data needs its DataType (5.4)");
		const bytes = encodeUtf8(JSON.stringify(alert));
		if (bytes.length > this.maxAlertBytes) throw new DmError(506, `the alert takes ${bytes.length} bytes, more than the ${this.maxAlertBytes} an alert may`);
		if (this.ids().length >= this.maxAlerts) throw new DmError(506, `${this.maxAlerts} alerts are waiting for the server already`);
		const id = PREFIX + String(this.next).padStart(10, "0");
		const counter = new Uint8Array(4);
		new DataView(counter.buffer).setUint32(0, this.next + 1);
		this.store.transact((t) => {
			t.put(id, bytes);
			t.put(NEXT_KEY, counter);
		});
		this.next++;
		return id;
	}

	/** The alerts waiting, oldest first. The store returns whole values or none, and only this
	    class writes these keys, so each one decodes. */
	pending(): QueuedAlert[] {
		const out: QueuedAlert[] = [];
		for (const id of this.ids()) {
			const alert = this.read(id);
			if (alert) out.push({ id, alert });
		}
		return out;
	}

	/** The keys of the alerts waiting, oldest first: a package reads them one at a time with
	    read(), so no more than one alert is in RAM however many wait. */
	waiting(): string[] {
		return this.ids();
	}

	read(id: string): GenericAlert | undefined {
		const bytes = this.store.get(id);
		return bytes ? decodeJson(bytes) as unknown as GenericAlert : undefined;
	}

	/** The server answered the package that carried these: they are gone, all in one commit. */
	acknowledge(ids: readonly string[]): void {
		if (!ids.length) return;
		this.store.transact((t) => { for (const id of ids) t.delete(id); });
	}

	private ids(): string[] {
		return this.store.keys(PREFIX).filter((k) => k.length === PREFIX.length + 10 && /^\d{10}$/.test(k.slice(PREFIX.length))).sort();
	}
}
