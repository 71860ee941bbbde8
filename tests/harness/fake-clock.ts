// A clock and timers that move only when the test says so (modules/time's shapes): a 30-second
// time-out fires on advance(30000) at once, on both engines, and never on advance(29999).
import type { Clock, TimerHandle, Timers } from "../../modules/time/index.js";

interface Pending { id: number; at: number; fn: () => void }

export class FakeClock implements Clock, Timers {
	private time = 0;
	private nextId = 1;
	private pending: Pending[] = [];

	now(): number {
		return this.time;
	}

	set(ms: number, fn: () => void): TimerHandle {
		const id = this.nextId++;
		this.pending.push({ id, at: this.time + Math.max(0, ms), fn });
		return id;
	}

	clear(handle: TimerHandle): void {
		this.pending = this.pending.filter((p) => p.id !== handle);
	}

	/** Timers armed and not yet fired or cleared. */
	get armed(): number {
		return this.pending.length;
	}

	/** Moves time forward by ms, firing every timer that falls due, in order (ties in the order set). */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			let next: Pending | undefined;
			for (const p of this.pending) if (p.at <= end && (!next || p.at < next.at)) next = p;
			if (!next) break;
			this.pending = this.pending.filter((p) => p !== next);
			this.time = next.at;
			next.fn();
		}
		this.time = end;
	}
}
