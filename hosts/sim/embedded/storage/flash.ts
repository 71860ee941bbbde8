// embedded:storage/flash on xsdm, in the Moddable SDK's shape (its modules/io/flash/esp32), so
// that one device entry opens the store's partition the same way on xsdm, the SDK's Linux port
// and the ESP32: flash.open({ path: "dmstore" }) → { read(byteLength, byteOffset),
// write(buffer, byteOffset), eraseBlock(start, end), status(), close() }.
// xsdm's partition "dmstore" is NOR flash in the file of --flash FILE (--flash-size,
// --flash-block); with --firmware-slot BYTES the file also holds "otadata" (two blocks) and the
// firmware slots "ota_0" and "ota_1" (hosts/sim/firmware): erased bytes are 0xFF; write() may only clear bits (setting one throws a
// RangeError and writes nothing); eraseBlock(start, end) sets blocks start..end-1 to 0xFF. Under
// xsdm --powercut N, the N-th write or block erase lands only in part and the process exits 86.

export interface OpenOptions {
	/** the partition's name; xsdm has "dmstore", and "otadata", "ota_0", "ota_1" with --firmware-slot */
	path: string;
	/** "r+" (default) or "r" (read-only) */
	mode?: "r" | "r+";
	/** xsdm only (tests): the backing file instead of --flash FILE */
	file?: string;
	/** xsdm only (tests): default --flash-size, or the existing file's size */
	byteLength?: number;
	/** xsdm only (tests): default --flash-block, or 4096 */
	blockLength?: number;
}

export interface Status {
	size: number;
	blockLength: number;
	blocks: number;
}

const openNative = native("xs_flash_open");
const closeFlash = native("xs_flash_close");
const readFlash = native("xs_flash_read");
const writeFlash = native("xs_flash_write");
const eraseFlashBlocks = native("xs_flash_erase_block");
const statusFlash = native("xs_flash_status");
const countOperations = native("xs_flash_operations");
const partitionNames = native("xs_flash_partitions");

class Partition extends Native("xs_flash_destructor") {
	constructor(options: OpenOptions) {
		super();
		openNative.call(this, options);
	}

	/** the host function itself, as the SDK's partitions have it (assigned below): a store lookup
	    reads flash, and a JavaScript method around the native doubled what each read cost */
	declare read: {
		(byteLength: number, byteOffset: number): ArrayBuffer;
		(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): number;
	};

	write(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): void {
		writeFlash.call(this, buffer, byteOffset);
	}

	eraseBlock(start: number, end: number = start + 1): void {
		eraseFlashBlocks.call(this, start, end);
	}

	status(): Status {
		return statusFlash.call(this);
	}

	close(): void {
		closeFlash.call(this);
	}
}

Object.defineProperty(Partition.prototype, "read", { value: readFlash, writable: true, configurable: true });

export type FlashPartition = Partition;

const flash = {
	open(options: OpenOptions): Partition {
		return new Partition(options);
	},
	/** the partition names, as the SDK iterates them (for (const name of flash)) */
	*[Symbol.iterator](): IterableIterator<string> {
		yield* (partitionNames() as string[]);
	},
};
export default flash;

/** xsdm only: program and erase operations this process has performed on every partition (the --powercut count). */
export function operations(): number {
	return countOperations();
}
