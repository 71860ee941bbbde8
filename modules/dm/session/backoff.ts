// When the client may try a server again after a failed session (DESIGN.md interpretation 13).
// 5.6 forbids retrying the failed session itself; what comes next is a new trigger (a Package#0,
// an application request, the management schedule), and those are spaced so that a failing
// server, or a thousand devices that lost it at once, is never hammered: each failure doubles
// the wait up to a ceiling, and "full jitter" spreads devices across the whole window.

export interface BackoffPolicy {
	/** first wait, ms (default 30 s) */
	baseMs?: number;
	/** longest wait, ms (default 1 h) */
	maxMs?: number;
}

export class Backoff {
	private failures = 0;
	private notBefore = 0;
	private readonly baseMs: number;
	private readonly maxMs: number;

	/** `random()` in [0, 1): injected, since modules/ have no entropy of their own */
	constructor(private readonly random: () => number, policy: BackoffPolicy = {}) {
		this.baseMs = policy.baseMs ?? 30000;
		this.maxMs = policy.maxMs ?? 3600000;
	}

	/** Whether a session may start at time `now` (ms, monotonic). */
	mayStart(now: number): boolean {
		return now >= this.notBefore;
	}

	/** ms until a session may start, 0 if it may now */
	waitFrom(now: number): number {
		return Math.max(0, this.notBefore - now);
	}

	failed(now: number): void {
		this.failures = Math.min(this.failures + 1, 30);
		const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** (this.failures - 1));
		this.notBefore = now + Math.floor(this.random() * ceiling);
	}

	succeeded(): void {
		this.failures = 0;
		this.notBefore = 0;
	}
}
