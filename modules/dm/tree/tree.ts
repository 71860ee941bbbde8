// The DM tree over the store: MO instances (MOID + MIID) of the registered schemas, their interior
// and leaf nodes one store key each (see keys.ts), values only ever on flash. Reads stream leaf
// values fragment by fragment; writes are a ChangeSet (change-set.ts) that checks each change as
// it is made and the MO's structure at commit, then commits everything in one store transaction,
// or nothing.
//
// As a UriTarget (for resolveClientUri) the tree shows what servers may see: nodes without Get
// access (Perm, secrets; interpretations 7 and 10) are absent from listings, nv values and
// real-name lookups alike. The device's own reads (read, size, has) see everything.
import { DmError } from "../error.js";
import { decodeUtf8, pattern } from "../../bytes/index.js";
import type { Store } from "../store/index.js";
import type { NodeRef, UriTarget } from "../uri/index.js";
import { ChangeSet, DEVICE_WRITES, type WriteGuard } from "./change-set.js";
import { NV_VALUE_MAX, leafText } from "./format.js";
import { childNameOf, instancePrefix, miidOf, nodeKey } from "./keys.js";
import { childSchema, isHidden, isLeaf, type MoSchema, type SchemaNode } from "./schema.js";

const MO_TAG = pattern(/^[A-Za-z0-9_-]{1,4}$/);

export { NV_VALUE_MAX } from "./format.js";

export interface MoRegistration { readonly tag: string; readonly schema: MoSchema }

/** Whether the child `name` of a node defined by `parent` is one a server sees: the DDF has it,
    with Get. The one test behind children(), exposedChildren() and hasChildren(). */
function isExposedChild(parent: SchemaNode, name: string): boolean {
	const c = childSchema(parent, name);
	return c !== undefined && !isHidden(c);
}

export class Tree implements UriTarget {
	/** @internal */ readonly store: Store;
	private readonly byMoid: ReadonlyMap<string, MoRegistration>;

	constructor(store: Store, mos: readonly MoRegistration[]) {
		this.store = store;
		const byMoid = new Map<string, MoRegistration>();
		const tags = new Set<string>();
		for (const m of mos) {
			if (!MO_TAG.test(m.tag) || tags.has(m.tag)) throw new TypeError(`MO tag ${JSON.stringify(m.tag)} must be unique, 1-4 letters`);
			if (byMoid.has(m.schema.moid)) throw new TypeError(`${m.schema.moid} registered twice`);
			tags.add(m.tag);
			byMoid.set(m.schema.moid, m);
		}
		this.byMoid = byMoid;
	}

	/** The MOIDs the tree holds instances of (for MOS, 5.2.2). */
	moids(): string[] { return [...this.byMoid.keys()]; }

	registration(moid: string): MoRegistration | undefined { return this.byMoid.get(moid); }

	/** The schema definition of a node path (whether or not the node exists). */
	definition(moid: string, path: readonly string[]): SchemaNode | undefined {
		const reg = this.byMoid.get(moid);
		let def: SchemaNode | undefined = reg?.schema.root;
		for (let i = 0, n = path.length; i < n; i++) { if (!def) return undefined; def = childSchema(def, path[i]!); }
		return def;
	}

	/** @internal */
	key(ref: NodeRef): string {
		const reg = this.byMoid.get(ref.moid);
		if (!reg) throw new DmError(404, `${ref.moid}: no such MO on this device`);
		return nodeKey(reg.tag, ref.miid, ref.path);
	}

	// ---- the device's view ----

	/** MIIDs of every instance of an MO, hidden or not. */
	instances(moid: string): string[] {
		const reg = this.byMoid.get(moid);
		if (!reg) return [];
		const prefix = instancePrefix(reg.tag);
		const out: string[] = [];
		for (const k of this.store.children(prefix.slice(0, -1))) { const m = miidOf(k, prefix); if (m !== undefined) out.push(m); }
		return out.sort();
	}

