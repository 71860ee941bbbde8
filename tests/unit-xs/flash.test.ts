// NOR semantics of xsdm's flash (embedded:storage/flash): what the store will meet on the device.
import Flash from "embedded:storage/flash";
import { assert, before, describe, it } from "../harness/index.js";

const path = "build/flash-unit-test.bin";
const BLOCK = 4096, SIZE = 4 * BLOCK;

function open(): Flash {
	return new Flash({ path, byteLength: SIZE, blockLength: BLOCK });
}

describe("flash on a file (NOR rules)", () => {
	before(() => {
		const f = open();
		for (let b = 0; b < SIZE / BLOCK; b++) f.eraseBlock(b);
		f.close();
	});

	it("reports its geometry", () => {
		const f = open();
		assert.equal(f.byteLength, SIZE);
		assert.equal(f.blockLength, BLOCK);
		f.close();
	});

	it("reads 0xFF from an erased block", () => {
		const f = open();
		assert.ok(new Uint8Array(f.read(BLOCK, BLOCK)).every((b) => b === 0xff));
		f.close();
	});

	it("programs bytes by clearing bits, twice over the same place when only clearing", () => {
		const f = open();
		f.write(10, Uint8Array.of(0xf0, 0x0f, 0x00));
		f.write(10, Uint8Array.of(0xa0, 0x05, 0x00));
		assert.bytes(new Uint8Array(f.read(9, 5)), "ffa00500ff");
		f.close();
	});

	it("refuses to set a bit, names the offset, and leaves the flash as it was", () => {
		const f = open();
		f.write(100, Uint8Array.of(0x00, 0x00));
		const e = assert.throws(() => f.write(99, Uint8Array.of(0xff, 0x00, 0x01)), RangeError) as Error;
		assert.ok(/offset 101/.test(e.message), e.message);
		assert.bytes(new Uint8Array(f.read(99, 3)), "ff0000", "nothing of the refused write landed");
		f.close();
	});

	it("erases a whole block back to 0xFF and leaves its neighbours alone", () => {
		const f = open();
		f.write(BLOCK - 1, Uint8Array.of(0x11, 0x22));
		f.eraseBlock(1);
		assert.bytes(new Uint8Array(f.read(BLOCK - 1, 2)), "11ff");
		f.close();
	});

	it("checks ranges and block numbers", () => {
		const f = open();
		assert.throws(() => f.read(SIZE - 1, 2), RangeError);
		assert.throws(() => f.read(-1, 1), RangeError);
		assert.throws(() => f.write(SIZE, Uint8Array.of(0)), RangeError);
		assert.throws(() => f.eraseBlock(SIZE / BLOCK), RangeError);
		assert.throws(() => f.eraseBlock(-1), RangeError);
		f.close();
	});

	it("keeps what was programmed across close and reopen", () => {
		let f = open();
		f.eraseBlock(3);
		f.write(3 * BLOCK + 7, Uint8Array.of(1, 2, 3));
		f.close();
		f = open();
		assert.bytes(new Uint8Array(f.read(3 * BLOCK + 6, 5)), "ff010203ff");
		f.close();
	});

	it("refuses a file whose size disagrees with the geometry asked for", () => {
		assert.throws(() => new Flash({ path, byteLength: 2 * SIZE, blockLength: BLOCK }), RangeError);
	});

	it("throws a clear error once closed", () => {
		const f = open();
		f.close();
		assert.throws(() => f.read(0, 1), /closed/);
	});

	it("counts program and erase operations", () => {
		const before = Flash.operations;
		const f = open();
		f.eraseBlock(2);
		f.write(2 * BLOCK, Uint8Array.of(0));
		f.read(0, 16);
		assert.equal(Flash.operations - before, 2);
		f.close();
	});
});
