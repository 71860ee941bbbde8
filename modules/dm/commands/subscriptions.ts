// Subscriptions of SUB (5.3.11) on flash: "b" + a 10-digit number → {"c": ClientURI, "s":
// ServerURI, "a": SrvID, "v": {instance: cache validator}}. The validators are those of the MO
// instances the ClientURI selected when last reported: a commit that changes one of them is a
// change to report (instance granularity: the tree keeps validators per instance, 11.1), and
// since they are on flash a change made while the device was off is still reported after reboot.
import { DmError } from "../error.js";
import { decodeJson } from "../codec/json-value.js";
import { encodeUtf8 } from "../codec/utf8.js";
import { SUBSCRIPTION_PREFIX, type Store } from "../store/index.js";
import type { Tree } from "../tree/index.js";
import type { NodeRef } from "../uri/index.js";

const PREFIX = SUBSCRIPTION_PREFIX;
/** most subscriptions kept; each costs a key in the store's index */
export const SUBSCRIPTIONS_MAX = 32;

export interface Subscription {
	readonly id: string;
	readonly clientUri: string;
	readonly serverUri: string;
	readonly srvId: string;
	/** "<moid> <miid>" → the instance's cache validator when last reported */
	readonly seen: Readonly<Record<string, string>>;
}

function ids(store: Store): string[] {
	return store.keys(PREFIX).filter((k) => k.length === PREFIX.length + 10 && /^\d{10}$/.test(k.slice(PREFIX.length))).sort();
}

export function listSubscriptions(store: Store): Subscription[] {
	const out: Subscription[] = [];
	for (const id of ids(store)) {
		const bytes = store.get(id);
		if (!bytes) continue;
		const v = decodeJson(bytes) as { c: string; s: string; a: string; v: Record<string, string> };
		out.push({ id, clientUri: v.c, serverUri: v.s, srvId: v.a, seen: v.v });
	}
	return out;
}

/** The validators of the instances a selection touches, to compare later. */
export function validatorsOf(tree: Tree, refs: readonly NodeRef[]): Record<string, string> {
	const seen: Record<string, string> = {};
	for (const r of refs) seen[`${r.moid} ${r.miid}`] = tree.cacheValidator(r.moid, r.miid) ?? "";
	return seen;
}

/** Whether anything a subscription watches changed since it was last reported. */
export function changedSince(tree: Tree, s: Subscription): boolean {
	for (const [k, cv] of Object.entries(s.seen)) {
		const space = k.indexOf(" ");
		if ((tree.cacheValidator(k.slice(0, space), k.slice(space + 1)) ?? "") !== cv) return true;
	}
	return false;
}

/** Adds a subscription, or replaces the one this server has on the same ClientURI. */
export function saveSubscription(store: Store, s: Omit<Subscription, "id">, id?: string): string {
	const existing = listSubscriptions(store);
	const same = existing.find((e) => e.srvId === s.srvId && e.clientUri === s.clientUri);
	let key = id ?? same?.id;
	if (key === undefined) {
		if (existing.length >= SUBSCRIPTIONS_MAX) throw new DmError(500, `${SUBSCRIPTIONS_MAX} subscriptions exist already`);
		const last = ids(store).pop();
		key = PREFIX + String((last ? Number(last.slice(PREFIX.length)) : 0) + 1).padStart(10, "0");
	}
	store.transact((t) => t.put(key, encodeUtf8(JSON.stringify({ c: s.clientUri, s: s.serverUri, a: s.srvId, v: s.seen }))));
	return key;
}

/** Removes this server's subscription on a ClientURI; false if it has none. */
export function removeSubscription(store: Store, srvId: string, clientUri: string): boolean {
	const found = listSubscriptions(store).find((e) => e.srvId === srvId && e.clientUri === clientUri);
	if (!found) return false;
	store.transact((t) => t.delete(found.id));
	return true;
}
