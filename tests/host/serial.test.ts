// Serial on xsdm (embedded:io/serial) across a real pty pair: 8E2 framing, bytes both ways, the
// reset line, and a baud change, with the far end in tests/host/pty-peer.py.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { assert, describe, it } from "../harness/index.js";
import { compiled, root, runXsdm } from "./xsdm.js";
import { startUicc } from "./uicc-peer.js";

describe("serial port on xsdm (pty)", () => {
	it("exchanges all 256 byte values at 8E2, signals RST through the FIFO, and changes baud", async () => {
		const peer = spawn("python3", [join(root, "tests/host/pty-peer.py")], { stdio: ["pipe", "pipe", "inherit"] });
		const lines: string[] = [];
		const waiters: [RegExp, (line: string) => void][] = [];
		createInterface({ input: peer.stdout }).on("line", (line) => {
			lines.push(line);
			for (const w of waiters.splice(0)) { if (w[0].test(line)) w[1](line); else waiters.push(w); }
		});
		const waitFor = (re: RegExp): Promise<string> => {
			const seen = lines.find((l) => re.test(l));
			return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push([re, resolve]));
		};
		const slave = (await waitFor(/^slave /)).slice(6);
		const fifo = (await waitFor(/^fifo /)).slice(5);
		const device = runXsdm(compiled("tests/xs/host/serial-exchange.ts"), [slave, fifo]);
		await waitFor(/^reset 1/);
		// The port is open with the device's settings: read them from the tty itself.
		peer.stdin.write("termios\n");
		const termios = await waitFor(/^termios /);
		const r = await device;
		peer.stdin.end("quit\n");
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout, "baud 9600 then 10753\nclosed\n");
		// Linux's pty driver forces CS8 and clears PARENB whatever is asked (drivers/tty/pty.c), so on a
		// pty only the stop bits show; even parity is requested all the same and holds on a real UART.
		assert.equal(termios, "termios cs8=1 parenb=0 parodd=0 cstopb=1");
		assert.deepEqual(lines.filter((l) => l.startsWith("reset ")), ["reset 0", "reset 1"]);
		const rx = lines.filter((l) => l.startsWith("rx ")).map((l) => l.slice(3)).join("");
		assert.equal(rx, Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join(""));
	});

	it("refuses a reset line nobody reads, and a path that is no tty, with a clear error", async () => {
		const r = await runXsdm(compiled("tests/xs/host/serial-exchange.ts"), ["/dev/null", "/nonexistent-fifo"]);
		assert.equal(r.code, 1);
		assert.ok(/not a serial port|cannot open the reset line/.test(r.stderr), r.stderr);
	});

	it("opens a port again after closing it at a non-standard baud", async () => {
		const peer = await startUicc();
		try {
			const r = await runXsdm(compiled("tests/xs/host/serial-reopen.ts"), [peer.slave, peer.fifo]);
			assert.equal(r.code, 0, r.stderr);
			assert.equal(r.stdout, "opened and closed at 10753\nopened and closed at 9600\nopened and closed at 10753\n");
		} finally {
			await peer.stop();
		}
	});
});
