// The card's ISO 7816-3 line on the ESP32 (iso7816-serial.c): the same ECMA-419 serial shape the
// sim host's embedded:io/serial gives modules/pcsc-uart/link.ts (read, write, set({ baud }),
// setReset, close, onReadable/onError), opened on pins instead of a tty path. The UART runs 8E2,
// the card clock comes from LEDC at 4 MHz, I/O is one open-drain wire whose echo the C drops.

export interface Iso7816SerialOptions {
	/** UART number (default 1) */
	port?: number;
	/** the card's I/O: TX and RX on this one GPIO, open drain with a pull-up */
	io: number;
	/** the card's CLK, driven by LEDC */
	clock: number;
	/** the card's RST */
	reset: number;
	/** the GPIO that switches the card's VCC */
	vcc: number;
	/** VCC is switched on by driving the GPIO low (a P-channel switch) */
	vccActiveLow?: boolean;
	/** the initial rate (default: the card clock / 372) */
	baud?: number;
	onReadable?: (this: Iso7816Serial, count: number) => void;
	onWritable?: (this: Iso7816Serial, count: number) => void;
	/** a collision or parity signal on the line: the exchange failed, reset the card */
	onError?: (this: Iso7816Serial) => void;
}

const construct = native("xs_iso7816_serial_constructor");
const setLine = native("xs_iso7816_serial_set");
const setReset = native("xs_iso7816_serial_set_reset");
const readLine = native("xs_iso7816_serial_read");
const writeLine = native("xs_iso7816_serial_write");
const closeLine = native("xs_iso7816_serial_close");

export default class Iso7816Serial extends Native("xs_iso7816_serial_destructor") {
	readonly onReadable: ((this: Iso7816Serial, count: number) => void) | undefined;
	readonly onWritable: ((this: Iso7816Serial, count: number) => void) | undefined;
	readonly onError: ((this: Iso7816Serial) => void) | undefined;

	constructor(options: Iso7816SerialOptions) {
		super();
		this.onReadable = options.onReadable;
		this.onWritable = options.onWritable;
		this.onError = options.onError;
		construct.call(this, options);
	}

	/** The rate after PPS (f × D / F), and TC1's extra guard time in etu (255: none). */
	set(options: { baud?: number; guard?: number }): void {
		setLine.call(this, options);
	}

	/** true: RST low (the first time, powering the card: VCC, CLK, I/O); false: RST high. */
	setReset(asserted: boolean): void {
		setReset.call(this, asserted);
	}

	read(count?: number): ArrayBuffer | undefined {
		return readLine.call(this, count);
	}

	write(bytes: ArrayBuffer | ArrayBufferView): void {
		writeLine.call(this, bytes);
	}

	/** Deactivates the card (RST, CLK, I/O, VCC off) and frees the UART. */
	close(): void {
		closeLine.call(this);
	}
}
