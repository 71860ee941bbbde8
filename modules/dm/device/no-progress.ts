// How long an exchange with an account's servers may go without progress (5.1.1: "no time-out"
// between packages is set by the protocol): a server may think long before its next Package#2, so
// the limit is long, and it counts from the last byte that moved either way, not from the start
// (the transport's no-progress timer restarts on every piece, modules/transport/http/connection.ts).
// Per account: DMAcc/<x>/Ext/NoProgressLimit (int, seconds), or the host's default.
import type { Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** DMAcc/<x>/Ext/NoProgressLimit (int, seconds), in the DMAcc DDF. */
export const NO_PROGRESS_LIMIT: readonly string[] = Object.freeze(["Ext", "NoProgressLimit"]);

/** The host's default when neither it nor the account says: five minutes. */
export const DEFAULT_NO_PROGRESS_MS = 300_000;

/** ms the account at `miid` allows without progress: its Ext/NoProgressLimit when a positive
    number of seconds, else `defaultMs`. */
export function noProgressLimit(tree: Tree, miid: string | undefined, defaultMs: number = DEFAULT_NO_PROGRESS_MS): number {
	if (miid === undefined) return defaultMs;
	const text = tree.text({ moid: MOIDS.dmAcc, miid, path: [...NO_PROGRESS_LIMIT] });
	const seconds = text === undefined ? NaN : Number(text);
	return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 0x7fffffff) : defaultMs;
}
