// One backoff per server (interpretation 21): after a session with a server is aborted, only the
// triggers for that server wait (interpretation 13); one unreachable server never delays another.
import { Backoff, type BackoffPolicy } from "../session/index.js";

export class ServerBackoffs {
	private readonly each = new Map<string, Backoff>();

	/** `random()` in [0, 1) spreads the waits (full jitter) */
	constructor(private readonly random: () => number, private readonly policy: BackoffPolicy = {}) {}

	/** ms until a session with `srvId` may start at `now`, 0 if it may now */
	waitFrom(srvId: string, now: number): number {
		return this.each.get(srvId)?.waitFrom(now) ?? 0;
	}

	failed(srvId: string, now: number): void {
		let b = this.each.get(srvId);
		if (!b) { b = new Backoff(this.random, this.policy); this.each.set(srvId, b); }
		b.failed(now);
	}

	/** a session succeeded: the server is reachable, its next trigger runs at once */
	succeeded(srvId: string): void {
		this.each.delete(srvId);
	}
}
