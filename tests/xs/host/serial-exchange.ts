// xsdm serial-exchange.js SLAVE FIFO: opens the pty at 9600 8E2 with its reset FIFO, pulses RST,
// sends the 256 byte values, expects each back XOR 0x5A (tests/host/pty-peer.py), switches to
// 10 753 baud, prints the rates read back, and closes after a moment so the peer can inspect the settings.
import Serial from "embedded:io/serial";
import { argv, exit } from "embedded:sim/host";

const [path, resetPath] = argv();
const expected = new Uint8Array(256);
let received = 0;

const serial = new Serial({
	path: path!, resetPath: resetPath!, baud: 9600, dataBits: 8, parity: "even", stopBits: 2,
	onReadable() {
		const bytes = new Uint8Array(this.read()!);
		for (const b of bytes) {
			if (b !== ((received ^ 0x5a) & 0xff)) { console.error(`byte ${received}: ${b}`); exit(1); }
			expected[received++] = b;
		}
		if (received === 256) {
			const before = this.baud;
			this.set({ baud: 10753 });
			console.log(`baud ${before} then ${this.baud}`);
			setTimeout(() => { this.close(); console.log("closed"); }, 400);
		}
	},
});
serial.setReset(true);
serial.setReset(false);
serial.write(Uint8Array.from({ length: 256 }, (_, i) => i));
