// A deterministic list of flash operations, shared by the XS workload and the Node test that
// checks what a power cut left behind. Geometry: 4 blocks of 256 bytes.
export const BLOCK = 256, BLOCKS = 4, SIZE = BLOCK * BLOCKS;

export type FlashOp = { kind: "erase"; block: number } | { kind: "write"; offset: number; bytes: number[] };

export function flashOps(seed: number, count: number): FlashOp[] {
	let s = seed >>> 0 || 1;
	const next = (): number => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
	const ops: FlashOp[] = [];
	const image = new Uint8Array(SIZE).fill(0xff);
	for (let b = 0; b < BLOCKS; b++) ops.push({ kind: "erase", block: b });
	while (ops.length < count) {
		if (next() % 8 === 0) {
			const block = next() % BLOCKS;
			image.fill(0xff, block * BLOCK, (block + 1) * BLOCK);
			ops.push({ kind: "erase", block });
			continue;
		}
		// a write that only clears bits of what the image holds, so it is always legal
		const offset = next() % (SIZE - 40), length = 1 + (next() % 40);
		const bytes: number[] = [];
		for (let i = 0; i < length; i++) bytes.push(image[offset + i]! & (next() & 0xff));
		image.set(bytes, offset);
		ops.push({ kind: "write", offset, bytes });
	}
	return ops;
}

/** The flash contents after applying ops[0..n) in full. */
export function imageAfter(ops: FlashOp[], n: number): Uint8Array {
	const image = new Uint8Array(SIZE).fill(0xff);
	for (const op of ops.slice(0, n)) {
		if (op.kind === "erase") image.fill(0xff, op.block * BLOCK, (op.block + 1) * BLOCK);
		else image.set(op.bytes, op.offset);
	}
	return image;
}
