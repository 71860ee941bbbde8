// The journal's bytes on flash. Little-endian everywhere (same on the sim and the ESP32).
//
// Block header, 16 bytes, written when a block joins the log (always right after its erase):
//   0  magic "DMJ" + format version (1)        4  block sequence (u32, grows by one per new block)
//   8  erase count of this block (u32)         12 CRC-32 of bytes 0..11
// Record, 12-byte header + key + data + 4-byte CRC-32 of all before it:
//   0  type (u8)   1  flags (u8)   2  key length (u16)   4  data length (u16)   6  fragment index (u16)
//   8  transaction (u32)   12 key (UTF-8)   12+k data   12+k+d CRC
// An erased byte (0xFF) where a record type is expected ends the block's records.
// A block with the magic "DMC" instead holds a part of an index checkpoint (checkpoint.ts): it is not
// in the log, and firmware that predates checkpoints treats it as a free block (a bad header).
export const MAGIC = [0x44, 0x4d, 0x4a] as const;   // "DMJ"
export const FORMAT_VERSION = 1;
export const BLOCK_HEADER = 16;
export const RECORD_HEADER = 12;
export const RECORD_TRAILER = 4;

export const enum RecordType {
	/** a piece of a value: fragments 0, 1, ... of one put, First on the first, Last on a final empty one */
	Fragment = 1,
	Delete = 2,
	Commit = 3,
}

export const enum FragmentFlags { First = 1, Last = 2 }

export const NO_RECORD = 0xff;
