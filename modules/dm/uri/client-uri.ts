// ClientURI (6.1.1): MOID "/" mo-inst path-from-moroot [ "?" query ], parsed into a typed value.
//   mo-inst   = MIID / x-name / "" / "*"
//   path      = "/" / 1*("/" node-name)      node-name = real-name / x-name / "*"
//   real-name = 1*unreserved (percent-encoded octets are decoded)    x-name = "(" ALPHA ")"
//   query     = field=value pairs joined by "&": lv=<positive int> (ZeroOrOne), cv=<val> (ZeroOrOne),
//               nv=<x-name>[/<path>]:<val> (ZeroOrMore); unknown fields are ignored, as 6.1.1.3 says.
// Decisions where 6.1 is silent: an MIID follows real-name's grammar; an x-name may appear once in a
// ClientURI and must have at least one nv (else it cannot be resolved: 400); an nv naming an x-name
// the path does not use is 400; a repeated lv or cv is 400; "*" is allowed as mo-inst and as any
// node-name. Everything malformed is DmError(400); sizes are bounded against hostile servers.
import { DmError } from "../error.js";
import { normativeMoid, normativePath } from "./moid.js";
import { pattern, span, unitSet } from "../../bytes/index.js";

/** RFC 3986's unreserved characters (2.3): what a node name holds as it is, all else %XX-encoded */
export const NAME_UNITS = unitSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");
const HEX_PAIR = pattern(/^[0-9A-Fa-f]{2}$/);
const MOID_TEXT = pattern(/^[A-Za-z0-9\-._~:%]+$/);
const LIST_VALUE = pattern(/^[1-9][0-9]{0,5}$/);

export type Segment =
	| { kind: "name"; name: string }
	| { kind: "x"; x: string }
	| { kind: "any" };

export interface NodeValueCondition {
	/** the x-name it resolves, e.g. "x" for "(x)" */
	x: string;
	/** the path below the x-named node whose value is compared ([] for the node itself) */
	path: string[];
	value: string;
}

export interface ClientUri {
	/** the normative MOID (aliases mapped, interpretation 2) */
	moid: string;
	/** as written, for messages and for the URIs echoed back in statuses */
	text: string;
	instance: { kind: "miid"; miid: string } | { kind: "x"; x: string } | { kind: "only" } | { kind: "any" };
	/** [] addresses the instance root */
	path: Segment[];
	level?: number;
	cacheValidator?: string;
	nodeValues: NodeValueCondition[];
}

export const CLIENT_URI_LIMITS = Object.freeze({ maxLength: 1024, maxSegments: 32, maxConditions: 8 });

function bad(text: string, why: string): DmError {
	return new DmError(400, `ClientURI ${JSON.stringify(text.length > 80 ? text.slice(0, 80) + "…" : text)}: ${why}`);
}

/** Decodes a real-name: unreserved characters and %XX escapes of UTF-8. */
function decodeName(raw: string, text: string): string {
	if (raw.length === 0) throw bad(text, "an empty node name");
	if (!isNodeName(raw)) throw bad(text, `"${raw}" is not a node name (unreserved characters, or percent-encoded)`);
	try {
		return decodeURIComponent(raw);
	} catch {
		throw bad(text, `"${raw}" does not decode to UTF-8`);
	}
}

/** Whether raw is unreserved characters and %XX escapes (RFC 3986 2.1, 2.3), one at least. Written
    out rather than matched (see modules/bytes/pattern.ts): span runs over the unreserved characters
    (in C on XS, where a loop of charAt makes a String object per character) and stops at each "%". */
export function isNodeName(raw: string): boolean {
	if (raw === "") return false;
	for (let i = span(raw, NAME_UNITS); i >= 0; i = span(raw, NAME_UNITS, i + 3)) {
		if (raw.charAt(i) !== "%" || !HEX_PAIR.test(raw.slice(i + 1, i + 3))) return false;
	}
	return true;
}
/** The letter of an x-name, "(x)", or undefined. */
export function xName(raw: string): string | undefined {
	if (raw.length !== 3 || raw.charAt(0) !== "(" || raw.charAt(2) !== ")") return undefined;
	const letter = raw.charCodeAt(1) | 0x20;
	return letter >= 0x61 && letter <= 0x7a ? raw.charAt(1) : undefined;
}

function segment(raw: string, text: string): Segment {
	if (raw === "*") return { kind: "any" };
	const x = xName(raw);
	if (x !== undefined) return { kind: "x", x };
	if (raw.charAt(0) === "(") throw bad(text, `"${raw}" is not an x-name (one letter in parentheses)`);
	return { kind: "name", name: decodeName(raw, text) };
}

function decodeQueryValue(raw: string, text: string): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		throw bad(text, "a bad percent escape in the query");
	}
}

