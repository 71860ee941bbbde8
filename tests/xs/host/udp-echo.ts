// xsdm udp-echo.js PEER_PORT COUNT: binds a UDP socket, prints "port N", sends COUNT numbered
// datagrams to the Node peer, and echoes back, prefixed with "echo:", every datagram it receives,
// with the sender address and port it saw. Exits after echoing COUNT datagrams.
import UDP from "embedded:io/socket/udp";
import { argv, exit } from "embedded:sim/host";

const [peerPort, count] = argv().map(Number);
let echoed = 0;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const udp = new UDP({
	port: 0,
	onReadable(size) {
		const d = this.read()!;
		const text = String.fromCharCode(...new Uint8Array(d));
		if (d.byteLength !== size) { console.error(`announced ${size}, read ${d.byteLength}`); exit(1); }
		this.write(ascii(`echo:${text}:${d.address}:${d.port}`), d.address, d.port);
		if (++echoed === count) { this.close(); setTimeout(() => exit(0), 10); }
	},
});
console.log(`port ${udp.port}`);
for (let i = 0; i < count!; i++) udp.write(ascii(`datagram ${i}`), "127.0.0.1", peerPort!);
