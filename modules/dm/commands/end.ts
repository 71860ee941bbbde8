// END (5.3.9): the server closes the session. The rest of the package is still processed, and
// no Package#3 goes back (the session sees `end`).
import type { CommandResult } from "./context.js";

export function end(): CommandResult {
	return { status: 200, end: true };
}
