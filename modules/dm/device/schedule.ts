// The management schedule: the device's own sessions with each server, so that queued Generic
// Alerts and pending reports leave without waiting for a push (interpretation 13). Each account
// is polled every Ext/PollInterval seconds (the account's choice: 0 means never), or the host's
// default when it has none; a session with the server for any reason restarts its interval, and
// the server's backoff after a failure (interpretation 21) pushes its next poll further out.
import { type Tree, srvIdOf } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** DMAcc/<x>/Ext/PollInterval (int, seconds), in the DMAcc DDF. */
export const POLL_INTERVAL: readonly string[] = Object.freeze(["Ext", "PollInterval"]);

/** ms between polls of the account at `miid`, or undefined when it is not polled. */
export function pollInterval(tree: Tree, miid: string, defaultSeconds: number): number | undefined {
	const text = tree.text({ moid: MOIDS.dmAcc, miid, path: [...POLL_INTERVAL] });
	const stored = text === undefined ? NaN : Number(text);
	const seconds = Number.isFinite(stored) ? stored : defaultSeconds;
	return seconds > 0 ? seconds * 1000 : undefined;
}

export interface Due { readonly srvId: string; readonly at: number }

export class Schedule {
	/** when each server's interval last started: its last session's end */
	private readonly last = new Map<string, number>();

	/** `since`: when the device started (every interval counts from there at first) */
	constructor(private readonly since: number, private readonly defaultSeconds: number) {}

	/** A session with `srvId` ended at `at`, whatever started it. */
	ran(srvId: string, at: number): void {
		this.last.set(srvId, at);
	}

	/** The earliest poll among the accounts, no sooner than `wait(srvId)` ms after `now` (the
	    server's backoff), or undefined when no account is polled. */
	next(tree: Tree, now: number, wait: (srvId: string) => number): Due | undefined {
		let due: Due | undefined;
		for (const miid of tree.instances(MOIDS.dmAcc)) {
			const interval = pollInterval(tree, miid, this.defaultSeconds);
			if (interval === undefined) continue;
			const srvId = srvIdOf(tree, miid);
			const at = Math.max((this.last.get(srvId) ?? this.since) + interval, now + wait(srvId));
			if (!due || at < due.at) due = { srvId, at };
		}
		return due;
	}
}
