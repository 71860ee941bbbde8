// Sub-trees out as application/dmmo+json (7.2.1.4), for GET results (Appendix F), HPUT/HPOST and
// SUB reports. One item per selected node: its concrete ClientURI, the instance's cache validator
// when the node is the instance root (11.2 step 2a), and MOData holding the node under its own
// name (the MIID for an instance root) with its exposed sub-tree down to lv= levels; deeper
// interior nodes are "{}" (7.2.1.4). Leaf values come from the store fragment by fragment.
//
// The writer is a generator that yields at every point where the caller may wait (between nodes
// and value fragments): a socket producer awaits drain() there, a store spool runs straight
// through. Nothing is held but the path being written.
import { span } from "../../bytes/index.js";
import { DmmoWriter, type JsonWriter } from "../codec/index.js";
import { childSchema, decodeLeaf, isLeaf, type SchemaNode, type Tree } from "../tree/index.js";
import { NAME_UNITS, type NodeRef } from "../uri/index.js";
import { FRAGMENT_MAX } from "../store/index.js";


/** Percent-encodes a node name the way 6.1.1.2's real-name allows (unreserved characters only). */
export function encodeName(name: string): string {
	// most names need nothing: span says so in C, where encodeURIComponent and five replaceAll
	// would make six strings
	if (span(name, NAME_UNITS) < 0) return name;
	// the sub-delims encodeURIComponent leaves: string patterns (a /g literal at module level would be
	// frozen by the device's preload, and replace() writes its lastIndex)
	return encodeURIComponent(name).replaceAll("!", "%21").replaceAll("'", "%27").replaceAll("(", "%28").replaceAll(")", "%29").replaceAll("*", "%2A");
}

/** The ClientURI that names exactly this node. */
export function nodeUri(ref: NodeRef): string {
	let uri = `${ref.moid}/${encodeName(ref.miid)}/`;
	uri += ref.path.map(encodeName).join("/");
	return uri;
}

/** Whether a selection carries nothing to send (GET's 204): null leaves and empty interior nodes. */
export function isEmptySelection(tree: Tree, refs: readonly NodeRef[]): boolean {
	return refs.every((r) => {
		const def = tree.exposed(r.moid, r.path);
		if (!def) return true;
		if (isLeaf(def)) return def.format === "null";
		return !tree.hasChildren(r.moid, r.miid, r.path);
	});
}

/** Nodes a ClientURI selected, and its lv= (undefined: the whole sub-trees). */
export interface Selection { readonly refs: readonly NodeRef[]; readonly level: number | undefined }

/** An interior node being written: its children, and the next of them to write. */
interface Open {
	readonly ref: NodeRef;
	readonly def: SchemaNode;
	readonly children: readonly string[];
	readonly levels: number;	// below the children
	next: number;
}

/** Writes the dmmo+json document for the selections; yields where the caller may wait. One
    generator walks each sub-tree with a stack of the open interior nodes: on XS a generator per node
    (yield* down the tree) copied every frame of the path into the heap at each yield. */
export function* writeDmmo(tree: Tree, selections: readonly Selection[], w: JsonWriter): Generator<void, void, void> {
	const dw = new DmmoWriter(w);
	const open: Open[] = [];
	for (let s = 0; s < selections.length; s++) {
		const { refs, level } = selections[s]!;
		for (let r = 0; r < refs.length; r++) {
			const ref = refs[r]!;
			const def = tree.exposed(ref.moid, ref.path);
			if (!def || !tree.has(ref)) continue;   // gone since it was selected: nothing to say about it
			const cv = ref.path.length === 0 ? tree.cacheValidator(ref.moid, ref.miid) : undefined;
			dw.beginItem(cv === undefined ? { ClientURI: nodeUri(ref) } : { ClientURI: nodeUri(ref), CV: cv });
			const name = ref.path.length ? ref.path[ref.path.length - 1]! : ref.miid;
			let step = enter(tree, ref, def, name, level ?? Number.MAX_SAFE_INTEGER, w, open);
			for (;;) {
				// what the node just entered or closed left to wait for: nothing, one yield, or a long value's fragments
				if (step === true) yield;
				else if (step) yield* step;
				const top = open[open.length - 1];
				if (!top) break;
				if (top.next < top.children.length) {
					const child = top.children[top.next++]!;
					// the definitions carried down: exposed() of each child would walk the schema from the root
					step = enter(tree, { moid: top.ref.moid, miid: top.ref.miid, path: [...top.ref.path, child] }, childSchema(top.def, child)!, child, top.levels, w, open);
				}
				else {
					open.pop();
					w.endObject();
					step = true;
				}
			}
			dw.endItem();
			yield;
		}
	}
	dw.end();
}

