// firmware: what firmware update (FUMO, issue 17) needs from the board's boot machinery, and the
// signed envelope an image travels in. A room below the DM core: it knows nothing of DM.
//
// The contract between FUMO (modules/dm/fumo, which downloads, verifies, switches and reports) and
// each host (which owns the slots and the boot loader):
// - an image arrives as an *envelope*: a small signed header (model, version, payload length,
//   the payload's SHA-256), then the payload. FUMO checks the header before the payload is
//   fetched (a wrong model costs one block, not the whole image), streams the payload into the
//   inactive slot while hashing it, and switches only when digest and signature hold;
// - the payload is whatever the host boots: an ESP-IDF app image on the ESP32 (the slot is the
//   SDK's flash.open({path: "nextota"})), the sim host's firmware file on xsdm. The host reads the
//   running image's facts from its own format (esp_app_get_description, the sim file's header),
//   so DevInfo/FwV is always the running image's, never a value FUMO remembers;
// - a new image boots on trial: it must confirm() within the boots arm() allowed, else the
//   host's boot loader returns to the previous slot and boot() says "rolled-back".

/** A partition as embedded:storage/flash's open() returns it (the SDK's shape; the same
    structure as dm/store's FlashPartition, declared here because this room sits below dm). */
export interface SlotPartition {
	read(byteLength: number, byteOffset: number): ArrayBuffer;
	write(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): void;
	/** erases blocks start..end-1 */
	eraseBlock(start: number, end?: number): void;
	status(): { size: number; blockLength: number };
	close(): void;
}

/** What the running image says of itself. */
export interface ImageFacts {
	readonly model: string;
	readonly version: string;
}

/** How this run came about, as the host's boot loader knows it. */
export type BootState =
	/** running an image that confirmed itself (or the factory image) */
	| { readonly kind: "settled" }
	/** running a new image that has not confirmed yet; after `bootsLeft` more boots without
	    confirm() the boot loader returns to the previous slot */
	| { readonly kind: "trial"; readonly bootsLeft: number }
	/** a trial image never confirmed: the previous image runs again */
	| { readonly kind: "rolled-back" };

/** The board's firmware slots and boot loader, as a host provides them. */
export interface FirmwareSlots {
	/** the running image's facts (DevInfo/FwV, FUMO's version check) */
	running(): ImageFacts;
	/** how this boot came about */
	boot(): BootState;
	/** The slot the next image goes into. NOR semantics: FUMO erases a block before programming
	    it; its size bounds the payload. FUMO closes it. */
	openInactive(): SlotPartition;
	/** Makes the inactive slot, holding `byteLength` bytes of a verified payload, the one the next
	    boot starts, on trial for at most `trials` boots. Durable when it returns. */
	arm(byteLength: number, trials: number): void;
	/** Ends this run so that the host boots the armed slot. Does not return. */
	restart(): never;
	/** The running trial image proved itself (a DM session completed): it stays. Durable when it
	    returns; harmless when already settled. */
	confirm(): void;
}

export { ENVELOPE_MAGIC, ENVELOPE_VERSION, HEADER_MAX, EnvelopeFault, EnvelopeReader, checkHeader, compareVersions, type EnvelopeExpectations, type EnvelopeFaultKind, type EnvelopeHeader } from "./envelope.js";
