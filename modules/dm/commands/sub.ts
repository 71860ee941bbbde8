// SUB (5.3.11): the server asks to hear of changes below a ClientURI. The ClientURI must select
// something the server may read now (404, 403 otherwise); the subscription is kept on flash with
// the fingerprint of what it selects, and reported by an HTTP PUT of the sub-tree when that changes.
import { Right } from "../tree/index.js";
import { parseClientUri } from "../uri/index.js";
import type { CommandContext, CommandResult } from "./context.js";
import { fingerprint, saveSubscription } from "./subscriptions.js";
import { serverUrl } from "./target.js";

export function sub(ctx: CommandContext, serverUri: string, clientUri: string): CommandResult {
	const uri = parseClientUri(clientUri);
	const refs = ctx.access.resolve(uri, Right.Read, uri.level);
	serverUrl(ctx, serverUri);
	saveSubscription(ctx.store, { clientUri, serverUri, srvId: ctx.srvId, seen: fingerprint(ctx.tree, { refs, level: uri.level }) });
	return { status: 200 };
}