	has(ref: NodeRef): boolean { return this.byMoid.has(ref.moid) && this.store.has(this.key(ref)); }

	/** Bytes of a leaf's stored value, undefined if absent. */
	size(ref: NodeRef): number | undefined { return this.byMoid.has(ref.moid) ? this.store.size(this.key(ref)) : undefined; }

	/** Streams a leaf's stored value in fragments; false if the node is absent or interior. */
	read(ref: NodeRef, onChunk: (chunk: Uint8Array) => void): boolean {
		const def = this.definition(ref.moid, ref.path);
		return def !== undefined && isLeaf(def) && this.store.read(this.key(ref), onChunk);   // false when absent
	}

	/** A leaf's stored value to pull piece by piece (each at most the store's FRAGMENT_MAX bytes),
	    for writers that wait between pieces, such as a socket; next() is undefined at the end.
	    undefined if the node is absent, interior or of an unregistered MO. A commit that replaces
	    the value meanwhile fails the reader with DmError(500) only if compaction erased the old one. */
	reader(ref: NodeRef): { next(): Uint8Array | undefined } | undefined {
		const key = this.leafKey(ref);
		return key === undefined ? undefined : this.store.reader(key);
	}

	/** A leaf's whole stored value, undefined if absent or interior, or longer than `max` bytes:
	    for values known to be small (numbers, booleans, credentials), or to try first whole what is
	    streamed with reader() or read() when long. */
	bytes(ref: NodeRef, max = Infinity): Uint8Array | undefined {
		const key = this.leafKey(ref);
		return key === undefined ? undefined : this.store.get(key, max);
	}

	private leafKey(ref: NodeRef): string | undefined {
		const def = this.definition(ref.moid, ref.path);
		return def && isLeaf(def) ? this.key(ref) : undefined;
	}

	/** A small leaf's value as text (bin as base64); undefined if absent, interior or over `max` bytes. */
	text(ref: NodeRef, max = NV_VALUE_MAX): string | undefined {
		const def = this.definition(ref.moid, ref.path);
		if (!def || !isLeaf(def)) return undefined;
		const bytes = this.store.get(this.key(ref), max);   // one lookup: undefined when absent or over max
		return bytes && leafText(def.format, bytes);
	}

	/** Names of the children that exist under an interior node, hidden ones too. */
	childNames(ref: NodeRef): string[] | undefined {
		const def = this.definition(ref.moid, ref.path);
		return def && this.namesUnder(ref, def);
	}

	/** childNames() for a node whose definition the caller has (no walk from the MO's root). */
	private namesUnder(ref: NodeRef, def: SchemaNode): string[] | undefined {
		if (isLeaf(def) || !this.has(ref)) return undefined;
		const parent = this.key(ref);
		const out: string[] = [];
		const keys = this.store.children(parent);
		for (let i = 0; i < keys.length; i++) { const n = childNameOf(keys[i]!, parent); if (n !== undefined) out.push(n); }
		return out.sort();
	}

	/** The children a server may see under the node `ref`, whose definition `def` is the one
	    exposed() gave: children() without walking the schema from the MO's root again. Each
	    name's definition is childSchema(def, name). */
	exposedChildren(ref: NodeRef, def: SchemaNode): string[] {
		const names = this.namesUnder(ref, def);
		return names ? names.filter((n) => isExposedChild(def, n)) : [];
	}

	/** The MO instance's cache validator (11): changes with every commit that changes its data. */
	cacheValidator(moid: string, miid: string): string | undefined {
		if (!this.byMoid.has(moid)) return undefined;
		const bytes = this.store.get(this.key({ moid, miid, path: [] }));
		return bytes && (decodeUtf8(bytes) ?? undefined);
	}

	// ---- what servers see (UriTarget) ----

