// The card's SCP03 keys on the board (nvs-card-keys.c): kept in encrypted NVS, handed to the card line
// (DeviceOptions.card.keys) at start. Never printed: callers log only whether keys are there.
const store = native("xs_card_keys_store");
const load = native("xs_card_keys_load");
const erase = native("xs_card_keys_erase");

export interface CardKeys { enc: Uint8Array; mac: Uint8Array; dek: Uint8Array }

/** The stored keys, or undefined when the board has none (a card read without SCP03). */
export function loadCardKeys(): CardKeys | undefined {
	const k = load() as { enc: ArrayBuffer; mac: ArrayBuffer; dek: ArrayBuffer } | undefined;
	return k && { enc: new Uint8Array(k.enc), mac: new Uint8Array(k.mac), dek: new Uint8Array(k.dek) };
}

/** Replaces the stored keys (16, 24 or 32 bytes each, one length for all three). */
export function storeCardKeys(keys: CardKeys): void {
	store(keys.enc, keys.mac, keys.dek);
}

export function eraseCardKeys(): void {
	erase();
}
