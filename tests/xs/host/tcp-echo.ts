// xsdm tcp-echo.js PORT SIZE [CLOSE_IN_READABLE]: connects to a Node echo server on loopback, sends
// SIZE bytes of a pattern as fast as onWritable allows, reads the echo, checks it byte by byte and
// prints "echoed SIZE". With CLOSE_IN_READABLE=1 it closes the socket inside the first onReadable.
import TCP from "embedded:io/socket/tcp";
import { argv, exit } from "embedded:sim/host";

const [port, size, closeEarly] = argv().map(Number);
const pattern = (i: number): number => (i * 31 + (i >> 8)) & 0xff;
let sent = 0, received = 0;

const socket = new TCP({
	address: "127.0.0.1",
	port: port!,
	nodelay: true,
	onWritable(count) {
		while (count > 0 && sent < size!) {
			const n = Math.min(count, size! - sent, 8192);
			const chunk = new Uint8Array(n);
			for (let i = 0; i < n; i++) chunk[i] = pattern(sent + i);
			this.write(chunk);
			sent += n;
			count -= n;
		}
	},
	onReadable(count) {
		if (closeEarly) {
			this.close();
			console.log(`closed in onReadable with ${count} bytes pending`);
			setTimeout(() => exit(0), 20);   // no callback may arrive after close()
			return;
		}
		const bytes = new Uint8Array(this.read()!);
		for (let i = 0; i < bytes.length; i++) {
			if (bytes[i] !== pattern(received + i)) {
				console.error(`mismatch at byte ${received + i}`);
				exit(1);
			}
		}
		received += bytes.length;
		if (received === size) {
			console.log(`echoed ${received}`);
			this.close();
		}
	},
	onError() {
		console.log(`error after sending ${sent} and receiving ${received}`);
		exit(received === size ? 0 : 3);
	},
});
void socket;
