// The flash the store writes: NOR semantics (erased bytes read 0xFF, a write may only clear bits,
// erase works on whole blocks). Hosts hand the store a partition opened through
// embedded:storage/flash in the Moddable SDK's shape (the SDK's own on the ESP32, xsdm's on Linux):
// storeFlash(flash.open({ path: STORE_PARTITION })) gives the narrow view below.
export interface Flash {
	readonly byteLength: number;
	readonly blockLength: number;
	read(offset: number, length: number): ArrayBuffer;
	write(offset: number, bytes: Uint8Array): void;
	eraseBlock(block: number): void;
}

/** The data partition the store's journal lives in (hosts/esp32/partitions.csv; xsdm's --flash FILE). */
export const STORE_PARTITION = "dmstore";

/** A partition as embedded:storage/flash's open() returns it (ECMA-419, the SDK's modules/io/flash). */
export interface FlashPartition {
	read(byteLength: number, byteOffset: number): ArrayBuffer;
	write(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): void;
	/** erases blocks start..end-1 */
	eraseBlock(start: number, end?: number): void;
	status(): { size: number; blockLength: number };
	close(): void;
}

/** The store's view of an open partition: its geometry read once, offsets first. */
export function storeFlash(partition: FlashPartition): Flash {
	const { size, blockLength } = partition.status();
	if (!(blockLength > 0) || size % blockLength !== 0) throw new RangeError(`flash partition of ${size} bytes is no whole number of ${blockLength}-byte blocks`);
	return {
		byteLength: size,
		blockLength,
		read: (offset, length) => partition.read(length, offset),
		write: (offset, bytes) => partition.write(bytes, offset),
		eraseBlock: (block) => partition.eraseBlock(block, block + 1),
	};
}
