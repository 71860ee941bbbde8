// Where a write lands (HGET with a ClientURI): an existing node the server may write, or a new
// node named by the last segment below an existing interior node. By default the tree as committed
// is searched, with the server's rights; a caller may resolve against another view. 404 when neither exists, 403
// without Write, and the resolution rules of 6.1.2 otherwise.
import { DmError } from "../error.js";
import { Right } from "../tree/index.js";
import type { ClientUri, NodeRef } from "../uri/index.js";
import type { CommandContext } from "./context.js";

export function writeTarget(ctx: CommandContext, uri: ClientUri, resolve = (u: ClientUri): NodeRef[] => ctx.access.resolve(u, Right.Write)): { ref: NodeRef; exists: boolean } {
	try {
		const refs = resolve(uri);
		if (refs.length !== 1) throw new DmError(400, `${uri.text}: a write goes to one node, this selects ${refs.length}`);
		return { ref: refs[0]!, exists: true };
	} catch (e) {
		const last = uri.path[uri.path.length - 1];
		if (!(e instanceof DmError) || e.status !== 404 || !last || last.kind !== "name") throw e;
		const parent = { ...uri, path: uri.path.slice(0, -1), text: uri.text };
		const refs = resolve(parent);
		if (refs.length !== 1) throw new DmError(400, `${uri.text}: a write goes to one node, this selects ${refs.length}`);
		const ref = { moid: refs[0]!.moid, miid: refs[0]!.miid, path: [...refs[0]!.path, last.name] };
		if (!ctx.tree.definition(ref.moid, ref.path)) throw new DmError(404, `${uri.text}: the MO has no such node`);
		return { ref, exists: false };
	}
}
