// xsdm udp-api.js: the API contract of embedded:io/socket/udp on its own loopback port: a datagram
// sent to itself arrives with the right sender; bad arguments fail with the SDK's error classes;
// a closed socket refuses every method. Prints "api ok".
import UDP from "embedded:io/socket/udp";
import { exit } from "embedded:sim/host";
import { assert } from "../../harness/index.js";

type Options = ConstructorParameters<typeof UDP>[0];
const make = (o: unknown): UDP => new UDP(o as Options);
const loose = (u: UDP): { write(...a: unknown[]): void; read(...a: unknown[]): unknown } => u as never;

assert.throws(() => make(undefined), TypeError);
assert.throws(() => make({ port: 70000 }), RangeError);
assert.throws(() => make({ format: "number" }), RangeError);
assert.throws(() => make({ onReadable: "no" }), /TypeError: .*onReadable must be a function/);
assert.throws(() => make({ multicast: "239.0.0.1" }), RangeError);

const target = {};
const udp: UDP = new UDP({
	address: "127.0.0.1",
	target,
	onReadable(count) {
		assert.equal(this, udp);
		assert.equal(count, 1);
		assert.throws(() => loose(this).read(new Uint8Array(4)), /TypeError: .*read\(\) takes no argument/);
		const d = this.read()!;
		assert.ok(d instanceof ArrayBuffer);
		assert.deepEqual(Array.from(new Uint8Array(d)), [2, 3, 4]);
		assert.equal(d.address, "127.0.0.1");
		assert.equal(d.port, this.port, "sent to itself: the sender is its own port");
		assert.equal(this.read(), undefined);
		this.close();
		this.close();
		assert.throws(() => this.read(), /SyntaxError: .*socket closed/);
		assert.throws(() => this.write("127.0.0.1", 9, Uint8Array.of(1)), /closed/);
		assert.throws(() => this.port, /closed/);
		console.log("api ok");
		setTimeout(() => exit(0), 20);
	},
});
assert.ok(udp.port > 0, "bound to a port");
assert.equal(udp.format, "buffer");
assert.equal(udp.target, target);
assert.throws(() => loose(udp).write(Uint8Array.of(1), "127.0.0.1", udp.port), /TypeError: .*write\(address, port, bytes\)/);
assert.throws(() => udp.write("localhost", udp.port, Uint8Array.of(1)), /RangeError: .*numeric IPv4/);
assert.throws(() => udp.write("127.0.0.1", 0, Uint8Array.of(1)), RangeError);
assert.throws(() => udp.write("127.0.0.1", udp.port, "text" as never), Error);
assert.throws(() => (UDP.prototype.read as () => unknown).call({}), SyntaxError);
const bytes = Uint8Array.of(1, 2, 3, 4, 5);
udp.write("127.0.0.1", udp.port, bytes.subarray(1, 4));
