// The card's ISO 7816-3 line on the SDK's Linux port (native/card-tty.c): a tty path (a pty with
// the UICC simulator, or a serial adapter wired to a card) at 8E2, with the shape
// modules/pcsc-uart/link.ts takes, as xsdm's embedded:io/serial and the ESP32's iso7816 line give
// it: read, write, set({ baud }), setReset, close, onReadable/onError. RST travels through the
// FIFO resetPath names ('0' asserted, '1' released), since a pty has no modem lines.

export interface CardTtyOptions {
	path: string;
	/** a FIFO the card's end reads: the reset line of a pty */
	resetPath?: string;
	/** the initial rate (default: the card clock / 372) */
	baud?: number;
	onReadable?: (this: CardTty, count: number) => void;
	/** the line hung up (the card's end closed it): the port is closed */
	onError?: (this: CardTty) => void;
}

const construct = native("xs_card_tty_constructor");
const setLine = native("xs_card_tty_set");
const getBaud = native("xs_card_tty_get_baud");
const setReset = native("xs_card_tty_set_reset");
const readLine = native("xs_card_tty_read");
const writeLine = native("xs_card_tty_write");
const closeLine = native("xs_card_tty_close");

export default class CardTty extends Native("xs_card_tty_destructor") {
	readonly onReadable: ((this: CardTty, count: number) => void) | undefined;
	readonly onError: ((this: CardTty) => void) | undefined;

	constructor(options: CardTtyOptions) {
		super();
		this.onReadable = options.onReadable;
		this.onError = options.onError;
		construct.call(this, options);
	}

	/** The rate after PPS. */
	set(options: { baud: number }): void {
		setLine.call(this, options);
	}

	/** The rate the tty runs at, as the kernel reports it. */
	get baud(): number {
		return getBaud.call(this);
	}

	/** Drives RST low (asserted = true) or releases it high. */
	setReset(asserted: boolean): void {
		setReset.call(this, asserted);
	}

	read(count?: number): ArrayBuffer | undefined {
		return readLine.call(this, count);
	}

	write(bytes: ArrayBuffer | ArrayBufferView): void {
		writeLine.call(this, bytes);
	}

	close(): void {
		closeLine.call(this);
	}
}
