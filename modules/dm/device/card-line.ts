// The UICC on the host's ISO 7816 line, read per Appendix G (and H with the card's SCP03 keys):
// the card as bootstrap/card-policy.ts asks for it. The line is opened and the card activated at
// the first read, never under policy off; close() ends it.
import type { CardReader } from "../bootstrap/index.js";
import { CardError, CardLink, readBootstrap, Scp03Session, type BootstrapOptions, type CardPort, type PortEvents, type Profile } from "../../pcsc-uart/index.js";
import type { Timers } from "../../time/index.js";

/** The card as a host wires it. */
export interface CardLine {
	/** Opens the line (8E2) at `baud` with these callbacks, the card's RST line included. */
	open(baud: number, events: PortEvents): CardPort;
	/** the clock the reader gives the card, Hz (default 3.5712 MHz) */
	clockHz?: number;
	/** the fastest rate the UART runs at (default 250000) */
	maxBaud?: number;
	/** the card's file system profile (default 3g) */
	profile?: Profile;
	/** the card's SCP03 static keys (AES-128, -192 or -256), when the device holds them */
	keys?: { enc: Uint8Array; mac: Uint8Array; dek: Uint8Array };
	/** the card PIN for a PIN-protected bootstrap object (G.2.4): presented at most once a read, never logged */
	pin?: Uint8Array;
}

export function cardReader(line: CardLine, timers: Timers, random: (into: Uint8Array) => Uint8Array): CardReader & { close(): void } {
	let link: CardLink | undefined;
	const keys = line.keys;
	return {
		keys: keys !== undefined,
		async read(channel, sink) {
			if (!link) {
				link = new CardLink({ clockHz: line.clockHz ?? 3571200, maxBaud: line.maxBaud ?? 250000, open: line.open, timers });
				await link.activate();
			}
			const o: BootstrapOptions = { profile: line.profile ?? "3g", extended: link.extendedLength, ...(line.pin ? { pin: line.pin } : {}) };
			if (channel === "scp03") {
				if (!keys) throw new Error("no SCP03 keys for this card");
				o.secure = async (t, ch) => Scp03Session.open(t, { keys, channel: ch, random });
			}
			try {
				await readBootstrap(link, o, sink);
				return true;
			} catch (e) {
				if (e instanceof CardError && e.fault === "absent") return false;
				throw e;
			}
		},
		close() { link?.close(); link = undefined; },
	};
}
