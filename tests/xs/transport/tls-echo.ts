// xsdm tls-echo.js PORT IDENTITY KEYHEX SUITES SIZE CONNECTIONS: opens CONNECTIONS TLS-PSK connections
// one after the other to an echo server on loopback, offering the comma-separated IANA suite names
// (or "all"), each time sending SIZE bytes of a text pattern ending in "\n" and checking the echo
// (a server that echoes reversed lines is detected by its first byte). Later connections offer the
// session the previous one saved. Prints one JSON line per connection:
// {"suite","version","resumed","echoed","handshakeMs"} or {"error"}; exit 3 after an error.
import TCP from "embedded:io/socket/tcp";
import { argv, exit, monotonic } from "embedded:sim/host";
import { PSK_SUITES, SecureSocket, TLSSession, suiteNamed } from "../../../modules/transport/index.js";

const [port, identity, keyHex, suiteList, size, connections] = argv() as [string, string, string, string, string, string];
const key = new Uint8Array(keyHex.length / 2);
for (let i = 0; i < key.length; i++) key[i] = parseInt(keyHex.slice(2 * i, 2 * i + 2), 16);
const suites = suiteList === "all" ? PSK_SUITES : suiteList.split(",").map((n) => suiteNamed(n, PSK_SUITES));
const total = Number(size);
const line = new Uint8Array(total);
for (let i = 0; i < total - 1; i++) line[i] = 0x61 + (i % 26);
line[total - 1] = 0x0a;
const session = new TLSSession();

function connect(left: number): void {
	let sent = 0, received = 0, reversed = false, handshakeMs = -1;
	const started = monotonic();
	new SecureSocket({
		address: "127.0.0.1",
		port: Number(port),
		socket: { io: TCP },
		secure: { psk: { identity, key }, suites, session },
		onWritable(count) {
			if (handshakeMs < 0) handshakeMs = monotonic() - started;
			while (count > 0 && sent < total) {
				const n = Math.min(count, total - sent, 1000);
				this.write(line.subarray(sent, sent + n));
				sent += n;
				count -= n;
			}
		},
		onReadable(count) {
			const got = new Uint8Array(this.read(count)!);
			for (let i = 0; i < got.length; i++, received++) {
				if (received === 0 && got[0] !== line[0]) reversed = true;
				// a reversing server sends the text backwards, then the newline
				const expected = !reversed || received === total - 1 ? line[received] : line[total - 2 - received];
				if (got[i] !== expected) {
					console.log(JSON.stringify({ error: `byte ${received} is ${got[i]}, expected ${expected}` }));
					exit(1);
				}
			}
			if (received === total) {
				const { suite, version, resumed } = this.tls;
				console.log(JSON.stringify({ suite, version, resumed, echoed: received, handshakeMs }));
				this.close();
				if (left > 1) connect(left - 1);
			}
		},
		onError(error) {
			console.log(JSON.stringify({ error: error.message }));
			exit(3);
		},
	});
}
connect(Number(connections));
