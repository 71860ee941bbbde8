// Resolving a ClientURI against the tree (6.1.2), through the narrow view the tree offers. Step 1
// finds the MO instance(s), step 2 the node(s) below. None found is 404; an x-name or an empty
// mo-inst that matches more than one is 400 (the request is not specific enough for the tree as it
// is; 6.1.2 says only "an error code"). Nodes that are not exposed (interpretation 7) must be
// absent from this view, so a wildcard or an nv can never reveal them.
import { DmError } from "../error.js";
import type { ClientUri, NodeValueCondition, Segment } from "./client-uri.js";

export interface UriTarget {
	/** the MIIDs of the instances of a normative MOID */
	instances(moid: string): readonly string[];
	/** the child names of an interior node, undefined if the node is absent or a leaf */
	children(moid: string, miid: string, path: readonly string[]): readonly string[] | undefined;
	/** a leaf's value as text for nv comparison, undefined if absent or not a leaf */
	value(moid: string, miid: string, path: readonly string[]): string | undefined;
	/** optional: the child a real-name selects (its stored spelling, for case-insensitive MOs), or
	    undefined; without it a real-name is looked up in children() */
	child?(moid: string, miid: string, path: readonly string[], name: string): string | undefined;
}

export interface NodeRef { moid: string; miid: string; path: string[] }

export const RESOLVE_LIMIT = 256;   // most nodes a wildcard may select

function satisfies(target: UriTarget, moid: string, miid: string, base: readonly string[], conditions: readonly NodeValueCondition[]): boolean {
	return conditions.every((c) => target.value(moid, miid, [...base, ...c.path]) === c.value);
}

function unique<T>(matches: T[], uri: ClientUri, what: string): T {
	if (matches.length === 0) throw new DmError(404, `${uri.text}: no ${what} matches`);
	if (matches.length > 1) throw new DmError(400, `${uri.text}: ${matches.length} ${what}s match, the ClientURI must select one`);
	return matches[0]!;
}

export function resolveClientUri(uri: ClientUri, target: UriTarget): NodeRef[] {
	const all = target.instances(uri.moid);
	let miids: readonly string[];
	const inst = uri.instance;
	switch (inst.kind) {
	case "miid": miids = all.includes(inst.miid) ? [inst.miid] : []; break;
	case "only": miids = [unique([...all], uri, "MO instance")]; break;
	case "any": miids = all; break;
	case "x": {
		const conditions = uri.nodeValues.filter((c) => c.x === inst.x);
		miids = [unique(all.filter((m) => satisfies(target, uri.moid, m, [], conditions)), uri, "MO instance")];
		break;
	}
	}
	if (miids.length === 0) throw new DmError(404, `${uri.text}: no MO instance`);

	const found: NodeRef[] = [];
	for (const miid of miids) {
		let frontier: string[][] = [[]];
		for (const s of uri.path) frontier = step(uri, target, miid, frontier, s);
		for (const path of frontier) found.push({ moid: uri.moid, miid, path });
		if (found.length > RESOLVE_LIMIT) throw new DmError(400, `${uri.text}: selects more than ${RESOLVE_LIMIT} nodes`);
	}
	if (found.length === 0) throw new DmError(404, `${uri.text}: no node`);
	return found;
}

function step(uri: ClientUri, target: UriTarget, miid: string, frontier: string[][], s: Segment): string[][] {
	const next: string[][] = [];
	for (const base of frontier) {
		if (s.kind === "name" && target.child) {
			const name = target.child(uri.moid, miid, base, s.name);
			if (name !== undefined) next.push([...base, name]);
			continue;
		}
		const names = target.children(uri.moid, miid, base);
		if (!names) continue;
		if (s.kind === "name") { if (names.includes(s.name)) next.push([...base, s.name]); }
		else if (s.kind === "any") for (const n of names) next.push([...base, n]);
		else {
			const conditions = uri.nodeValues.filter((c) => c.x === s.x);
			const matches = names.filter((n) => satisfies(target, uri.moid, miid, [...base, n], conditions));
			next.push([...base, unique(matches, uri, "node")]);
		}
	}
	return next;
}
