// The Moddable SDK's Timer module in the shape modules/ take timers (modules/time): the SDK has no
// global setTimeout, and modules/ never reaches for one.
import Timer from "timer";
import type { Timers } from "../../modules/time/index.js";

export const sdkTimers: Timers = Object.freeze({
	set: (ms: number, fn: () => void) => Timer.set(fn, ms),
	clear: (handle: unknown) => { if (handle !== undefined) Timer.clear(handle as ReturnType<typeof Timer.set>); },
});
