// The device's policy for the smartcard bootstrap (8.1: "MAY include configurable security policy to
// disable Smartcard bootstrap functions"; DM-BOOT-009..011) and what a start does with the card
// under it. Every host applies the same rule through cardAtStart; a host only says which policy it
// runs, whether it holds the card's SCP03 static keys, and how to read the card through a channel.
//
// A secure channel that fails is never retried in plain: falling back would let anyone who can make
// SCP03 fail (a swapped card, a line that corrupts the handshake) downgrade the read to one where
// the bootstrap's credentials cross the line in clear. So with keys, "any" reads exactly as
// "secure" does; it differs only for a device without keys, which "secure" never lets read.
import { DmError, type DmStatus } from "../error.js";
import { bootstrapFromCard, CardUnreadable } from "./card.js";
import type { BootstrapTarget } from "./writer.js";

/** off: the card is not read and the accounts it gave stay as they are; secure: read only through
    SCP03 (Appendix H); any: through SCP03 when the device holds the card's keys, plainly otherwise. */
export type CardPolicy = "off" | "secure" | "any";

export const CARD_POLICIES: readonly CardPolicy[] = ["off", "secure", "any"];

export type CardChannel = "scp03" | "plain";

/** The card as a host offers it. */
export interface CardReader {
	/** the device holds this card's SCP03 static keys */
	readonly keys: boolean;
	/** Reads the DM_Bootstrap in pieces through that channel; resolves false when the card is
	    readable and carries none, rejects when it cannot be read (see CardBootstrapSource). */
	read(channel: CardChannel, sink: (chunk: Uint8Array) => void): Promise<boolean>;
}

export type CardStart =
	/** the policy is off: the card was not touched */
	| { kind: "off" }
	/** the card could not be read, or the policy allows no channel the device has: nothing changed */
	| { kind: "unread"; reason: string }
	/** the card's document was refused with that DM status (Appendix C): nothing changed */
	| { kind: "refused"; status: DmStatus; reason: string }
	| { kind: "unchanged" }
	/** the SrvIDs (MIIDs) of the DM accounts the card now gives: each gets a BootstrapComplete session */
	| { kind: "applied"; accounts: string[] };

/** The channel the policy lets the device read the card through, or why it reads none. */
export function cardChannel(policy: CardPolicy, keys: boolean): CardChannel | { none: string } {
	if (policy === "off") return { none: "the card bootstrap is disabled by the device policy" };
	if (keys) return "scp03";
	if (policy === "any") return "plain";
	return { none: "the device policy asks for SCP03 and the device holds no SCP03 keys for this card: give the card's keys or allow a plain read" };
}

/** The card bootstrap of a start (8.1) under the policy. Never rejects for the card's sake: a card
    that cannot be read or a document that is refused leaves the tree as it was and says why. A
    rejection is the flash's (the store keeps the tree either as before or as after). */
export async function cardAtStart(client: BootstrapTarget, policy: CardPolicy, card: CardReader): Promise<CardStart> {
	if (policy === "off") return { kind: "off" };
	const channel = cardChannel(policy, card.keys);
	if (typeof channel !== "string") return { kind: "unread", reason: channel.none };
	try {
		const outcome = await bootstrapFromCard(client, { read: (sink) => card.read(channel, sink) });
		return outcome.changed ? { kind: "applied", accounts: outcome.accounts } : { kind: "unchanged" };
	} catch (e) {
		if (e instanceof CardUnreadable) return { kind: "unread", reason: e.message };
		if (e instanceof DmError) return { kind: "refused", status: e.status, reason: e.message };
		throw e;
	}
}
