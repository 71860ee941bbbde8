// A change set: the tree's writes, each checked as it is made (schema, names, formats, the write
// guard), written to one store transaction as they come, with the MO's structure (required
// children, occurrence limits, instance counts) checked at commit. Everything commits at once, or
// nothing does: a refused change set leaves no trace.
import { DmError } from "../error.js";
import { Utf8Validator, Utf8Verdict, decodeUtf8, encodeUtf8, sameBytes } from "../../bytes/index.js";
import type { Transaction } from "../store/index.js";
import type { NodeRef } from "../uri/index.js";
import { NV_VALUE_MAX, encodeLeaf, encodeLeafText, leafText, type LeafInput } from "./format.js";
import { GENERATION_KEY, childNameOf, instancePrefix, miidOf } from "./keys.js";
import { childSchema, isLeaf, notInSchema, type SchemaNode } from "./schema.js";
import type { Tree } from "./tree.js";


/** Longest MIID or node name the tree accepts. */
export const NAME_MAX = 64;

export type WriteOp = "add" | "replace" | "delete";

/** Who may write what: the device may write anything the schemas allow; access.ts guards servers. */
export interface WriteGuard {
	/** Throws DmError (403, 405) when op on this node is not allowed. `withParent`: the node is
	    created together with its parent by the same change set (6.3.1.2: permanent children). */
	check(op: WriteOp, ref: NodeRef, def: SchemaNode, withParent: boolean): void;
	/** A last look at the whole change set before it commits (delegation rules). */
	beforeCommit?(changes: ChangeSet): void;
}

export const DEVICE_WRITES: WriteGuard = Object.freeze({ check(): void { /* the device may */ } });

function checkName(name: string, what: string): void {
	if (name.length === 0 || name.length > NAME_MAX) throw new DmError(400, `${what} must be 1 to ${NAME_MAX} characters`);
}

interface Place { moid: string; miid: string; path: string[] }

/** Changes to the tree that become visible together at commit(), or not at all. */
export class ChangeSet {
	private readonly txn: Transaction;
	private readonly puts = new Set<string>();
	private readonly deletes = new Set<string>();
	/** small values put whole, for checks before commit */
	private readonly small = new Map<string, Uint8Array>();
	/** interior nodes whose children changed: their occurrence limits are checked at commit */
	private readonly parents = new Map<string, Place & { deleted: boolean }>();
	/** interior nodes created here: their required children are checked at commit */
	private readonly created = new Map<string, Place>();
	/** instances whose data changed: their cache validators change */
	private readonly touched = new Map<string, Place>();
	/** MOs whose instances were created or deleted */
	private readonly instanceMoids = new Set<string>();
	private done = false;

	/** @internal */
	constructor(private readonly tree: Tree, private readonly guard: WriteGuard) {
		this.txn = tree.store.begin();
	}

	// ---- the pending view ----

	private hasKey(key: string): boolean {
		return this.puts.has(key) || (!this.deletes.has(key) && this.tree.store.has(key));
	}

	/** Whether the node exists with this change set applied. */
	has(ref: NodeRef): boolean { return this.hasKey(this.tree.key(ref)); }

	/** Names of the children of a node with this change set applied. */
	childNames(ref: NodeRef): string[] {
		const parent = this.tree.key(ref);
		const out = new Set<string>();
		for (const k of this.tree.store.children(parent)) {
			if (this.deletes.has(k)) continue;
			const n = childNameOf(k, parent);
			if (n !== undefined) out.add(n);
		}
		for (const k of this.puts) {
			if (!k.startsWith(parent + "/")) continue;
			const n = childNameOf(k, parent);
			if (n !== undefined) out.add(n);
		}
		return [...out].sort();
	}

	/** A leaf's value as text with this change set applied (values put whole, or already stored). */
	text(ref: NodeRef): string | undefined {
		const key = this.tree.key(ref);
		const def = this.tree.definition(ref.moid, ref.path);
		if (!def || !isLeaf(def) || !this.hasKey(key)) return undefined;
		const bytes = this.small.get(key) ?? (this.puts.has(key) ? undefined : this.tree.store.get(key));
		return bytes ? leafText(def.format, bytes) : undefined;
	}

	/** MIIDs of an MO's instances with this change set applied. */
	instances(moid: string): string[] {
		const reg = this.tree.registration(moid);
		if (!reg) return [];
		return this.childNamesOfPrefix(instancePrefix(reg.tag));
	}

