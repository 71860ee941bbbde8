// native()/Native(): unknown names fail clearly, and every host method refuses a wrong receiver
// instead of reading someone else's memory.
import flash, { type FlashPartition } from "embedded:storage/flash";
import UDP from "embedded:io/socket/udp";
import TCP from "embedded:io/socket/tcp";
import Serial from "embedded:io/serial";
import { assert, describe, it } from "../harness/index.js";

describe("native() and Native()", () => {
	it("throw a ReferenceError for a name the host does not have", () => {
		assert.throws(() => native("xs_no_such_function"), /ReferenceError: .*xs_no_such_function/);
		assert.throws(() => Native("xs_no_such_destructor"), /ReferenceError: .*xs_no_such_destructor/);
	});

	it("make Native classes that must be called with new", () => {
		const Base = Native("xs_udp_destructor") as unknown as () => unknown;
		assert.throws(() => Base(), TypeError);
	});

	it("refuse a receiver of another class or a plain object", () => {
		const udp = new UDP({ port: 0 });
		try {
			assert.throws(() => Reflect.apply((Object.getPrototypeOf(flash.open({ path: "dmstore", file: "build/natives-test-flash.bin", byteLength: 4096 })) as FlashPartition).read, udp, [1, 0]), Error);
			assert.throws(() => TCP.prototype.write.call(udp as unknown as TCP, new Uint8Array(1)), Error);
			assert.throws(() => Serial.prototype.read.call({} as Serial), Error);
			assert.throws(() => UDP.prototype.read.call({} as UDP), Error);
		} finally {
			udp.close();
		}
		assert.throws(() => udp.read(), /closed/);
	});
});
