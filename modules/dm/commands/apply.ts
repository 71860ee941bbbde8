// dmmo+json into a change set, event by event as the body arrives (HGET, 5.3.1). Each item lands
// at a target decided before its MOData: the HGET's ClientURI when it has one, else the item's own
// ClientURI (a new MO instance when it names only the MO, the client choosing the MIID). The
// target's data is replaced: nodes in the document are added or replaced, and exposed children of
// an interior node that the document leaves out are deleted when that node closes. String values
// arrive as the reader lends their UTF-8 and go to the change set as bytes: a short one whole, a
// long one to flash as it comes (bin decoded from base64 on the way).
import { DmError } from "../error.js";
import { decodeBase64, decodeUtf8, pattern } from "../../bytes/index.js";
import type { DmmoHandler, DmmoItemInfo } from "../codec/index.js";
import { Access, NAME_MAX, isHidden, isLeaf, type ChangeSet, type SchemaNode } from "../tree/index.js";
import { parseClientUri, resolveClientUri, type NodeRef, type UriTarget } from "../uri/index.js";
import type { CommandContext } from "./context.js";
import { nodeUri } from "./serialize.js";
import { writeTarget } from "./locate.js";

const UNRESERVED_NAME = pattern(/^[A-Za-z0-9\-._~]+$/);

/** a string leaf shorter than this many bytes is put whole; longer ones stream */
const SMALL = 256;

interface Open { ref: NodeRef; seen: Set<string> }

function unfit(why: string): DmError {
	return new DmError(415, `the retrieved data does not fit: ${why}`);
}

export class DmmoApplier implements DmmoHandler {
	/** where each item went, as ClientURIs (returned with the status when HGET named none) */
	readonly placed: string[] = [];
	private target: NodeRef | undefined;
	private itemUri: string | undefined;
	private topSeen = false;
	private readonly open: Open[] = [];
	private stream: { write(bytes: Uint8Array): void; end(): void } | undefined;
	/** the pieces of a string value so far, while it may still be small (the reader lends them) */
	private held: Uint8Array | undefined;
	private heldLength = 0;
	private base64Carry = "";
	/** the leaf whose string value is still arriving */
	private leafRef: NodeRef | undefined;
	private leafDef: SchemaNode | undefined;

	constructor(private readonly ctx: CommandContext, private readonly cs: ChangeSet, private readonly fixed: NodeRef | undefined) {}

	beginItem(index: number): void {
		if (this.fixed && index > 0) throw unfit("an HGET with a ClientURI takes one item");
		this.target = this.fixed;
		this.itemUri = undefined;
		this.topSeen = false;
	}

	meta(_index: number, name: keyof DmmoItemInfo, value: string): void {
		if (name === "ClientURI" && !this.fixed && !this.topSeen) this.itemUri = value;
	}

	/** The node a path relative to MOData stands for; the first event of an item fixes the target. */
	private at(path: readonly string[], interior: boolean): NodeRef {
		if (path.length === 1) {
			if (this.topSeen) throw unfit("MOData holds one node: the one its ClientURI names");
			this.topSeen = true;
			if (!this.target) this.target = this.place(path[0]!, interior);
		}
		const t = this.target!;
		return { moid: t.moid, miid: t.miid, path: [...t.path, ...path.slice(1)] };
	}

	private place(name: string, interior: boolean): NodeRef {
		if (this.itemUri === undefined) throw unfit("each item's ClientURI must come before its MOData when HGET names no ClientURI");
		const uri = parseClientUri(this.itemUri);
		const named = uri.instance.kind === "miid" ? uri.instance.miid : undefined;
		if (uri.path.length === 0 && named !== undefined && !this.cs.has({ moid: uri.moid, miid: named, path: [] })) {
			// a new instance under the name the data gives it (a bootstrap's accounts)
			this.ctx.access.createInstance(this.cs, uri.moid, named);
			return { moid: uri.moid, miid: named, path: [] };
		}
		if (uri.path.length === 0 && uri.instance.kind !== "miid") {
			if (!interior) throw unfit("a new MO instance is an interior node");
			const taken = new Set(this.cs.instances(uri.moid));
			let miid = UNRESERVED_NAME.test(name) && name.length <= NAME_MAX && !taken.has(name) ? name : undefined;
			for (let n = 1; miid === undefined; n++) if (!taken.has(String(n))) miid = String(n);
			this.ctx.access.createInstance(this.cs, uri.moid, miid);
			return { moid: uri.moid, miid, path: [] };
		}
		const root = named === undefined ? undefined : { moid: uri.moid, miid: named, path: [] };
		if (root && this.cs.has(root) && !this.ctx.tree.has(root)) return writeTarget(this.ctx, uri, (u) => resolveClientUri(u, this.createdView())).ref;
		return writeTarget(this.ctx, uri).ref;
	}