	private childNamesOfPrefix(prefix: string): string[] {
		const out = new Set<string>();
		for (const k of this.tree.store.children(prefix.slice(0, -1))) if (!this.deletes.has(k)) { const m = miidOf(k, prefix); if (m !== undefined) out.add(m); }
		for (const k of this.puts) if (k.startsWith(prefix)) { const m = miidOf(k, prefix); if (m !== undefined) out.add(m); }
		return [...out].sort();
	}

	// ---- changes ----

	/** Creates an MO instance; required leaves with a DDF default get it, the rest must be put. */
	createInstance(moid: string, miid: string): void {
		this.run(() => {
			const reg = this.tree.registration(moid);
			if (!reg) throw new DmError(404, `${moid}: no such MO on this device`);
			checkName(miid, "an MIID");
			const ref = { moid, miid, path: [] };
			const key = this.tree.key(ref);
			if (this.hasKey(key)) throw new DmError(400, `${moid}/${miid} exists already`);
			this.guard.check("add", ref, reg.schema.root, false);
			this.write(key, new Uint8Array(0));
			this.created.set(key, ref);
			this.touched.set(key, ref);
			this.instanceMoids.add(moid);
			this.defaults(ref, reg.schema.root);
		});
	}

	/** Creates an interior node or creates/replaces a leaf, creating missing interior ancestors. */
	put(ref: NodeRef, value?: LeafInput): void {
		this.run(() => {
			const def = this.place(ref);
			const key = this.tree.key(ref);
			if (!isLeaf(def)) {
				if (value !== undefined) throw new DmError(415, `${this.where(ref)}: an interior node has no value`);
				if (!this.hasKey(key)) this.add(ref, def, key);
				return;
			}
			if (value === undefined && def.format !== "null") throw new DmError(415, `${this.where(ref)}: a leaf needs a value`);
			this.putLeaf(ref, def, key, encodeLeaf(def.format, value ?? null, this.where(ref)));
		});
	}

	/** Creates or replaces a leaf from the UTF-8 of a JSON string, source[start..end) (a dmmo+json
	    value, encodeLeafText's rules): chr and xml go to flash as they came, with no string made.
	    The source is lent: its bytes are copied once (by encodeLeafText), into what the change set
	    keeps for its checks before commit. */
	putText(ref: NodeRef, source: Uint8Array, start = 0, end = source.length): void {
		this.run(() => {
			const def = this.place(ref);
			if (!isLeaf(def)) throw new DmError(415, `${this.where(ref)}: an interior node has no value`);
			this.putLeaf(ref, def, this.tree.key(ref), encodeLeafText(def.format, source, this.where(ref), start, end));
		});
	}

	private putLeaf(ref: NodeRef, def: SchemaNode, key: string, bytes: Uint8Array): void {
		if (this.hasKey(key)) {
			const old = this.small.get(key) ?? (this.puts.has(key) ? undefined : this.storedIfSmall(key, bytes.length));
			if (old && sameBytes(old, bytes)) return;   // not a change: the cache validator stays
			this.guard.check("replace", ref, def, false);
		}
		else this.guard.check("add", ref, def, this.parentCreated(ref));
		this.write(key, bytes);
		if (bytes.length <= NV_VALUE_MAX) this.small.set(key, bytes);
		this.changed(ref, false);
	}

	/** Writes a large leaf value (bin, b64, chr, xml) chunk by chunk, straight to flash. */
	putStream(ref: NodeRef): { write(chunk: Uint8Array): void; end(): void } {
		let check: StreamCheck | undefined;
		let stream: { write(chunk: Uint8Array): void; end(): void } | undefined;
		this.run(() => {
			const def = this.place(ref);
			check = streamCheck(def.format, this.where(ref));
			const key = this.tree.key(ref);
			if (this.hasKey(key)) this.guard.check("replace", ref, def, false);
			else this.guard.check("add", ref, def, this.parentCreated(ref));
			this.deletes.delete(key);
			this.puts.add(key);
			this.small.delete(key);
			stream = this.txn.putStream(key);
			this.changed(ref, false);
		});
		return {
			write: (chunk) => this.run(() => { check!.feed(chunk); stream!.write(chunk); }),
			end: () => this.run(() => { check!.end(); stream!.end(); }),
		};
	}