	/** The definition of a node if it and all its ancestors are exposed to servers. */
	exposed(moid: string, path: readonly string[]): SchemaNode | undefined {
		const reg = this.byMoid.get(moid);
		let def: SchemaNode | undefined = reg?.schema.root;
		if (def && isHidden(def)) return undefined;
		for (let i = 0, n = path.length; i < n; i++) {
			if (!def) return undefined;
			def = childSchema(def, path[i]!);
			if (def && isHidden(def)) return undefined;
		}
		return def;
	}

	children(moid: string, miid: string, path: readonly string[]): readonly string[] | undefined {
		const def = this.exposed(moid, path);
		if (!def || isLeaf(def)) return undefined;
		// the exposed definition is the node's definition: namesUnder, not childNames, which would find it again
		return this.namesUnder({ moid, miid, path: [...path] }, def)?.filter((n) => isExposedChild(def, n));
	}

	/** Whether children() would list any: reads child keys from flash only until an exposed one. */
	hasChildren(moid: string, miid: string, path: readonly string[]): boolean {
		const def = this.exposed(moid, path);
		const ref = { moid, miid, path: [...path] };
		if (!def || isLeaf(def) || !this.has(ref)) return false;
		const parent = this.key(ref);
		return this.store.someChild(parent, (key) => {
			const n = childNameOf(key, parent);
			return n !== undefined && isExposedChild(def, n);
		});
	}

	value(moid: string, miid: string, path: readonly string[]): string | undefined {
		const def = this.exposed(moid, path);
		return def && isLeaf(def) ? this.text({ moid, miid, path: [...path] }) : undefined;
	}

	child(moid: string, miid: string, path: readonly string[], name: string): string | undefined {
		return this.lookup(moid, miid, path, name, false);
	}

	/** A real-name step; `hidden` lets a write name a node without Get (e.g. re-provisioning
	    Auth/Noti/Secret, interpretation 10), which listings and wildcards still never show. */
	lookup(moid: string, miid: string, path: readonly string[], name: string, hidden: boolean): string | undefined {
		const parent = hidden ? this.definition(moid, path) : this.exposed(moid, path);
		if (!parent || isLeaf(parent)) return undefined;
		const def = childSchema(parent, name);
		if (!def || (!hidden && isHidden(def))) return undefined;
		if (def.caseSense) return this.has({ moid, miid, path: [...path, name] }) ? name : undefined;
		// CaseSense CIS, the node's own or inherited (6.4): the stored spelling of the same name
		const lower = name.toLowerCase();
		return this.childNames({ moid, miid, path: [...path] })?.find((n) => n.toLowerCase() === lower && childSchema(parent, n) === def);
	}

	/** Visits the exposed nodes of a sub-tree depth first (parents before children), at most
	    `levels` below the start (lv=, 6.1.1.3). Holds one path per level, never the sub-tree.
	    A visit that returns false skips the node's children. */
	walk(ref: NodeRef, levels: number, visit: (path: readonly string[], def: SchemaNode) => boolean | void): void {
		const def = this.exposed(ref.moid, ref.path);
		if (!def || !this.has(ref)) return;
		this.walkFrom(ref, def, levels, visit);
	}

	/** walk() below a node that exists, its definition carried down rather than looked up again
	    from the root at every node; the children listed exist, so they need no has() of their own. */
	private walkFrom(ref: NodeRef, def: SchemaNode, levels: number, visit: (path: readonly string[], def: SchemaNode) => boolean | void): void {
		if (visit(ref.path, def) === false || levels <= 0 || isLeaf(def)) return;
		for (const n of this.exposedChildren(ref, def)) this.walkFrom({ moid: ref.moid, miid: ref.miid, path: [...ref.path, n] }, childSchema(def, n)!, levels - 1, visit);
	}

	// ---- writing ----

	/** Starts a change set; `guard` decides who may write (the device by default). */
	change(guard: WriteGuard = DEVICE_WRITES): ChangeSet {
		return new ChangeSet(this, guard);
	}
}
