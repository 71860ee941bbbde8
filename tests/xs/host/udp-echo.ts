// xsdm udp-echo.js PEER_PORT COUNT: binds a UDP socket to loopback, prints "port N", sends COUNT
// numbered datagrams to the Node peer, and echoes back every datagram it receives prefixed with
// "echo:" and the sender address and port it saw. Exits after echoing COUNT datagrams.
import UDP from "embedded:io/socket/udp";
import { argv, exit } from "embedded:sim/host";

const [peerPort, count] = argv().map(Number) as [number, number];
let echoed = 0;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const udp = new UDP({
	address: "127.0.0.1",
	onReadable() {
		for (let d = this.read(); d; d = this.read()) {
			const text = String.fromCharCode(...new Uint8Array(d));
			this.write(d.address, d.port, ascii(`echo:${text}:${d.address}:${d.port}`));
			if (++echoed === count) { this.close(); setTimeout(() => exit(0), 10); return; }
		}
	},
});
console.log(`port ${udp.port}`);
for (let i = 0; i < count; i++) udp.write("127.0.0.1", peerPort, ascii(`datagram ${i}`));
