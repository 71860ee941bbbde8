// embedded:storage/flash on xsdm — NOR flash in a file, the narrow shape DESIGN.md gives the store:
// byteLength, blockLength, read(offset, length), write(offset, bytes), eraseBlock(n).
// Erased bytes are 0xFF; write() may only clear bits (setting one throws a RangeError and writes
// nothing); eraseBlock(n) sets block n to 0xFF. Under xsdm --powercut N, the N-th write or erase
// lands only in part and the process exits with status 86.

export interface FlashOptions {
	/** the backing file; default: xsdm's --flash FILE */
	path?: string;
	/** default: --flash-size, or the existing file's size */
	byteLength?: number;
	/** default: --flash-block, or 4096 */
	blockLength?: number;
}

const construct = native("xs_flash_constructor");
const closeFlash = native("xs_flash_close");
const readFlash = native("xs_flash_read");
const writeFlash = native("xs_flash_write");
const eraseFlashBlock = native("xs_flash_erase_block");
const getByteLength = native("xs_flash_get_byte_length");
const getBlockLength = native("xs_flash_get_block_length");
const countOperations = native("xs_flash_operations");

export default class Flash extends Native("xs_flash_destructor") {
	constructor(options: FlashOptions = {}) {
		super();
		construct.call(this, options);
	}

	get byteLength(): number {
		return getByteLength.call(this);
	}

	get blockLength(): number {
		return getBlockLength.call(this);
	}

	read(offset: number, length: number): ArrayBuffer {
		return readFlash.call(this, offset, length);
	}

	write(offset: number, bytes: ArrayBuffer | ArrayBufferView): void {
		writeFlash.call(this, offset, bytes);
	}

	eraseBlock(block: number): void {
		eraseFlashBlock.call(this, block);
	}

	close(): void {
		closeFlash.call(this);
	}

	/** Program and erase operations this process has performed, on every Flash (the --powercut count). */
	static get operations(): number {
		return countOperations();
	}
}