	/** The change set as a UriTarget, for items addressing an instance an earlier item of the same
	    data created: the tree does not know it before the commit. Its creator has every right on it
	    (10), so only where the node is has to be found. */
	private createdView(): UriTarget {
		const cs = this.cs, tree = this.ctx.tree;
		return {
			instances: (moid) => cs.instances(moid),
			children: (moid, miid, path) => {
				const ref = { moid, miid, path: [...path] };
				const def = tree.definition(moid, ref.path);
				return def && !isLeaf(def) && cs.has(ref) ? cs.childNames(ref) : undefined;
			},
			value: (moid, miid, path) => cs.text({ moid, miid, path: [...path] }),
		};
	}

	beginInterior(path: readonly string[]): void {
		const ref = this.at(path, true);
		const def = this.ctx.tree.definition(ref.moid, ref.path);
		if (!def) throw unfit(`${nodeUri(ref)} is not a node of the MO`);
		if (isLeaf(def)) throw unfit(`${nodeUri(ref)} is a leaf`);
		if (ref.path.length) this.cs.put(ref);
		if (this.open.length) this.open[this.open.length - 1]!.seen.add(ref.path[ref.path.length - 1]!);
		this.open.push({ ref, seen: new Set() });
	}

	endInterior(): void {
		const { ref, seen } = this.open.pop()!;
		// replace, not merge: what the server could see, may delete, and left out goes
		for (const name of this.cs.childNames(ref)) {
			if (seen.has(name)) continue;
			const child = { moid: ref.moid, miid: ref.miid, path: [...ref.path, name] };
			const def = this.ctx.tree.definition(child.moid, child.path);
			if (def && !isHidden(def) && !def.permanent && (def.access & Access.Delete)) this.cs.delete(child);
		}
	}

	leaf(path: readonly string[], value: number | boolean | null): void {
		this.cs.put(this.leafAt(path, true), value);
	}

	/** The leaf at path, checked once for a value in several pieces (`final` on its last). */
	private leafAt(path: readonly string[], final: boolean): NodeRef {
		let ref = this.leafRef;
		if (!ref) {
			ref = this.at(path, false);
			const def = this.ctx.tree.definition(ref.moid, ref.path);
			if (!def) throw unfit(`${nodeUri(ref)} is not a node of the MO`);
			if (!isLeaf(def)) throw unfit(`${nodeUri(ref)} is an interior node`);
			if (this.open.length) this.open[this.open.length - 1]!.seen.add(ref.path[ref.path.length - 1]!);
			this.leafDef = def;
		}
		this.leafRef = final ? undefined : ref;
		return ref;
	}

	leafText(path: readonly string[], source: Uint8Array, start: number, end: number, final: boolean): void {
		const ref = this.leafAt(path, final);
		const def = this.leafDef!;
		if (!this.stream) {
			// one piece, the common case: the change set copies it once, into what it keeps
			if (final && this.heldLength === 0) { this.cs.putText(ref, source, start, end); return; }
			if (this.heldLength + (end - start) < SMALL) {
				this.held ??= new Uint8Array(SMALL);
				this.held.set(source.subarray(start, end), this.heldLength);
				this.heldLength += end - start;
				if (final) { const length = this.heldLength; this.heldLength = 0; this.cs.putText(ref, this.held, 0, length); }
				return;
			}
			if (def.format !== "chr" && def.format !== "xml" && def.format !== "b64" && def.format !== "bin") throw unfit(`${nodeUri(ref)}: too long for a ${def.format}`);
			this.stream = this.cs.putStream(ref);
			if (this.heldLength) {
				const first = this.held!.subarray(0, this.heldLength);
				this.heldLength = 0;
				this.writePiece(def.format, first, false);
			}
		}
		this.writePiece(def.format, source.subarray(start, end), final);
		if (final) { this.stream.end(); this.stream = undefined; }
	}

	private writePiece(format: SchemaNode["format"], bytes: Uint8Array, final: boolean): void {
		if (format === "bin") this.writeBase64(decodeUtf8(bytes)!, final);   // base64 text: ASCII, or refused there
		else this.stream!.write(bytes);
	}

	private writeBase64(text: string, final: boolean): void {
		const all = this.base64Carry + text;
		const whole = final ? all.length : all.length - (all.length % 4);
		this.base64Carry = all.slice(whole);
		if (final && this.base64Carry) throw unfit("a bin value is base64 in whole quads");
		if (!whole) return;
		const bytes = decodeBase64(all.slice(0, whole));
		if (!bytes || (!final && all.slice(0, whole).includes("="))) throw unfit("a bin value travels as base64 (interpretation 14)");
		this.stream!.write(bytes);
	}

	endItem(): void {
		if (!this.target) throw unfit("an item without MO data");
		this.placed.push(nodeUri(this.target));
	}
}

/** Reads a whole small text body as one value (a single leaf sent with its own MIME). */
export function smallText(bytes: Uint8Array): string {
	const text = decodeUtf8(bytes);
	if (text === undefined) throw unfit("not UTF-8");
	return text.trim();
}
