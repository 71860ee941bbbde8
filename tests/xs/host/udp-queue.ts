// xsdm udp-queue.js PEER_PORT COUNT: tells the Node peer "ready" and reads nothing until
// onReadable reports COUNT queued datagrams; then reads them all. Prints the counts onReadable gave
// ("counts 1,3,5"), then each datagram as "got TEXT from ADDRESS:PORT", then "then undefined".
import UDP from "embedded:io/socket/udp";
import { argv, exit } from "embedded:sim/host";

const [peerPort, count] = argv().map(Number) as [number, number];
const counts: number[] = [];

const udp = new UDP({
	port: 0,
	onReadable(queued) {
		counts.push(queued);
		if (queued < count) return;
		console.log(`counts ${counts.join(",")}`);
		for (let i = 0; i < count; i++) {
			const d = this.read()!;
			console.log(`got ${String.fromCharCode(...new Uint8Array(d))} from ${d.address}:${d.port}`);
		}
		console.log(`then ${this.read()}`);
		this.close();
		setTimeout(() => exit(0), 10);
	},
});
udp.write("127.0.0.1", peerPort, Uint8Array.of(0x72, 0x65, 0x61, 0x64, 0x79));
