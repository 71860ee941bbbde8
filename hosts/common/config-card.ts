// The card line from a build's config, for a board or a test build with a UICC (8.1): which line,
// the device's card policy, the card's SCP03 keys and PIN when the device holds them. The host
// brings the port (open); modules/dm/device reads the card at start under the policy.
import { CARD_POLICIES, type CardPolicy } from "../../modules/dm/bootstrap/index.js";
import type { CardLine } from "../../modules/dm/device/index.js";
import type { CardPort, PortEvents } from "../../modules/pcsc-uart/index.js";

export interface CardConfig {
	/** the card's line (a tty path on a PC); "" or absent: no card */
	card: string;
	/** 8.1's device policy: off, secure or any ("" or absent: secure with keys, any without) */
	cardPolicy: string;
	/** the card's SCP03 static keys ENC:MAC:DEK in hex ("" or absent: none) */
	cardKeys: string;
	/** the card's PIN for a PIN-protected bootstrap object, digits ("" or absent: none) */
	cardPin: string;
	/** the card's file system: 3g (default) or 2g */
	cardProfile: string;
}

const unhex = (name: string, text: string): Uint8Array => {
	if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new Error(`${name}: hex bytes expected`);	// never the text: it is a key
	return Uint8Array.from(text.match(/../g)!, (x) => parseInt(x, 16));
};

/** The device's card policy from the config, or undefined for the device's default. */
export function configCardPolicy(c: Partial<CardConfig>): CardPolicy | undefined {
	if (!c.cardPolicy) return undefined;
	const policy = CARD_POLICIES.find((p) => p === c.cardPolicy);
	if (!policy) throw new Error(`cardPolicy: ${CARD_POLICIES.join(", ")}, not ${c.cardPolicy}`);
	return policy;
}

/** The card line the config names, opened through the host's port; undefined when it names none. */
export function configCard(c: Partial<CardConfig>, open: (baud: number, events: PortEvents) => CardPort): CardLine | undefined {
	if (!c.card) return undefined;
	if (c.cardProfile && c.cardProfile !== "3g" && c.cardProfile !== "2g") throw new Error(`cardProfile: 3g or 2g, not ${c.cardProfile}`);
	let keys: CardLine["keys"];
	if (c.cardKeys) {
		const [enc, mac, dek, more] = c.cardKeys.split(":");
		if (enc === undefined || mac === undefined || dek === undefined || more !== undefined) throw new Error("cardKeys: ENC:MAC:DEK, three keys in hex");
		keys = { enc: unhex("cardKeys ENC", enc), mac: unhex("cardKeys MAC", mac), dek: unhex("cardKeys DEK", dek) };
	}
	if (c.cardPin && !/^[0-9]+$/.test(c.cardPin)) throw new Error("cardPin: digits expected");
	return {
		open,
		profile: c.cardProfile === "2g" ? "2g" : "3g",
		...(keys ? { keys } : {}),
		...(c.cardPin ? { pin: Uint8Array.from(c.cardPin, (d) => d.charCodeAt(0)) } : {}),
	};
}
