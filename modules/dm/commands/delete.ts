// DELETE (5.3.4): the node and everything below it, in one change set; 405 for a node the MO
// requires or makes permanent, 403 without Write, 404 when the server cannot see it.
import { Right } from "../tree/index.js";
import { parseClientUri } from "../uri/index.js";
import type { CommandContext, CommandResult } from "./context.js";

export function del(ctx: CommandContext, clientUri: string): CommandResult {
	const uri = parseClientUri(clientUri);
	// deepest first, so a wildcard that selects a node and its ancestor deletes both
	const refs = ctx.access.resolve(uri, Right.Write).sort((a, b) => b.path.length - a.path.length);
	const cs = ctx.tree.change(ctx.access.guard());
	try {
		for (const ref of refs) if (cs.has(ref)) ctx.access.delete(cs, ref);
		cs.commit();
	} finally {
		cs.abort();   // a no-op after commit
	}
	return { status: 200 };
}
