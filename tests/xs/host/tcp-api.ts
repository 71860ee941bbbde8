// xsdm tcp-api.js PORT: the API contract of embedded:io/socket/tcp, against a Node peer that answers
// "ping" with the 17 bytes "HTTP/1.1 200 OK\r\n" in two parts. Prints "api ok" when every check passed; any failed
// assertion ends the process with its message.
import TCP from "embedded:io/socket/tcp";
import { argv, exit } from "embedded:sim/host";
import { assert } from "../../harness/index.js";

const port = Number(argv()[0]);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: ArrayBuffer | Uint8Array): string => String.fromCharCode(...new Uint8Array(b instanceof Uint8Array ? b : new Uint8Array(b)));
type Options = ConstructorParameters<typeof TCP>[0];
const make = (o: unknown): TCP => new TCP(o as Options);

// bad options fail at construction, with the error class the SDK uses
assert.throws(() => make(undefined), TypeError);
assert.throws(() => make({ port }), /TypeError: .*address required/);
assert.throws(() => make({ address: "example.com", port }), /RangeError: .*numeric IPv4/);
assert.throws(() => make({ host: "example.com", port }), /TypeError: .*host is not supported/);
assert.throws(() => make({ address: "127.0.0.1" }), /RangeError: .*port required/);
assert.throws(() => make({ address: "127.0.0.1", port: 65536 }), RangeError);
assert.throws(() => make({ address: "127.0.0.1", port, format: "number" }), /RangeError: .*format "number"/);
assert.throws(() => make({ address: "127.0.0.1", port, onReadable: 1 }), /TypeError: .*onReadable must be a function/);

const target = { name: "owner" };
let step = 0;
const readables: number[] = [];
const socket: TCP = new TCP({
	address: "127.0.0.1",
	port,
	target,
	onWritable(count) {
		assert.equal(this, socket, "callbacks run with the socket as this");
		if (step++ !== 0) return;
		assert.ok(count > 0, "a grant");
		assert.equal(this.read(), undefined, "nothing to read yet");
		assert.throws(() => TCP.prototype.write.call({} as TCP, ascii("x")), SyntaxError);
		assert.throws(() => TCP.prototype.write.call(new Uint8Array(1) as unknown as TCP, ascii("x")), SyntaxError);
		this.write(new Uint8Array(0));
		this.write(ascii("ping"));
	},
	onReadable(count) {
		readables.push(count);
		if (count < 17) return;   // wait for the whole line: onReadable comes again when more arrive
		assert.deepEqual(readables, [9, 17], "onReadable again, with every buffered byte, when more arrive");
		assert.equal(count, 17);
		assert.throws(() => this.read(18), /Error: .*read 18 bytes: 17 available/);
		assert.throws(() => this.read(0), Error);
		assert.throws(() => (TCP.prototype.read as () => unknown).call({}), SyntaxError);
		assert.equal(text(this.read(4)!), "HTTP");
		const backing = new Uint8Array(32);
		const view = new Uint8Array(backing.buffer, 8, 4);
		assert.equal(this.read(view), 4);
		assert.equal(text(view), "/1.1");
		assert.ok(backing.every((b, i) => (i >= 8 && i < 12) || b === 0), "read(view) writes inside the view only");
		assert.throws(() => this.read(new Uint8Array(10)), /read 10 bytes: 9 available/);
		assert.equal(text(this.read()!), " 200 OK\r\n");
		assert.equal(this.read(), undefined);
		this.close();
		console.log("api ok");
		setTimeout(() => exit(0), 20);
	},
	onError() {
		console.log("unexpected onError");
		exit(1);
	},
});
assert.throws(() => socket.write(ascii("early")), /not ready: connecting/);
assert.equal(socket.remoteAddress, "127.0.0.1");
assert.equal(socket.remotePort, port);
assert.equal(socket.format, "buffer");
assert.throws(() => { socket.format = "number" as "buffer"; }, RangeError);
assert.equal(socket.target, target);
