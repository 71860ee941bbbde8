// MO cache validators (11): each instance's validator is the tree generation of the last commit that
// changed its data (tree.ts writes it beside the instance root), so it survives a reboot and never
// repeats, even for an instance deleted and created again under the same MIID.
import type { ClientUri, NodeRef } from "../uri/index.js";
import type { Tree } from "./tree.js";

/** Whether a read (GET/HPUT/HPOST) with cv= is answered 304 (11.2 step 2b): every instance it
    selected still has the validator the server gave. Without cv= never. */
export function notModified(tree: Tree, uri: ClientUri, refs: readonly NodeRef[]): boolean {
	const cv = uri.cacheValidator;
	if (cv === undefined || refs.length === 0) return false;
	return refs.every((r) => tree.cacheValidator(r.moid, r.miid) === cv);
}
