// The T=0 transmission protocol (ISO 7816-3 section 10) for one command APDU, as a byte-at-a-time
// state machine without IO: the link writes what take() gives, feeds each received byte to feed(),
// and stops at Done. Cases 1-4 map onto TPDUs (10.3), procedure bytes 60 / INS / INS^FF drive the
// data flow (10.3.3), 61xx / 9Fxx fetch the response with GET RESPONSE and 6Cxx re-issues the
// header with the length the card asked for (ISO 7816-4 5.3.4 / TS 51.011 9.4).
import { checkCommand, getResponseCla, type Command, type Response } from "./apdu.js";
import { CardError, hex8 } from "./error.js";

export const enum T0 {
	/** waiting for a procedure byte or SW1 */
	Procedure = 1,
	/** SW1 received, waiting for SW2 */
	Sw2,
	/** receiving response data after INS or INS^FF */
	DataIn,
	Done,
}

export const enum Step {
	/** feed more bytes */
	More = 0,
	/** write take() to the card, then feed more */
	Send = 1,
	/** the response is ready */
	Done = 2,
}

/** Total response bytes kept across GET RESPONSE chaining: a bound on what a card can make us hold. */
export const RESPONSE_MAX = 4096;

export class T0Exchange {
	#state: T0 = T0.Procedure;
	/** the TPDU under way: header, data still to send, data still expected */
	#header = new Uint8Array(5);
	#out: Uint8Array;
	#outAt = 0;
	#inLeft = 0;
	/** bytes to receive in the current DataIn run */
	#run = 0;
	#pending: Uint8Array | undefined;
	#sw1 = 0;
	#reissued = false;
	readonly #wantResponse: boolean;
	readonly #getResponseCla: number;
	#chunks: Uint8Array[] = [];
	#chunk: Uint8Array | undefined;
	#chunkAt = 0;
	#total = 0;
	#response: Response | undefined;

	constructor(command: Command) {
		checkCommand(command);
		const c = command;
		this.#wantResponse = c.le !== undefined;
		this.#getResponseCla = getResponseCla(c.cla);
		this.#out = c.data ?? new Uint8Array(0);
		// Case 4 sends its data first and collects the response through 61xx / GET RESPONSE (10.3.2)
		const p3 = c.data ? c.data.length : c.le === undefined ? 0 : c.le & 0xff;
		this.#inLeft = c.data ? 0 : c.le ?? 0;
		this.#setHeader(c.cla, c.ins, c.p1, c.p2, p3);
	}

	get state(): T0 {
		return this.#state;
	}

	/** The bytes to write now, once: the first header, or what the last Step.Send asked for. */
	take(): Uint8Array {
		const p = this.#pending;
		if (!p) throw new CardError("protocol", "nothing to send");
		this.#pending = undefined;
		return p;
	}

	/** The result after Step.Done. */
	response(): Response {
		if (!this.#response) throw new CardError("protocol", "the exchange has not finished");
		return this.#response;
	}

	/** Consumes one byte from the card. */
	feed(b: number): Step {
		switch (this.#state) {
			case T0.DataIn:
				this.#store(b);
				this.#inLeft--;
				if (--this.#run === 0) this.#state = T0.Procedure;
				return Step.More;
			case T0.Procedure: {
				const ins = this.#header[1]!;
				if (b === 0x60) return Step.More;                   // NULL: the card needs more time
				if (b === ins || b === (ins ^ 0xff)) return this.#acknowledge(b === ins);
				if (((b & 0xf0) === 0x60 || (b & 0xf0) === 0x90)) { this.#sw1 = b; this.#state = T0.Sw2; return Step.More; }
				throw new CardError("protocol", `byte ${hex8(b)} is no procedure byte for INS ${hex8(ins)}`);
			}
			case T0.Sw2:
				return this.#status(this.#sw1, b);
			case T0.Done:
				throw new CardError("protocol", `byte ${hex8(b)} after the status word`);
		}
	}

	#setHeader(cla: number, ins: number, p1: number, p2: number, p3: number): void {
		const h = this.#header;
		h[0] = cla; h[1] = ins; h[2] = p1; h[3] = p2; h[4] = p3;
		this.#pending = h.slice();
		this.#state = T0.Procedure;
	}

	#acknowledge(all: boolean): Step {
		if (this.#outAt < this.#out.length) {
			const end = all ? this.#out.length : this.#outAt + 1;
			this.#pending = this.#out.subarray(this.#outAt, end);
			this.#outAt = end;
			return Step.Send;
		}
		if (this.#inLeft > 0) {
			this.#run = all ? this.#inLeft : 1;
			this.#state = T0.DataIn;
			return Step.More;
		}
		// An ACK with nothing left to move (case 1, or a card that acks twice): tolerated, ISO 7816-3 10.3.3
		return Step.More;
	}

	#status(sw1: number, sw2: number): Step {
		const sw = (sw1 << 8) | sw2;
		if ((sw1 === 0x61 || sw1 === 0x9f) && this.#wantResponse) {
			const n = sw2 === 0 ? 256 : sw2;
			this.#out = new Uint8Array(0);
			this.#outAt = 0;
			this.#inLeft = n;
			this.#reissued = false;
			this.#setHeader(this.#getResponseCla, 0xc0, 0, 0, sw2);
			return Step.Send;
		}
		if (sw1 === 0x6c && this.#out.length === 0 && this.#inLeft > 0) {
			if (this.#reissued) throw new CardError("protocol", "the card asked twice in a row for a different Le (6Cxx)");
			this.#reissued = true;
			const h = this.#header;
			this.#inLeft = sw2 === 0 ? 256 : sw2;
			this.#setHeader(h[0]!, h[1]!, h[2]!, h[3]!, sw2);
			return Step.Send;
		}
		this.#state = T0.Done;
		this.#response = Object.freeze({ data: this.#collect(), sw });
		return Step.Done;
	}

	#store(b: number): void {
		if (++this.#total > RESPONSE_MAX) throw new CardError("protocol", `response longer than ${RESPONSE_MAX} bytes`);
		if (!this.#chunk || this.#chunkAt === this.#chunk.length) {
			// sized for the rest of this TPDU, so INS^FF byte-by-byte runs fill one chunk
			this.#chunk = new Uint8Array(Math.max(this.#inLeft, 1));
			this.#chunks.push(this.#chunk);
			this.#chunkAt = 0;
		}
		this.#chunk[this.#chunkAt++] = b;
	}

	#collect(): Uint8Array {
		const out = new Uint8Array(this.#total);
		let at = 0;
		for (const c of this.#chunks) {
			const n = Math.min(c.length, this.#total - at);
			out.set(n === c.length ? c : c.subarray(0, n), at);
			at += n;
		}
		this.#chunks = [];
		return out;
	}
}
