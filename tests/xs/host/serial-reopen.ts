// xsdm serial-reopen.js TTY FIFO: opens the port at a non-standard baud (as after PPS), closes it,
// and opens it again: a second activation of a card must not find the port unusable.
import Serial from "embedded:io/serial";
import { argv } from "embedded:sim/host";

const [path, resetPath] = argv();
for (const baud of [10753, 9600, 10753]) {
	const port = new Serial({ path: path!, resetPath: resetPath!, baud, dataBits: 8, parity: "even", stopBits: 2, onReadable() {} });
	port.close();
	console.log(`opened and closed at ${baud}`);
}
