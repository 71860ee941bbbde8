// embedded:io/serial on xsdm — an ECMA-419 serial port on a tty (a pty in development), the shape
// of Moddable's, plus what an ISO 7816 card reader needs: framing (8E2), any baud rate, a later
// baud change (set({ baud }) after PPS) and the RST line (setReset). On a pty, RST travels through
// the FIFO named by resetPath: '0' is written when RST is asserted (driven low), '1' on release.
// On the ESP32 these come from a small native UART module, since the SDK's serial is 8N1 only.

export interface SerialOptions {
	path: string;
	baud?: number;
	dataBits?: 5 | 6 | 7 | 8;
	parity?: "none" | "even" | "odd";
	stopBits?: 1 | 2;
	/** a FIFO the peer reads: the reset line of a pty */
	resetPath?: string;
	onReadable?: (this: Serial, count: number) => void;
	onWritable?: (this: Serial, count: number) => void;
	onError?: (this: Serial) => void;
}

const construct = native("xs_serial_constructor");
const setSerial = native("xs_serial_set");
const setSerialReset = native("xs_serial_set_reset");
const getBaud = native("xs_serial_get_baud");
const readSerial = native("xs_serial_read");
const writeSerial = native("xs_serial_write");
const closeSerial = native("xs_serial_close");

export default class Serial extends Native("xs_serial_destructor") {
	readonly onReadable: ((this: Serial, count: number) => void) | undefined;
	readonly onWritable: ((this: Serial, count: number) => void) | undefined;
	readonly onError: ((this: Serial) => void) | undefined;

	constructor(options: SerialOptions) {
		super();
		this.onReadable = options.onReadable;
		this.onWritable = options.onWritable;
		this.onError = options.onError;
		construct.call(this, options);
	}

	/** Changes the baud rate of the open port (any rate, e.g. 10 753 for a 4 MHz card clock). */
	set(options: { baud: number }): void {
		setSerial.call(this, options);
	}

	/** The baud rate the port runs at now, as the kernel reports it. */
	get baud(): number {
		return getBaud.call(this);
	}

	/** Drives RST low (asserted = true) or releases it high. */
	setReset(asserted: boolean): void {
		setSerialReset.call(this, asserted);
	}

	read(count?: number): ArrayBuffer | undefined {
		return readSerial.call(this, count);
	}

	write(bytes: ArrayBuffer | ArrayBufferView): void {
		writeSerial.call(this, bytes);
	}

	close(): void {
		closeSerial.call(this);
	}
}
