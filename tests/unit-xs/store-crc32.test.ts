// The store's native CRC-32 core (modules/dm/store/native) against its TypeScript reference.
import { random } from "embedded:sim/host";
import { crc32, crc32Reference } from "../../modules/dm/store/index.js";
import { assert, describe, it } from "../harness/index.js";

describe("store: native CRC-32", () => {
	it("is the C core on XS, not the TypeScript loop", () => {
		assert.ok(crc32 !== crc32Reference, "xsdm registers xs_store_crc32");
	});

	it("gives the standard check value, continued across pieces and on a subarray view", () => {
		const digits = Uint8Array.from("xx123456789", (c) => c.charCodeAt(0));
		assert.equal(crc32(digits.subarray(2)), 0xcbf43926);
		assert.equal(crc32(digits.subarray(7), crc32(digits.subarray(2, 7))), 0xcbf43926);
		assert.equal(crc32(new Uint8Array(0)), 0);
	});

	it("agrees with the reference on 300 random inputs and running values", () => {
		const previous = new Uint8Array(4);
		for (let n = 0; n < 300; n++) {
			const bytes = random(new Uint8Array(n * 7 % 1500));
			random(previous);
			const start = new DataView(previous.buffer).getUint32(0);
			assert.equal(crc32(bytes, start), crc32Reference(bytes, start), `input ${n}`);
		}
	});
});
