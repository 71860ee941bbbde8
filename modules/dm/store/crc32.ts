// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the check on every journal record.
// Not cryptographic: it catches torn writes and flipped bits, not forgery.
//
// Mount checks every record, so this loop is the mount's cost: on XS hosts the C core in
// native/crc32.c runs it (xsdm and the ESP32 build register xs_store_crc32); on Node, where the
// unit tests also run, the table loop below does. The loop is the reference the XS tests hold the
// C to.

const TABLE = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

/** The TypeScript CRC: crc32Reference(b, crc32Reference(a)) === crc32Reference(a ‖ b). Start with 0. */
export function crc32Reference(bytes: Uint8Array, previous = 0): number {
	let c = ~previous >>> 0;
	for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
	return ~c >>> 0;
}

// `native("...")` written out literally: the Moddable SDK's compiler turns exactly that form into a
// host function at build time (calling `native` any other way throws "invalid native" there, at
// preload); typeof keeps Node, where `native` does not exist, on the TypeScript loop. Declared
// here too because Node-side programs (dm-server) compile this file without the XS globals.
declare const native: ((name: string) => (bytes: Uint8Array, previous: number) => number) | undefined;
const nativeCrc32 = typeof native === "function" ? native("xs_store_crc32") : undefined;

/** Continues a CRC over more bytes: crc32(b, crc32(a)) === crc32(a ‖ b). Start with 0. */
export const crc32: (bytes: Uint8Array, previous?: number) => number = nativeCrc32
	? (bytes, previous = 0) => nativeCrc32(bytes, previous)
	: crc32Reference;
