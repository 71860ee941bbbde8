// The sim host's boot record: which firmware slot the next boot starts and on what terms, in the
// "otadata" partition (two blocks, like ESP-IDF's otadata). NOR-safe: each block holds one copy;
// a new record goes, with the next sequence number, into the block that does not hold the newest
// good one (erase, then program), so a power cut at any byte of the erase or the program leaves
// the newest good copy in the other block and the boot loader reads the old choice. A copy counts
// only when its magic and CRC-32 hold. Little-endian, 16 bytes:
//
//   0  "XSBR"   magic
//   4  u32      sequence (the newer copy has the higher)
//   8  u8       kind: 1 settled, 2 trial, 3 rolled-back
//   9  u8       slot the next boot starts (0: ota_0, 1: ota_1)
//  10  u8       trial: the slot to return to when the trial runs out
//  11  u8       trial: boots the new image may still start without confirm()
//  12  u32      CRC-32 of bytes 0..11
import type { SlotPartition } from "../../../modules/firmware/index.js";
import { crc32 } from "../../../modules/dm/store/index.js";

export const BOOT_RECORD_MAGIC = 0x52425358;   // "XSBR" read little-endian
const RECORD_BYTES = 16;

export type Slot = 0 | 1;

export type BootRecord =
	| { readonly kind: "settled" | "rolled-back"; readonly slot: Slot }
	| { readonly kind: "trial"; readonly slot: Slot; readonly previous: Slot; readonly bootsLeft: number };

const KIND_BYTES = Object.freeze({ settled: 1, trial: 2, "rolled-back": 3 } as const);

interface Stored { readonly record: BootRecord; readonly sequence: number; readonly block: number }

function decode(bytes: Uint8Array, block: number): Stored | undefined {
	const d = new DataView(bytes.buffer, bytes.byteOffset, RECORD_BYTES);
	if (d.getUint32(0, true) !== BOOT_RECORD_MAGIC || d.getUint32(12, true) !== crc32(bytes.subarray(0, 12))) return undefined;
	const kind = d.getUint8(8), slot = d.getUint8(9), previous = d.getUint8(10), bootsLeft = d.getUint8(11);
	if (slot > 1) return undefined;
	const sequence = d.getUint32(4, true);
	if (kind === KIND_BYTES.settled) return { record: { kind: "settled", slot: slot as Slot }, sequence, block };
	if (kind === KIND_BYTES["rolled-back"]) return { record: { kind: "rolled-back", slot: slot as Slot }, sequence, block };
	if (kind === KIND_BYTES.trial && previous <= 1 && previous !== slot) return { record: { kind: "trial", slot: slot as Slot, previous: previous as Slot, bootsLeft }, sequence, block };
	return undefined;
}

function encode(record: BootRecord, sequence: number): Uint8Array {
	const out = new Uint8Array(RECORD_BYTES);
	const d = new DataView(out.buffer);
	d.setUint32(0, BOOT_RECORD_MAGIC, true);
	d.setUint32(4, sequence >>> 0, true);
	d.setUint8(8, KIND_BYTES[record.kind]);
	d.setUint8(9, record.slot);
	if (record.kind === "trial") {
		d.setUint8(10, record.previous);
		d.setUint8(11, record.bootsLeft);
	}
	d.setUint32(12, crc32(out.subarray(0, 12)), true);
	return out;
}

function newest(otadata: SlotPartition): Stored | undefined {
	const { blockLength } = otadata.status();
	let best: Stored | undefined;
	for (const block of [0, 1]) {
		const found = decode(new Uint8Array(otadata.read(RECORD_BYTES, block * blockLength)), block);
		if (found && (!best || found.sequence > best.sequence)) best = found;
	}
	return best;
}

/** The boot record in force, or undefined on a flash that never had one (the factory state). */
export function readBootRecord(otadata: SlotPartition): BootRecord | undefined {
	return newest(otadata)?.record;
}

/** Makes `record` the one in force; durable when it returns. Two flash operations (an erase and a
    program), both in the block that does not hold the record in force. */
export function writeBootRecord(otadata: SlotPartition, record: BootRecord): void {
	const { blockLength } = otadata.status();
	const current = newest(otadata);
	const block = current ? 1 - current.block : 0;
	otadata.eraseBlock(block, block + 1);
	otadata.write(encode(record, current ? current.sequence + 1 : 1), block * blockLength);
}
