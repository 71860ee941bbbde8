// time: what a room needs of the clock, handed in by the host (DESIGN.md: modules/ never reach for
// a global). A host passes its real timers and clock; a test passes a fake one it advances by
// hand, so a 30-second time-out is tested in microseconds. Types only: it imports nothing.

/** Whatever set() returned; only clear() looks at it. */
export type TimerHandle = unknown;

/** One-shot timers (setTimeout's job). */
export interface Timers {
	/** Calls fn once, ms milliseconds from now; the handle cancels it. */
	set(ms: number, fn: () => void): TimerHandle;
	/** Cancels a timer that has not fired; a fired or undefined handle is ignored. */
	clear(handle: TimerHandle): void;
}

/** A monotonic clock: milliseconds from an arbitrary start, never going back. */
export interface Clock {
	now(): number;
}
