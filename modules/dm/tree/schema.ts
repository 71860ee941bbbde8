// MO schemas (6.3, 6.4): what the DDF of an MO says about each node, as frozen tables. The DDF
// compiler (tools/ddf) writes one module per MO under modules/dm/mo/generated that calls
// defineSchema; XS preloads those into ROM on the device, so a schema costs no heap at run time.
import { DmError } from "../error.js";

/** DFFormat (6.3.1): "node" is an interior node, everything else a leaf. */
export type Format = "node" | "null" | "b64" | "bin" | "bool" | "chr" | "int" | "xml" | "date" | "time" | "float";
export const FORMATS: readonly Format[] = Object.freeze(["node", "null", "b64", "bin", "bool", "chr", "int", "xml", "date", "time", "float"]);

/** AccessType (6.3.1, DM 1.3 DDF) as bits; no bits at all is a node not exposed to servers. */
export const Access = Object.freeze({ Add: 1, Copy: 2, Delete: 4, Exec: 8, Get: 16, Replace: 32 });
export const ACCESS_NAMES = Object.freeze(["Add", "Copy", "Delete", "Exec", "Get", "Replace"] as const);
export type AccessName = (typeof ACCESS_NAMES)[number];

/** Occurrence (6.3.1); ZeroOrN and OneOrN carry their N in `max`. */
export type Occurrence = "One" | "ZeroOrOne" | "ZeroOrMore" | "OneOrMore" | "ZeroOrN" | "OneOrN";

export interface SchemaNode {
	/** the DDF NodeName; for an unnamed node (x-node) its label, e.g. "<x>" or "<MOID>" */
	readonly name: string;
	/** an x-node: instances get their names at run time */
	readonly unnamed: boolean;
	readonly format: Format;
	/** Access bits */
	readonly access: number;
	readonly occurrence: Occurrence;
	/** fewest siblings of this definition (0 or 1) */
	readonly min: number;
	/** most siblings of this definition; 0 = as many as the device allows */
	readonly max: number;
	/** Scope Permanent: servers cannot create, delete or rename it (6.3.1.2) */
	readonly permanent: boolean;
	/** CaseSense (6.4): this node's name and its descendants' names compare case-insensitively when
	    false. A node without its own CaseSense inherits its parent's; the MO root defaults to CS. */
	readonly caseSense: boolean;
	/** DFType MIME of a leaf */
	readonly mime?: string;
	/** DefaultValue, as text */
	readonly defaultValue?: string;
	readonly children: readonly SchemaNode[];
}

export interface MoSchema {
	/** the DDFName of the root: the MO's MOID */
	readonly moid: string;
	/** the MO instance root; its name is the MIID's label */
	readonly root: SchemaNode;
}

/** A node as the compiler writes it: optional fields default to the DDF's defaults. */
export interface SchemaNodeSource {
	name: string;
	unnamed?: boolean;
	format: Format;
	access: number;
	occurrence?: Occurrence;
	/** N of ZeroOrN / OneOrN */
	n?: number;
	permanent?: boolean;
	caseSense?: boolean;
	mime?: string;
	defaultValue?: string;
	children?: SchemaNodeSource[];
}

const OCCURRENCE_RANGE: Readonly<Record<Occurrence, readonly [number, number]>> = Object.freeze({
	One: [1, 1], ZeroOrOne: [0, 1], ZeroOrMore: [0, 0], OneOrMore: [1, 0], ZeroOrN: [0, -1], OneOrN: [1, -1],
});

