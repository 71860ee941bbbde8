// CONT (5.3.8): the rest of the session's packages go to another URI. The session switches after
// the current Package#2 is processed, so this package's Package#3 already goes there.
import type { CommandContext, CommandResult } from "./context.js";
import { serverUrl } from "./target.js";

export function cont(ctx: CommandContext, serverUri: string): CommandResult {
	return { status: 200, continueAt: serverUrl(ctx, serverUri) };
}