/** Writes a node's name and a leaf's value, or opens an interior node: pushed on `open` when its
    children are to be written (levels > 0), closed at once as "{}" when not. Says what to wait for, as writeLeaf does. */
function enter(tree: Tree, ref: NodeRef, def: SchemaNode, name: string, levels: number, w: JsonWriter, open: Open[]): Generator<void, void, void> | boolean {
	w.key(name);
	if (isLeaf(def)) return writeLeaf(tree, ref, def, w);
	w.startObject();
	if (levels > 0) {
		open.push({ ref, def, children: tree.exposedChildren(ref, def), levels: levels - 1, next: 0 });
		return false;
	}
	w.endObject();
	return true;
}

/** values up to this long are read whole for writing: one fragment of the store's */
const WHOLE_MAX = FRAGMENT_MAX;

/** Writes a leaf. A string or binary value yields after each fragment, so that the transport can
    push back; most values are one fragment, written here whole (true: the caller yields once), and
    only a longer one gets a generator for the rest: on XS a generator per leaf costs more than the
    leaf. False: nothing to wait for (null, numbers, booleans). */
function writeLeaf(tree: Tree, ref: NodeRef, def: SchemaNode, w: JsonWriter): Generator<void, void, void> | boolean {
	switch (def.format) {
	case "null": w.null(); return false;
	case "int": case "float": case "bool": {
		const v = decodeLeaf(def.format, tree.bytes(ref) ?? new Uint8Array(0));
		if (typeof v === "number") w.number(v); else w.boolean(v === true);
		return false;
	}
	default: break;
	}
	const bin = def.format === "bin";
	// most values are short: read whole (the store's one-read path); a long one, or one gone, streams
	const whole = tree.bytes(ref, WHOLE_MAX);
	if (bin) w.beginBase64(); else w.beginString();
	if (whole) { if (whole.length) chunk(w, bin, whole); end(w, bin); return true; }
	const reader = tree.reader(ref);
	const first = reader?.next();
	if (!first) { end(w, bin); return false; }
	chunk(w, bin, first);
	const second = reader!.next();
	if (!second) { end(w, bin); return true; }
	return writeLeafRest(reader!, second, bin, w);
}

function* writeLeafRest(reader: { next(): Uint8Array | undefined }, from: Uint8Array, bin: boolean, w: JsonWriter): Generator<void, void, void> {
	yield;   // after the first fragment
	for (let c: Uint8Array | undefined = from; c; c = reader.next()) { chunk(w, bin, c); yield; }
	end(w, bin);
}

function chunk(w: JsonWriter, bin: boolean, c: Uint8Array): void {
	if (bin) w.base64Chunk(c); else w.stringBytes(c);
}

function end(w: JsonWriter, bin: boolean): void {
	if (bin) w.endBase64(); else w.endString();
}

/** Writes a leaf's stored bytes as they are (a single-leaf body with the leaf's own MIME). */
export function* writeRaw(tree: Tree, ref: NodeRef, out: (bytes: Uint8Array) => void): Generator<void, void, void> {
	const reader = tree.reader(ref);
	for (let c = reader?.next(); c; c = reader!.next()) { out(c); yield; }
}

/** Runs a writer generator to its end without waiting (into the store, or a test's buffer). */
export function runToEnd(steps: Generator<void, void, void>): void {
	for (let s = steps.next(); !s.done; s = steps.next()) { /* no one to wait for */ }
}
