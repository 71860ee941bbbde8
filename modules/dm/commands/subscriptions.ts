// Subscriptions of SUB (5.3.11) on flash: "b" + a 10-digit number → {"c": ClientURI, "s":
// ServerURI, "a": SrvID, "v": fingerprint}. The fingerprint is of the report itself: the length
// and CRC-32 of the dmmo+json a report would send now, the ClientURI resolved afresh under the
// server's rights. So a change is reported at the granularity of what the server subscribed to:
// a sibling of a subscribed leaf changes nothing in its report, a wildcard covers instances made
// after the SUB, and a node the server may no longer read drops out. Since it is on flash, a change
// made while the device was off is still reported after a reboot. (CRC-32 is no cryptographic
// digest: two different reports collide once in 2^32 changes, and then one report is late until
// the next change; the server only ever loses freshness, never data it may not see.)
import { DmError } from "../error.js";
import { JsonWriter, decodeJson } from "../codec/index.js";
import { encodeUtf8, pattern } from "../../bytes/index.js";
import { SUBSCRIPTION_PREFIX, crc32, type Store } from "../store/index.js";
import { Right, type AccessControl, type Tree } from "../tree/index.js";
import { parseClientUri, type NodeRef } from "../uri/index.js";
import { runToEnd, writeDmmo } from "./serialize.js";

const SEQUENCE = pattern(/^\d{10}$/);

const PREFIX = SUBSCRIPTION_PREFIX;
/** most subscriptions kept; each costs a key in the store's index */
export const SUBSCRIPTIONS_MAX = 32;

export interface Subscription {
	readonly id: string;
	readonly clientUri: string;
	readonly serverUri: string;
	readonly srvId: string;
	/** the fingerprint of the report last sent (or of the selection when subscribed) */
	readonly seen: string;
}

function ids(store: Store): string[] {
	return store.rootKeys(PREFIX).filter((k) => k.length === PREFIX.length + 10 && SEQUENCE.test(k.slice(PREFIX.length))).sort();
}

export function listSubscriptions(store: Store): Subscription[] {
	const out: Subscription[] = [];
	for (const id of ids(store)) {
		const bytes = store.get(id);
		if (!bytes) continue;
		const v = decodeJson(bytes) as { c: string; s: string; a: string; v: unknown };
		// a subscription saved with per-instance validators (an older build) reports once, then has a fingerprint
		out.push({ id, clientUri: v.c, serverUri: v.s, srvId: v.a, seen: typeof v.v === "string" ? v.v : "" });
	}
	return out;
}

/** What a subscription's ClientURI selects now, for its server: undefined when it selects nothing
    the server may read (the nodes are gone, or its rights are). */
export function selectFor(access: AccessControl, clientUri: string): { refs: NodeRef[]; level: number | undefined } | undefined {
	try {
		const uri = parseClientUri(clientUri);
		const refs = access.resolve(uri, Right.Read, uri.level);
		return refs.length ? { refs, level: uri.level } : undefined;
	} catch (e) {
		if (e instanceof DmError) return undefined;
		throw e;
	}
}

/** The fingerprint of the report of a selection: "<bytes>:<crc32>" of its dmmo+json, computed as
    it streams (nothing but a write buffer held). */
export function fingerprint(tree: Tree, selection: { refs: readonly NodeRef[]; level: number | undefined } | undefined): string {
	if (!selection) return "none";
	let crc = 0, length = 0;
	const w = new JsonWriter((b) => { crc = crc32(b, crc); length += b.length; }, 256);
	runToEnd(writeDmmo(tree, [selection], w));
	return `${length}:${(crc >>> 0).toString(16)}`;
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
