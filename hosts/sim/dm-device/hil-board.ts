// A board on a serial console, on xsdm: dm-device's device (wiring.ts) speaking the hardware-in-the-
// loop line protocol (hosts/common/hil-console.ts) on a tty, as the ESP32 build does on its UART.
// The serial target's test runs it on one end of a pty pair (tests/hil/null-modem.py) with the
// runner on the other.
//   xsdm hil-board.js --console TTY --devid ID [dm-device flags: --factory-json ...]
// (--devid: what "ready" says; on xsdm the DevInfo itself comes from the factory file)
import Serial from "embedded:io/serial";
import { argv, heap } from "embedded:sim/host";
import { Device } from "../../../modules/dm/device/index.js";
import { hilConsoleOnSerial } from "../../common/hil-console.js";
import { parse, usage } from "./args.js";
import { fault } from "./run.js";
import { simDevice } from "./wiring.js";

let path: string | undefined;
let devId = "unknown";
const args = parse(argv(), (flag, next) => {
	if (flag === "--console") path = next();
	else if (flag === "--devid") devId = next();
	else return false;
	return true;
});
if (path === undefined) usage("--console TTY: the serial console the runner talks to");

const hil = hilConsoleOnSerial((callbacks) => new Serial({ path: path!, baud: 115200, ...callbacks }), {
	devId,
	heap: () => { const h = heap(); return { peakTotalBytes: h.peakChunks + h.peakSlots, width: h.width }; },
});

const options = simDevice(args, { log: (e) => hil.log(e) });
const device = new Device(options);
options.demo.attach(device.client);
device.start().then(() => hil.attach(device), fault);
