// xsdm tcp-echo.js PORT SIZE [ADDRESS]: connects to a Node echo server on loopback, sends SIZE bytes of a
// pattern as fast as the onWritable grants allow, checks the echo byte by byte, and prints
// "echoed SIZE grants=G readable=R at150=N", N being how many bytes it had written 150 ms in. Before its first write it checks that one byte more
// than granted is refused ("would block") and sends nothing. Exit 3 when onError comes first.
import TCP from "embedded:io/socket/tcp";
import { argv, exit } from "embedded:sim/host";

const [port, size] = argv().map(Number) as [number, number];
const address = argv()[2] ?? "127.0.0.1";
const pattern = (i: number): number => (i * 31 + (i >> 8)) & 0xff;
let sent = 0, received = 0, grants = 0, readable = 0, at150 = -1;
setTimeout(() => { at150 = sent; }, 150);

new TCP({
	address,
	port,
	nodelay: true,
	onWritable(count) {
		if (grants++ === 0) {
			try {
				this.write(new Uint8Array(count + 1));
				console.error(`a write of ${count + 1} bytes after a grant of ${count} was taken`);
				exit(1);
			} catch (e) {
				if (!/would block/.test(String(e))) throw e;
			}
		}
		while (count > 0 && sent < size) {
			const n = Math.min(count, size - sent, 6000);
			const chunk = new Uint8Array(n);
			for (let i = 0; i < n; i++) chunk[i] = pattern(sent + i);
			this.write(chunk);
			sent += n;
			count -= n;
		}
	},
	onReadable(count) {
		readable++;
		const bytes = new Uint8Array(this.read()!);
		if (bytes.length !== count) {
			console.error(`onReadable(${count}) but read() gave ${bytes.length}`);
			exit(1);
		}
		for (let i = 0; i < bytes.length; i++) {
			if (bytes[i] !== pattern(received + i)) {
				console.error(`mismatch at byte ${received + i}`);
				exit(1);
			}
		}
		received += bytes.length;
		if (received === size) {
			console.log(`echoed ${received} grants=${grants} readable=${readable} at150=${at150}`);
			this.close();
		}
	},
	onError() {
		console.log(`error after sending ${sent} and receiving ${received}`);
		exit(3);
	},
});