	/** Deletes a node and everything below it; an empty path deletes the MO instance. */
	delete(ref: NodeRef): void {
		this.run(() => {
			const def = this.tree.definition(ref.moid, ref.path);
			const key = this.tree.key(ref);
			if (!def || !this.hasKey(key)) throw new DmError(404, `${this.where(ref)}: no such node`);
			const below = this.descendants(key);
			this.guard.check("delete", ref, def, false);
			for (const k of below) {
				const path = [...ref.path, ...k.slice(key.length + 1).split("/").map((p) => p.replaceAll("%2F", "/").replaceAll("%25", "%"))];
				const d = this.tree.definition(ref.moid, path);
				if (d) this.guard.check("delete", { moid: ref.moid, miid: ref.miid, path }, d, true);
			}
			for (const k of below) this.remove(k);
			this.remove(key);
			if (ref.path.length === 0) { this.instanceMoids.add(ref.moid); this.touched.delete(key); }
			else this.changed(ref, true);
		});
	}

	/** A value outside the tree (a bootstrap's bookkeeping) that commits or aborts with this change
	    set; undefined removes it. Tree keys change only through put and delete. */
	record(key: string, value: Uint8Array | undefined): void {
		if (key.startsWith("t")) throw new TypeError(`${key}: tree keys change through put and delete`);
		this.run(() => {
			if (value) this.txn.put(key, value);
			else if (this.tree.store.has(key)) this.txn.delete(key);
		});
	}

	/** Checks the MOs' structure and commits every change in one store transaction. */
	commit(): void {
		this.run(() => {
			for (const p of this.parents.values()) if (this.has(p)) this.checkOccurrence(p, p.deleted);
			for (const c of this.created.values()) if (this.has(c)) this.checkRequired(c);
			for (const moid of this.instanceMoids) this.checkInstances(moid);
			this.guard.beforeCommit?.(this);
			if (this.touched.size) {
				const generation = Number(decodeUtf8(this.tree.store.get(GENERATION_KEY) ?? new Uint8Array(0)) || "0") + 1;
				const cv = encodeUtf8(generation.toString(36));
				this.txn.put(GENERATION_KEY, cv);
				for (const [key, place] of this.touched) if (this.has(place)) this.txn.put(key, cv);
			}
			this.txn.commit();
			this.done = true;
		});
	}

	/** Drops every change: the tree is as before. */
	abort(): void {
		if (this.done) return;
		this.done = true;
		this.txn.abort();
	}

	// ---- helpers ----

	private run<T>(fn: () => T): T {
		if (this.done) throw new TypeError("the change set has ended");
		try {
			return fn();
		} catch (e) {
			this.abort();
			throw e;
		}
	}

	private where(ref: NodeRef): string {
		return `${ref.moid}/${ref.miid}/${ref.path.join("/")}`;
	}

	/** The definition of a node about to be written; its instance must exist, ancestors are created. */
	private place(ref: NodeRef): SchemaNode {
		if (!this.tree.registration(ref.moid)) throw new DmError(404, `${ref.moid}: no such MO on this device`);
		if (!this.has({ moid: ref.moid, miid: ref.miid, path: [] })) throw new DmError(404, `${ref.moid}/${ref.miid}: no such MO instance`);
		for (const p of ref.path) checkName(p, "a node name");
		const def = this.tree.definition(ref.moid, ref.path);
		if (!def) throw notInSchema(ref.moid, ref.path);
		for (let i = 1; i < ref.path.length; i++) {
			const up = { moid: ref.moid, miid: ref.miid, path: ref.path.slice(0, i) };
			const upKey = this.tree.key(up);
			if (!this.hasKey(upKey)) this.add(up, this.tree.definition(ref.moid, up.path)!, upKey);
		}
		return def;
	}

	private add(ref: NodeRef, def: SchemaNode, key: string): void {
		this.guard.check("add", ref, def, this.parentCreated(ref));
		this.write(key, new Uint8Array(0));
		this.created.set(key, { moid: ref.moid, miid: ref.miid, path: [...ref.path] });
		this.changed(ref, false);
		this.defaults(ref, def);
	}

	/** Required leaves with a DDF DefaultValue come into being with their parent. */
	private defaults(ref: NodeRef, def: SchemaNode): void {
		for (const c of def.children) {
			if (c.unnamed || c.min === 0 || c.defaultValue === undefined) continue;
			const child = { moid: ref.moid, miid: ref.miid, path: [...ref.path, c.name] };
			const key = this.tree.key(child);
			if (this.hasKey(key)) continue;
			const bytes = encodeLeaf(c.format, c.defaultValue, this.where(child));
			this.guard.check("add", child, c, true);
			this.write(key, bytes);
			this.small.set(key, bytes);
		}
	}

	private parentCreated(ref: NodeRef): boolean {
		return ref.path.length > 0 && this.created.has(this.tree.key({ moid: ref.moid, miid: ref.miid, path: ref.path.slice(0, -1) }));
	}