function build(s: SchemaNodeSource, where: string, inheritedCase: boolean): SchemaNode {
	const path = `${where}/${s.name}`;
	if (!FORMATS.includes(s.format)) throw new TypeError(`${path}: unknown format ${s.format}`);
	if (s.format !== "node" && s.children && s.children.length) throw new TypeError(`${path}: a leaf cannot have children`);
	const occurrence = s.occurrence ?? "One";
	const [min, fixedMax] = OCCURRENCE_RANGE[occurrence];
	let max = fixedMax;
	if (fixedMax < 0) {
		if (s.n === undefined || !Number.isInteger(s.n) || s.n < 1) throw new TypeError(`${path}: ${occurrence} needs N ≥ 1`);
		max = s.n;
	}
	const caseSense = s.caseSense ?? inheritedCase;
	// A run-time name selects at most one named child: exact names differ, and a case-insensitive
	// child's name folds to no sibling's. So childSchema may try exact names first.
	const exact = new Set<string>(), folded = new Set<string>(), foldedInsensitive = new Set<string>();
	let unnamedChildren = 0;
	const children = (s.children ?? []).map((c) => {
		const child = build(c, path, caseSense);
		if (c.unnamed) { unnamedChildren++; return child; }
		const lower = c.name.toLowerCase();
		if (exact.has(c.name) || foldedInsensitive.has(lower) || (!child.caseSense && folded.has(lower))) throw new TypeError(`${path}: two children named ${c.name}`);
		exact.add(c.name);
		folded.add(lower);
		if (!child.caseSense) foldedInsensitive.add(lower);
		return child;
	});
	if (unnamedChildren > 1) throw new TypeError(`${path}: more than one unnamed child`);
	const node: SchemaNode = {
		name: s.name, unnamed: s.unnamed ?? false, format: s.format, access: s.access, occurrence, min, max,
		permanent: s.permanent ?? false, caseSense,
		...(s.mime !== undefined ? { mime: s.mime } : {}),
		...(s.defaultValue !== undefined ? { defaultValue: s.defaultValue } : {}),
		children,
	};
	return node;
}

function deepFreeze<T>(o: T): T {
	if (o && typeof o === "object" && !Object.isFrozen(o)) {
		for (const v of Object.values(o as object)) deepFreeze(v);
		Object.freeze(o);
	}
	return o;
}

/** Checks and freezes a compiled schema. Throws TypeError for a table no DDF could produce. */
export function defineSchema(moid: string, root: SchemaNodeSource): MoSchema {
	if (!moid) throw new TypeError("a schema needs its MOID");
	if (root.format !== "node") throw new TypeError(`${moid}: the root of an MO is an interior node`);
	return deepFreeze({ moid, root: build(root, moid, true) });
}

/** The child definition a run-time name falls under: a named one first (compared as that child's
    CaseSense says), else the unnamed one. */
export function childSchema(parent: SchemaNode, name: string): SchemaNode | undefined {
	// Every tree walk asks this at each level. Exact names first: most names come as the DDF spells
	// them, and then no string is lowered (on XS toLowerCase makes a string, and a String object to
	// call it on); defineSchema makes sure no other child could match a name one matches exactly.
	// Indexed loops: on XS a for-of allocates an iterator and a result per child.
	const children = parent.children, n = children.length;
	for (let i = 0; i < n; i++) { const c = children[i]!; if (c.name === name && !c.unnamed) return c; }
	let unnamed: SchemaNode | undefined, lower: string | undefined;
	for (let i = 0; i < n; i++) {
		const c = children[i]!;
		if (c.unnamed) unnamed = c;
		else if (!c.caseSense && c.name.toLowerCase() === (lower ??= name.toLowerCase())) return c;
	}
	return unnamed;
}

/** The definition of the node at path below the instance root, or undefined if the MO has none. */
export function schemaAt(schema: MoSchema, path: readonly string[]): SchemaNode | undefined {
	let n: SchemaNode | undefined = schema.root;
	for (const p of path) {
		if (!n) return undefined;
		n = childSchema(n, p);
	}
	return n;
}

export function isLeaf(n: SchemaNode): boolean {
	return n.format !== "node";
}

/** Not exposed to servers (interpretation 7): no Get access. */
export function isHidden(n: SchemaNode): boolean {
	return (n.access & Access.Get) === 0;
}

export function notInSchema(moid: string, path: readonly string[]): DmError {
	return new DmError(415, `${moid}: the MO has no node ${path.length ? path.join("/") : "(root)"}`);
}
