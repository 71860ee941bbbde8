// NOR semantics of xsdm's flash in the Moddable SDK's shape (embedded:storage/flash: open({path}),
// read(byteLength, byteOffset), write(buffer, byteOffset), eraseBlock(start, end), status()):
// what the store will meet on the device, through the calls the SDK's ESP32 flash takes.
import flash, { operations, type FlashPartition } from "embedded:storage/flash";
import { storeFlash, STORE_PARTITION } from "../../modules/dm/store/flash.js";
import { assert, before, describe, it } from "../harness/index.js";

const file = "build/flash-unit-test.bin";
const BLOCK = 4096, SIZE = 4 * BLOCK;

function open(mode: "r" | "r+" = "r+"): FlashPartition {
	return flash.open({ path: STORE_PARTITION, mode, file, byteLength: SIZE, blockLength: BLOCK });
}

describe("flash on a file (NOR rules, the SDK's shape)", () => {
	before(() => {
		const f = open();
		f.eraseBlock(0, SIZE / BLOCK);
		f.close();
	});

	it("reports its geometry in status()", () => {
		const f = open();
		assert.deepEqual(f.status(), { size: SIZE, blockLength: BLOCK, blocks: SIZE / BLOCK });
		f.close();
	});

	it("names its one partition, and refuses any other", () => {
		assert.deepEqual([...flash], [STORE_PARTITION]);
		assert.throws(() => flash.open({ path: "nvs" }), /can't find partition nvs/);
	});

	it("reads 0xFF from an erased block, into a new buffer or a given one", () => {
		const f = open();
		assert.ok(new Uint8Array(f.read(BLOCK, BLOCK)).every((b) => b === 0xff));
		const into = new Uint8Array(8);
		assert.equal(f.read(into, 2 * BLOCK), 8);
		assert.bytes(into, "ffffffffffffffff");
		f.close();
	});

	it("programs bytes by clearing bits, twice over the same place when only clearing", () => {
		const f = open();
		f.write(Uint8Array.of(0xf0, 0x0f, 0x00), 10);
		f.write(Uint8Array.of(0xa0, 0x05, 0x00), 10);
		assert.bytes(new Uint8Array(f.read(5, 9)), "ffa00500ff");
		f.close();
	});

	it("refuses to set a bit, names the offset, and leaves the flash as it was", () => {
		const f = open();
		f.write(Uint8Array.of(0x00, 0x00), 100);
		const e = assert.throws(() => f.write(Uint8Array.of(0xff, 0x00, 0x01), 99), RangeError) as Error;
		assert.ok(/offset 101/.test(e.message), e.message);
		assert.bytes(new Uint8Array(f.read(3, 99)), "ff0000", "nothing of the refused write landed");
		f.close();
	});

	it("erases blocks start..end-1 back to 0xFF and leaves their neighbours alone", () => {
		const f = open();
		f.write(Uint8Array.of(0x11, 0x22), BLOCK - 1);
		f.write(Uint8Array.of(0x33), 3 * BLOCK);
		f.eraseBlock(1);
		assert.bytes(new Uint8Array(f.read(2, BLOCK - 1)), "11ff");
		f.write(Uint8Array.of(0x44), 2 * BLOCK);
		f.eraseBlock(1, 3);
		assert.bytes(new Uint8Array(f.read(1, 2 * BLOCK)), "ff");
		assert.bytes(new Uint8Array(f.read(1, 3 * BLOCK)), "33", "block 3 is past end");
		f.close();
	});

	it("checks ranges and block numbers", () => {
		const f = open();
		assert.throws(() => f.read(2, SIZE - 1), RangeError);
		assert.throws(() => f.read(1, -1), RangeError);
		assert.throws(() => f.write(Uint8Array.of(0), SIZE), RangeError);
		assert.throws(() => f.eraseBlock(SIZE / BLOCK), RangeError);
		assert.throws(() => f.eraseBlock(-1), RangeError);
		assert.throws(() => f.eraseBlock(2, 2), RangeError);
		f.close();
	});

	it("is read-only when opened with mode r", () => {
		const f = open("r");
		assert.throws(() => f.write(Uint8Array.of(0), 0), /read-only/);
		assert.throws(() => f.eraseBlock(0), /read-only/);
		f.read(1, 0);
		f.close();
	});

	it("keeps what was programmed across close and reopen", () => {
		let f = open();
		f.eraseBlock(3);
		f.write(Uint8Array.of(1, 2, 3), 3 * BLOCK + 7);
		f.close();
		f = open();
		assert.bytes(new Uint8Array(f.read(5, 3 * BLOCK + 6)), "ff010203ff");
		f.close();
	});

	it("refuses a file whose size disagrees with the geometry asked for", () => {
		assert.throws(() => flash.open({ path: STORE_PARTITION, file, byteLength: 2 * SIZE, blockLength: BLOCK }), RangeError);
	});

	it("throws a clear error once closed", () => {
		const f = open();
		f.close();
		assert.throws(() => f.read(1, 0), /closed/);
	});

	it("counts program and erase operations", () => {
		const before = operations();
		const f = open();
		f.eraseBlock(2);
		f.write(Uint8Array.of(0), 2 * BLOCK);
		f.read(16, 0);
		assert.equal(operations() - before, 2);
		f.close();
	});

	it("gives the store its view: offsets first, one block per erase", () => {
		const f = open();
		const s = storeFlash(f);
		assert.equal(s.byteLength, SIZE);
		assert.equal(s.blockLength, BLOCK);
		s.eraseBlock(1);
		s.write(BLOCK + 1, Uint8Array.of(0x5a));
		assert.bytes(new Uint8Array(s.read(BLOCK, 3)), "ff5aff");
		f.close();
	});
});