	private storedIfSmall(key: string, limit: number): Uint8Array | undefined {
		const size = this.tree.store.size(key);
		return size !== undefined && size === limit && size <= NV_VALUE_MAX ? this.tree.store.get(key) : undefined;
	}

	private write(key: string, bytes: Uint8Array): void {
		this.deletes.delete(key);
		this.puts.add(key);
		this.txn.put(key, bytes);
	}

	private remove(key: string): void {
		this.puts.delete(key);
		this.small.delete(key);
		this.deletes.add(key);
		this.txn.delete(key);
	}

	/** Keys below a node, walked through the store's parent links: the cost follows the size of the
	    sub-tree, not of the whole store (a listing of every key reads each one from flash). */
	private descendants(key: string): string[] {
		const out = new Set<string>();
		const stack = [key];
		while (stack.length) {
			for (const k of this.tree.store.children(stack.pop()!)) {
				if (this.deletes.has(k)) continue;
				out.add(k);
				stack.push(k);
			}
		}
		for (const k of this.puts) if (k.startsWith(key + "/")) out.add(k);
		return [...out];
	}

	private changed(ref: NodeRef, deleted: boolean): void {
		const root = { moid: ref.moid, miid: ref.miid, path: [] as string[] };
		this.touched.set(this.tree.key(root), root);
		if (ref.path.length === 0) return;
		const parent = { moid: ref.moid, miid: ref.miid, path: ref.path.slice(0, -1) };
		const key = this.tree.key(parent);
		const seen = this.parents.get(key);
		this.parents.set(key, { ...parent, deleted: deleted || (seen?.deleted ?? false) });
	}

	private checkOccurrence(p: Place, deleted: boolean): void {
		const def = this.tree.definition(p.moid, p.path)!;
		const names = this.childNames(p);
		for (const c of def.children) {
			const count = c.unnamed ? names.filter((n) => childSchema(def, n) === c).length : names.includes(c.name) ? 1 : 0;
			if (count < c.min) {
				throw deleted
					? new DmError(405, `${this.where(p)}/${c.name} is required: it cannot be deleted`)
					: new DmError(415, `${this.where(p)}: the required node ${c.name} is missing`);
			}
			if (c.max > 0 && count > c.max) throw new DmError(415, `${this.where(p)}: at most ${c.max} ${c.name} nodes`);
		}
	}

	private checkRequired(p: Place): void {
		this.checkOccurrence(p, false);
	}

	private checkInstances(moid: string): void {
		const root = this.tree.registration(moid)!.schema.root;
		const count = this.instances(moid).length;
		if (root.max > 0 && count > root.max) throw new DmError(415, `${moid}: at most ${root.max} MO instance${root.max > 1 ? "s" : ""}`);
		if (count < root.min && this.tree.instances(moid).length >= root.min) throw new DmError(405, `${moid}: its MO instance is required: it cannot be deleted`);
	}
}

// ---- streaming value checks ----

interface StreamCheck { feed(chunk: Uint8Array): void; end(): void }

// 415 for a value that is not what its format says: Appendix C gives 415 Unsupported Media Type
// for HGET when "the retrieved data by the HTTP GET is unrecognized", the nearest it has to a body
// whose content is malformed for its format (400 is for malformed command syntax); a bootstrap or
// the card refuses such a value the same way, before anything is stored.
function streamCheck(format: SchemaNode["format"], where: string): StreamCheck {
	const bad = (why: string): DmError => new DmError(415, `${where}: not a ${format} value (${why})`);
	if (format === "bin") return { feed(): void { /* any bytes */ }, end(): void { /* */ } };
	if (format === "b64") {
		let length = 0, pad = 0;
		return {
			feed(chunk): void {
				for (const b of chunk) {
					const ok = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f;
					if (b === 0x3d) { if (++pad > 2) throw bad("too much padding"); }
					else if (!ok || pad) throw bad("a character outside base64");
					length++;
				}
			},
			end(): void { if (length % 4) throw bad("not a whole number of quads"); },
		};
	}
	if (format === "chr" || format === "xml") {
		const utf8 = new Utf8Validator();   // strict (RFC 3629): a sequence may straddle two chunks
		return {
			feed(chunk): void { if (utf8.feed(chunk) === Utf8Verdict.Invalid) throw bad("not UTF-8"); },
			end(): void { if (utf8.end() !== Utf8Verdict.Valid) throw bad("UTF-8 cut short"); },
		};
	}
	throw new DmError(415, `${where}: a ${format} value is small: give it whole`);
}