export function parseClientUri(text: string): ClientUri {
	if (typeof text !== "string" || text.length === 0) throw bad(String(text), "empty");
	if (text.length > CLIENT_URI_LIMITS.maxLength) throw bad(text, `longer than ${CLIENT_URI_LIMITS.maxLength} characters`);
	const q = text.indexOf("?");
	const pathPart = q < 0 ? text : text.slice(0, q);
	const queryPart = q < 0 ? undefined : text.slice(q + 1);
	const firstSlash = pathPart.indexOf("/");
	if (firstSlash <= 0) throw bad(text, "no MOID followed by \"/\"");
	const moidText = pathPart.slice(0, firstSlash);
	if (!MOID_TEXT.test(moidText)) throw bad(text, "the MOID has characters a URI cannot carry here");
	const rest = pathPart.slice(firstSlash + 1);
	const secondSlash = rest.indexOf("/");
	if (secondSlash < 0) throw bad(text, "no path after the MO instance (\"/\" addresses its root)");
	const instRaw = rest.slice(0, secondSlash);
	const pathRaw = rest.slice(secondSlash);   // starts with "/"

	let instance: ClientUri["instance"];
	const xNames = new Set<string>();
	if (instRaw === "") instance = { kind: "only" };
	else if (instRaw === "*") instance = { kind: "any" };
	else {
		const x = xName(instRaw);
		if (x !== undefined) { instance = { kind: "x", x }; xNames.add(x); }
		else instance = { kind: "miid", miid: decodeName(instRaw, text) };
	}

	const path: Segment[] = [];
	if (pathRaw !== "/") {
		const parts = pathRaw.slice(1).split("/");
		if (parts.length > CLIENT_URI_LIMITS.maxSegments) throw bad(text, `more than ${CLIENT_URI_LIMITS.maxSegments} path segments`);
		for (const raw of parts) {
			if (raw === "") throw bad(text, "an empty path segment");
			const s = segment(raw, text);
			if (s.kind === "x") {
				if (xNames.has(s.x)) throw bad(text, `x-name (${s.x}) used twice`);
				xNames.add(s.x);
			}
			path.push(s);
		}
	}

	const uri: ClientUri = { moid: normativeMoid(moidText), text, instance, path, nodeValues: [] };
	if (queryPart !== undefined) {
		if (queryPart === "") throw bad(text, "an empty query");
		for (const field of queryPart.split("&")) {
			const eq = field.indexOf("=");
			if (eq <= 0) throw bad(text, `query field "${field}" is not name=value`);
			const name = field.slice(0, eq), value = field.slice(eq + 1);
			if (name === "lv") {
				if (uri.level !== undefined) throw bad(text, "lv given twice");
				if (!LIST_VALUE.test(value)) throw bad(text, "lv is a positive integer");
				uri.level = Number(value);
			}
			else if (name === "cv") {
				if (uri.cacheValidator !== undefined) throw bad(text, "cv given twice");
				if (value === "") throw bad(text, "an empty cv");
				uri.cacheValidator = decodeQueryValue(value, text);
			}
			else if (name === "nv") {
				if (uri.nodeValues.length >= CLIENT_URI_LIMITS.maxConditions) throw bad(text, `more than ${CLIENT_URI_LIMITS.maxConditions} nv fields`);
				const colon = value.indexOf(":");
				if (colon < 0) throw bad(text, "nv is <path>:<value>");
				const [head, ...below] = value.slice(0, colon).split("/");
				const x = xName(head ?? "");
				if (x === undefined) throw bad(text, "an nv path starts with an x-name");
				if (!xNames.has(x)) throw bad(text, `nv names (${x}), which the path does not use`);
				uri.nodeValues.push({ x, path: below.map((b) => decodeName(b, text)), value: decodeQueryValue(value.slice(colon + 1), text) });
			}
			// other fields: vendor extensions, ignored (6.1.1.3)
		}
	}
	aliasNames(uri);
	for (const x of xNames) {
		if (!uri.nodeValues.some((c) => c.x === x)) throw bad(text, `x-name (${x}) has no nv field to resolve it`);
	}
	return uri;
}

/** Interpretation 3: prose spellings of node names reach the normative nodes. They name nodes
    right under the instance root, so only a path from the root (and an nv on the instance) maps. */
function aliasNames(uri: ClientUri): void {
	let names = 0;
	while (names < uri.path.length && uri.path[names]!.kind === "name") names++;
	if (names > 0) {
		const real = normativePath(uri.moid, uri.path.slice(0, names).map((s) => (s as { name: string }).name));
		uri.path = [...real.map((name): Segment => ({ kind: "name", name })), ...uri.path.slice(names)];
	}
	if (uri.instance.kind === "x") {
		const x = uri.instance.x;
		for (const c of uri.nodeValues) if (c.x === x) c.path = normativePath(uri.moid, c.path);
	}
}
