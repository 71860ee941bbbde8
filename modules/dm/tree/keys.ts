// Where the tree keeps a node in the store: "t" + the MO's short tag + "/" + MIID + "/" + each
// node name, names escaped so that "/" only ever separates. The instance root's key holds the
// instance's cache validator (11); every other interior node's value is empty, a leaf's is its value.
// Short tags instead of MOIDs keep keys short: the store indexes every key in RAM.

import { TREE_PREFIX } from "../store/index.js";

export const GENERATION_KEY = `${TREE_PREFIX}#generation`;

function escape(name: string): string {
	return name.indexOf("%") < 0 && name.indexOf("/") < 0 ? name : name.replaceAll("%", "%25").replaceAll("/", "%2F");
}

function unescape(name: string): string {
	return name.indexOf("%") < 0 ? name : name.replaceAll("%2F", "/").replaceAll("%25", "%");
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
	const rest = key.slice(prefix.length);
	return rest.indexOf("/") < 0 ? unescape(rest) : undefined;
}

/** The name of a direct child key under parentKey + "/", or undefined for a deeper one. */
export function childNameOf(key: string, parentKey: string): string | undefined {
	const rest = key.slice(parentKey.length + 1);
	return rest.indexOf("/") < 0 ? unescape(rest) : undefined;
}
