// The flash the store writes: NOR semantics (erased bytes read 0xFF, a write may only clear bits,
// erase works on whole blocks). xsdm's embedded:storage/flash and the ESP32 partition both fit.
export interface Flash {
	readonly byteLength: number;
	readonly blockLength: number;
	read(offset: number, length: number): ArrayBuffer;
	write(offset: number, bytes: Uint8Array): void;
	eraseBlock(block: number): void;
}
