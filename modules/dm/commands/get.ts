// GET (5.3.6): the selected sub-trees go back to the server with the Package#3, in the multipart
// body of Appendix F. Here only the answer is decided: 403/404 from access control, 304 when the
// server's cv= still holds (11.2), 204 when there is nothing to send, else 200 with the nodes
// selected now; the session writes their data after the Package#3 (or spools it first if a later
// command in the same package would change them).
import { notModified, Right } from "../tree/index.js";
import { parseClientUri } from "../uri/index.js";
import type { CommandContext, CommandResult } from "./context.js";
import { isEmptySelection } from "./serialize.js";

export function get(ctx: CommandContext, index: number, clientUri: string): CommandResult {
	const uri = parseClientUri(clientUri);
	const refs = ctx.access.resolve(uri, Right.Read, uri.level);
	if (notModified(ctx.tree, uri, refs)) return { status: 304 };
	if (isEmptySelection(ctx.tree, refs)) return { status: 204 };
	return { status: 200, get: { index, selection: { refs, level: uri.level } } };
}
