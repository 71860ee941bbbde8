// The hardware-in-the-loop line protocol a board prints on its console (docs/hil.md; the runner's
// side is tests/hil/serial.ts). One line each way per message, ASCII, ending in "\n" ("\r\n" read
// alike); every line of the protocol starts with "HIL1 ", so the boot ROM's banner, ESP-IDF's logs
// and trace() output around it are ignored by the runner.
//
//   runner → board   HIL1 hello                    are you there? (the board answers "ready")
//                    HIL1 session SRVID            run one client-initiated session with account SRVID
//   board → runner   HIL1 ready DEVID              idle, waiting for a command
//                    HIL1 log TEXT                 one line of the device's log (eventLine)
//                    HIL1 end ok                   the session ended with END
//                    HIL1 end fail REASON          it did not (REASON: the device's own words)
//                    HIL1 heap JSON                after each session, when the host can say: the peak heap
//                    HIL1 error TEXT               a command the board did not understand
//
// A command that arrives while a session runs is refused with "HIL1 error busy". Nothing secret is
// ever printed: the device's log lines never carry one.
import { encodeUtf8 } from "../../modules/bytes/index.js";
import { eventLine, type Device, type DeviceEvent } from "../../modules/dm/device/index.js";

export const HIL_PREFIX = "HIL1 ";

export interface HilConsoleOptions {
	/** writes one line (no terminator) on the console */
	print(line: string): void;
	/** the device's DevID, said in "ready" so the runner knows which board answered */
	devId: string;
	/** the peak heap as a JSON object, when the host can measure it */
	heap?: () => object;
}

export interface HilConsole {
	/** the device's log: pass to DeviceOptions.log (it prints each line as "HIL1 log") */
	log(e: DeviceEvent): void;
	/** bytes read from the console, in any pieces */
	receive(bytes: Uint8Array): void;
	/** once the device has started: says "ready" and starts taking commands */
	attach(device: Device): void;
}

const MAX_LINE = 128;	// a command is short; a longer line is noise, dropped whole

export function hilConsole(o: HilConsoleOptions): HilConsole {
	let device: Device | undefined;
	let busy = false;
	let line = "";
	let overlong = false;
	const say = (text: string): void => o.print(`${HIL_PREFIX}${text}`);

	const command = (text: string): void => {
		if (!text.startsWith(HIL_PREFIX)) return;	// our own echo on a shared wire, or noise
		const [verb, argument] = text.slice(HIL_PREFIX.length).split(" ", 2);
		if (verb === "hello") {
			if (device && !busy) say(`ready ${o.devId}`);
			return;
		}
		if (verb === "session") {
			if (!device) return say("error not started");
			if (busy) return say("error busy");
			if (!argument) return say("error session needs an account's SrvID");
			busy = true;
			const d = device;
			d.session(argument).then(
				(outcome) => say(outcome.ok ? "end ok" : `end fail ${outcome.reason}`),
				(e: unknown) => say(`end fail ${e instanceof Error ? e.message : String(e)}`),
			).then(() => {
				if (o.heap) say(`heap ${JSON.stringify(o.heap())}`);
				busy = false;
				say(`ready ${o.devId}`);
			});
			return;
		}
		say(`error unknown command ${verb ?? ""}`);
	};

	return {
		log(e) {
			const text = eventLine(e);
			if (text !== undefined) for (const part of text.split("\n")) say(`log ${part}`);
		},
		receive(bytes) {
			for (const b of bytes) {
				if (b === 0x0a) {
					if (!overlong) command(line.endsWith("\r") ? line.slice(0, -1) : line);
					line = "";
					overlong = false;
				} else if (!overlong) {
					if (line.length >= MAX_LINE) { overlong = true; line = ""; continue; }
					line += String.fromCharCode(b);
				}
			}
		},
		attach(d) {
			device = d;
			say(`ready ${o.devId}`);
		},
	};
}

/** A serial port of the ECMA-419 shape (the SDK's on a board, xsdm's on a tty). */
export interface ConsolePort {
	read(): ArrayBuffer | undefined;
	write(bytes: Uint8Array): void;
}

export interface ConsoleCallbacks {
	onReadable(this: ConsolePort, count: number): void;
	onWritable(this: ConsolePort, count: number): void;
}

/** The protocol on a serial port that `open` makes with these callbacks: lines wait until the port
    takes them (onWritable's count), so a burst of log lines never throws "would block". */
export function hilConsoleOnSerial(open: (callbacks: ConsoleCallbacks) => ConsolePort, o: Omit<HilConsoleOptions, "print">): HilConsole {
	const pending: Uint8Array[] = [];
	let port: ConsolePort | undefined;
	let room = 0;
	const flush = (): void => {
		while (port && pending.length && pending[0]!.length <= room) {
			const line = pending.shift()!;
			room -= line.length;
			port.write(line);
		}
	};
	const hil = hilConsole({ ...o, print: (line) => { pending.push(encodeUtf8(`${line}\r\n`)); flush(); } });
	port = open({
		onReadable() {
			const bytes = this.read();
			if (bytes) hil.receive(new Uint8Array(bytes));
		},
		onWritable(count) {
			room = count;
			flush();
		},
	});
	flush();
	return hil;
}
