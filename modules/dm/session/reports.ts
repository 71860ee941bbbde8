// Asynchronous reports (5.4.1) reach the alert queue on flash only while no command holds the
// store (a change set keeps the store's one transaction open across its HTTP reads): an EXEC that
// finishes in the middle of an HGET waits here, in RAM, until that command has committed.
import type { GenericAlert } from "../codec/index.js";
import type { AlertDestination, AlertQueue } from "./alerts.js";

export class ReportInbox {
	private readonly waiting: { alert: GenericAlert; to: AlertDestination }[] = [];
	private holds = 0;

	/** `dropped` hears of a report the queue refused (full, or malformed): it cannot be kept */
	constructor(private readonly alerts: AlertQueue, private readonly dropped?: (alert: GenericAlert, e: unknown) => void) {}

	readonly push = (alert: GenericAlert, to: AlertDestination): void => {
		this.waiting.push({ alert, to });
		if (!this.holds) this.flush();
	};

	/** A command is about to use the store. */
	hold(): void { this.holds++; }

	release(): void {
		if (this.holds > 0 && --this.holds === 0) this.flush();
	}

	/** Reports not yet on flash. */
	get size(): number { return this.waiting.length; }

	private flush(): void {
		while (this.waiting.length) {
			const { alert, to } = this.waiting.shift()!;
			try {
				this.alerts.raise(alert, to);
			} catch (e) {
				this.dropped?.(alert, e);
			}
		}
	}
}
