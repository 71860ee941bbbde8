// Smartcard bootstrap (8.1, Appendix G): at power-on the DM_Bootstrap on the card is applied with
// HGET semantics and no ClientURI (8.5), and the accounts that came from the card but are no longer
// on it are removed (DM-BOOT-012).
//
// The card is read twice when its content changed and once when it did not: a first pass only
// hashes the document, so an unchanged card costs no flash write at all (the store appends even
// the records of a change set it then aborts). When the hash differs, a second pass applies it in
// one change set that first deletes every account the previous card content gave; the document
// then creates what it carries afresh, so accounts the card dropped are gone and the MIIDs the
// client chooses come out the same each time. The record of what the card gave (its hash and the
// MIIDs of its accounts) is written after that commit: a power cut between the two leaves the old
// record, the next start sees a different hash and applies the same content again.
import { encodeUtf8, toHex } from "../../bytes/index.js";
import { createSha256 } from "../../crypto/index.js";
import { placedAccounts, type BootstrapTarget } from "./writer.js";
import { decodeJson } from "../codec/index.js";
import { MOIDS } from "../uri/index.js";
import { CARD_RECORD_KEY } from "../store/index.js";

/** Reads the card's DM_Bootstrap document in pieces; resolves false when the card is readable and
    carries none (a definite answer, unlike a failed read, which rejects). */
export interface CardBootstrapSource {
	read(sink: (chunk: Uint8Array) => void): Promise<boolean>;
}

export type CardOutcome =
	| { changed: false }
	/** the SrvIDs (MIIDs) of the DM accounts the card now gives: each gets a BootstrapComplete session */
	| { changed: true; accounts: string[] };

/** Store key of what the card gave last (the "k" prefix is the bootstrap's). */
export { CARD_RECORD_KEY };

interface CardRecord { digest: string; accounts: string[] }

export function cardRecord(client: Pick<BootstrapTarget, "store">): CardRecord | undefined {
	const bytes = client.store.get(CARD_RECORD_KEY);
	if (!bytes) return undefined;
	const v = decodeJson(bytes) as unknown as CardRecord;
	return typeof v.digest === "string" && Array.isArray(v.accounts) ? v : undefined;
}

/** The card could not be read (removed, mute, time-out, secure channel refused): no answer about
    what it carries, so nothing is changed. Its message is the reader's, which never holds a key. */
export class CardUnreadable extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "CardUnreadable";
	constructor(cause: unknown) {
		super(`the card could not be read: ${cause instanceof Error ? cause.message : String(cause)}`);
	}
}

/** Applies the card's bootstrap if it changed since the last start. Rejects with CardUnreadable
    when the card cannot be read and with the DmError of a refused document; either way nothing
    changed, and the accounts stay until the card says otherwise. Any other rejection is the
    store's (flash), which the store's own journal makes atomic. */
export async function bootstrapFromCard(client: BootstrapTarget, card: CardBootstrapSource): Promise<CardOutcome> {
	const hash = createSha256();
	const present = await card.read((chunk) => { hash.update(chunk); }).catch((e: unknown) => { throw new CardUnreadable(e); });
	const digest = present ? toHex(hash.digest()) : "none";
	const previous = cardRecord(client);
	if (previous?.digest === digest || (!previous && !present)) return { changed: false };
	const writer = client.bootstrapWriter((previous?.accounts ?? []).map((miid) => ({ moid: MOIDS.dmAcc, miid })));
	let placed: string[];
	try {
		if (present) {
			// the sink's own error (a refused document, a flash fault) passes through the reader
			// unchanged: anything else the read throws is the card's
			let refused: unknown;
			const again = await card.read((chunk) => {
				try { writer.write(chunk); } catch (e) { refused = e; throw e; }
			}).catch((e: unknown) => { throw e === refused ? e : new CardUnreadable(e); });
			if (!again) throw new CardUnreadable("its DM bootstrap went away between two reads");
		}
		else writer.write(encodeUtf8("[]"));
		placed = writer.end();
	} catch (e) {
		writer.abort();
		throw e;
	}
	const accounts = placedAccounts(placed);
	client.store.transact((t) => t.put(CARD_RECORD_KEY, encodeUtf8(JSON.stringify({ digest, accounts } satisfies CardRecord))));
	return { changed: true, accounts };
}
