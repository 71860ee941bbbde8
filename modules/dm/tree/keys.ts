// Where the tree keeps a node in the store: "t" + the MO's short tag + "/" + MIID + "/" + each
// node name, names escaped so that "/" only ever separates. The instance root's key holds the
// instance's cache validator (11); every other interior node's value is empty, a leaf's is its value.
// Short tags instead of MOIDs keep keys short: the store indexes every key in RAM.

import { span, unitSet } from "../../bytes/index.js";
import { TREE_PREFIX } from "../store/index.js";

export const GENERATION_KEY = `${TREE_PREFIX}#generation`;

// Every store key the tree reads or writes passes here, most names need no escaping, and on XS a
// string method call allocates: one span over the name (no allocation) decides.
const PLAIN = unitSet("%/", true), NO_PERCENT = unitSet("%", true), NO_SLASH = unitSet("/", true);

function escape(name: string): string {
	return span(name, PLAIN) < 0 ? name : name.replaceAll("%", "%25").replaceAll("/", "%2F");
}

function unescape(name: string): string {
	return span(name, NO_PERCENT) < 0 ? name : name.replaceAll("%2F", "/").replaceAll("%25", "%");
}

export function instancePrefix(tag: string): string {
	return `${TREE_PREFIX}${tag}/`;
}

export function nodeKey(tag: string, miid: string, path: readonly string[]): string {
	let k = `${TREE_PREFIX}${tag}/${escape(miid)}`;
	// indexed: on XS a for-of allocates an iterator and a result per name, and every store key is made here
	for (let i = 0, n = path.length; i < n; i++) k += "/" + escape(path[i]!);
	return k;
}

/** The MIID of an instance root key found under instancePrefix(tag), or undefined for a node below one. */
export function miidOf(key: string, prefix: string): string | undefined {
	const at = prefix.length;
	return span(key, NO_SLASH, at) < 0 ? unescape(key.slice(at)) : undefined;
}

/** The name of a direct child key under parentKey + "/", or undefined for a deeper one. */
export function childNameOf(key: string, parentKey: string): string | undefined {
	const at = parentKey.length + 1;
	return span(key, NO_SLASH, at) < 0 ? unescape(key.slice(at)) : undefined;
}
