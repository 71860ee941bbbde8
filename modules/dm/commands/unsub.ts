// UNSUB (5.3.12): ends this server's subscription made with the very same ClientURI; 404 when
// there is none (the spec's words: "the ClientURI MUST be the same one used in a previous SUB").
import { DmError } from "../error.js";
import type { CommandContext, CommandResult } from "./context.js";
import { removeSubscription } from "./subscriptions.js";

export function unsub(ctx: CommandContext, clientUri: string): CommandResult {
	if (!removeSubscription(ctx.store, ctx.srvId, clientUri)) throw new DmError(404, `${clientUri}: no subscription of this server`);
	return { status: 200 };
}
