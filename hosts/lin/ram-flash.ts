// The store's partition on the SDK's Linux port, which has no embedded:storage/flash: NOR rules
// (erased 0xFF, programming only clears bits, erase by block) over RAM, in the shape of the SDK's
// flash partitions. Nothing survives the process: the lin device is for sessions, not power cuts
// (the sim host's file flash covers those).
import type { FlashPartition } from "../../modules/dm/store/flash.js";

export function ramPartition(size: number, blockLength: number): FlashPartition {
	const bytes = new Uint8Array(size).fill(0xff);
	const range = (offset: number, length: number): void => {
		if (offset < 0 || length < 0 || offset + length > size) throw new RangeError(`flash range ${offset}+${length} is outside 0..${size}`);
	};
	return {
		read(byteLength, byteOffset) {
			range(byteOffset, byteLength);
			return bytes.slice(byteOffset, byteOffset + byteLength).buffer;
		},
		write(buffer, byteOffset) {
			const from = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
			range(byteOffset, from.length);
			for (let i = 0; i < from.length; i++) {
				if ((bytes[byteOffset + i]! & from[i]!) !== from[i]) throw new RangeError(`flash: programming would set bits at offset ${byteOffset + i}; erase the block first`);
			}
			bytes.set(from, byteOffset);
		},
		eraseBlock(start, end = start + 1) {
			if (start < 0 || end <= start || end * blockLength > size) throw new RangeError(`flash blocks ${start}..${end - 1} are outside the partition`);
			bytes.fill(0xff, start * blockLength, end * blockLength);
		},
		status: () => ({ size, blockLength, blocks: size / blockLength }),
		close() {},
	};
}
