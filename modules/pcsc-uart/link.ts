// The ISO 7816-3 link over a UART: reset (RST through the host's port), the ATR with its
// convention, PPS with fallback, the baud change, and T=0 exchanges bounded by the work waiting
// time. One operation at a time; a fault (time-out, garbage, removal) fails it with a CardError
// and leaves the link needing reset(), which always starts over from a clean state.
import { ATR_MAX, NEED_MORE, TA1_DEFAULT, baudFor, fiDi, parseAtr, scanAtr, workWaitingMs, type Atr } from "./atr.js";
import type { Command, Response } from "./apdu.js";
import { TS_DIRECT, TS_INVERSE_RAW, convert, inverseByte, type Convention } from "./convention.js";
import { CardError, hex8 } from "./error.js";
import { choosePps, ppsAccepted, ppsLength, ppsRequest } from "./pps.js";
import { Step, T0Exchange } from "./t0.js";
import type { TimerHandle, Timers } from "../time/index.js";

/** The UART as the host opens it (8 data bits, even parity, 2 stop bits) with the card's RST line. */
export interface CardPort {
	write(bytes: Uint8Array): void;
	read(): ArrayBuffer | undefined;
	set(options: { baud: number }): void;
	setReset(asserted: boolean): void;
	close(): void;
}

export interface PortEvents {
	onReadable(count: number): void;
	onError(): void;
}

export interface LinkOptions {
	/** Opens the port at `baud` with these callbacks (on xsdm: new Serial({ ..., onReadable, onError })). */
	open(baud: number, events: PortEvents): CardPort;
	/** the clock the reader gives the card, Hz */
	clockHz: number;
	/** the fastest rate the UART runs at */
	maxBaud: number;
	/** ms from RST release to the first ATR byte (ISO: 40 000 clocks; a pty needs some slack) */
	atrTimeoutMs?: number;
	/** false: never send PPS, stay at the ATR's default rate */
	pps?: boolean;
	/**
	 * Bound on one command's exchange however many NULL (60) bytes the card sends, each of which
	 * restarts the work waiting time: a card stuck in NULLs cannot hold the reader forever.
	 */
	exchangeLimitMs?: number;
	/** the host's timers (reset pulse, ATR, character and work waiting times, the exchange bound) */
	timers: Timers;
}

export type PpsOutcome = "accepted" | "refused" | "not-offered" | "specific";

export interface Activation {
	readonly atr: Atr;
	readonly pps: PpsOutcome;
	/** Fi/Di in use, TA1-style */
	readonly ta1: number;
	readonly baud: number;
}

interface Operation {
	onByte(b: number): void;
	fail(e: CardError): void;
}

const RESET_PULSE_MS = 2;

export class CardLink {
	readonly #o: LinkOptions;
	readonly #port: CardPort;
	#convention: Convention = "direct";
	#op: Operation | undefined;
	#timer: TimerHandle | undefined;
	#limit: TimerHandle | undefined;
	#waitMs: number;
	#ta1 = TA1_DEFAULT;
	#wi = 10;
	#needsReset: CardError | undefined = new CardError("protocol", "the card has not been reset yet: call activate()");
	#removed = false;
	/** bytes written and read since open, for the line statistics */
	bytesOut = 0;
	bytesIn = 0;

	constructor(options: LinkOptions) {
		this.#o = options;
		this.#waitMs = workWaitingMs(10, 372, options.clockHz);
		this.#port = options.open(Math.round(options.clockHz / 372), {
			onReadable: () => this.#readable(),
			onError: () => this.#portError(),
		});
	}

	get baud(): number {
		return baudFor(this.#ta1, this.#o.clockHz);
	}

	/** Cold or warm reset, then PPS when the card offers a faster rate (falling back on refusal). */
	async activate(): Promise<Activation> {
		const atr = await this.reset();
		if (atr.specific) {
			// specific mode (TA2): no PPS; TA1 applies at once unless TA2 says otherwise
			if (atr.specific.useTa1) this.#use(atr.ta1);
			return Object.freeze({ atr, pps: "specific", ta1: this.#ta1, baud: this.baud });
		}
		const want = this.#o.pps === false ? undefined : choosePps(atr, this.#o.clockHz, this.#o.maxBaud);
		if (want === undefined) return Object.freeze({ atr, pps: "not-offered", ta1: this.#ta1, baud: this.baud });
		try {
			this.#use(await this.#pps(want));
			return Object.freeze({ atr, pps: "accepted", ta1: this.#ta1, baud: this.baud });
		} catch (e) {
			if (!(e instanceof CardError) || this.#removed) throw e;
			// ISO 7816-3 9.3: after a failed PPS the reader resets and continues at the default
			const again = await this.reset();
			return Object.freeze({ atr: again, pps: "refused", ta1: this.#ta1, baud: this.baud });
		}
	}

	/** RST low, then high; collects the ATR at the default rate. */
	async reset(): Promise<Atr> {
		if (this.#removed) throw new CardError("removed", "the card is gone: the port closed");
		this.#abort();
		this.#ta1 = TA1_DEFAULT;
		this.#wi = 10;
		this.#convention = "direct";
		this.#port.set({ baud: this.baud });
		this.#waitMs = workWaitingMs(10, 372, this.#o.clockHz);
		this.#port.setReset(true);
		await new Promise<void>((r) => this.#o.timers.set(RESET_PULSE_MS, r));
		const atr = await new Promise<Atr>((resolve, reject) => {
			const bytes = new Uint8Array(ATR_MAX);
			let count = 0;
			this.#begin({
				onByte: (raw) => {
					if (count === 0) {
						if (raw === TS_INVERSE_RAW) this.#convention = "inverse";
						else if (raw !== TS_DIRECT) throw new CardError("atr", `TS is ${hex8(raw)}: no card, or not ISO 7816-3`);
						bytes[count++] = this.#convention === "inverse" ? 0x3f : 0x3b;
						return;
					}
					bytes[count++] = raw;
					const total = scanAtr(bytes, count);
					if (total !== NEED_MORE && count === total) {
						// parse before finishing: a throw here must still fail this operation
						const atr = parseAtr(bytes.slice(0, total));
						this.#finish(() => resolve(atr));
					}
				},
				fail: reject,
			}, this.#o.atrTimeoutMs ?? 200);
			this.#port.setReset(false);
		});
		this.#wi = atr.wi;
		this.#waitMs = workWaitingMs(atr.wi, 372, this.#o.clockHz);
		this.#needsReset = undefined;
		return atr;
	}

	/** Sends one command APDU under T=0 and returns the card's response. */
	transmit(command: Command): Promise<Response> {
		if (this.#needsReset) return Promise.reject(this.#needsReset);
		if (this.#op) return Promise.reject(new CardError("command", "another exchange is under way"));
		let exchange: T0Exchange;
		try {
			exchange = new T0Exchange(command);
		} catch (e) {
			return Promise.reject(e);
		}
		return new Promise<Response>((resolve, reject) => {
			this.#begin({
				onByte: (b) => {
					const step = exchange.feed(b);
					if (step === Step.Send) this.#write(exchange.take());
					else if (step === Step.Done) this.#finish(() => resolve(exchange.response()));
				},
				fail: reject,
			}, this.#waitMs);
			const limit = this.#o.exchangeLimitMs ?? 30000;
			this.#limit = this.#o.timers.set(limit, () => {
				this.#limit = undefined;
				this.#fail(new CardError("timeout", `no answer within ${limit} ms (the card kept asking for more time): reset it`));
			});
			this.#write(exchange.take());
		});
	}

	close(): void {
		this.#abort();
		if (!this.#removed) this.#port.close();
		this.#removed = true;
	}

	#pps(ta1: number): Promise<number> {
		const request = ppsRequest(ta1);
		return new Promise<number>((resolve, reject) => {
			const answer = new Uint8Array(7);
			let count = 0;
			this.#begin({
				onByte: (b) => {
					answer[count++] = b;
					if (count >= 2 && count === ppsLength(answer[1]!)) {
						const ta1 = ppsAccepted(request, answer.subarray(0, count));
						this.#finish(() => resolve(ta1));
					}
				},
				fail: reject,
			}, this.#waitMs);
			this.#write(request);
		});
	}

	#use(ta1: number): void {
		const f = fiDi(ta1)!;
		this.#ta1 = ta1;
		this.#port.set({ baud: this.baud });
		this.#waitMs = workWaitingMs(this.#wi, f.fi, this.#o.clockHz);
	}

	#begin(op: Operation, firstByteMs: number): void {
		this.#op = op;
		this.#arm(firstByteMs);
	}

	#finish(deliver: () => void): void {
		this.#abort();
		deliver();
	}

	#arm(ms: number): void {
		this.#o.timers.clear(this.#timer);
		this.#timer = this.#o.timers.set(ms, () => {
			this.#timer = undefined;
			this.#fail(new CardError("timeout", `the card sent nothing for ${ms} ms: reset it`));
		});
	}

	#fail(e: CardError): void {
		const op = this.#op;
		this.#abort();
		this.#needsReset = new CardError(e.fault, `${e.message} (the link needs a reset)`);
		op?.fail(e);
	}

	#abort(): void {
		this.#o.timers.clear(this.#timer);
		this.#o.timers.clear(this.#limit);
		this.#timer = undefined;
		this.#limit = undefined;
		this.#op = undefined;
	}

	#write(bytes: Uint8Array): void {
		const line = convert(this.#convention, bytes.slice());
		this.bytesOut += line.length;
		this.#port.write(line);
		line.fill(0); // the port copied it; a VERIFY's PIN must not linger in a dead buffer
		if (this.#op) this.#arm(this.#waitMs);
	}

	#readable(): void {
		const got = this.#port.read();
		if (!got) return;
		const bytes = new Uint8Array(got);
		this.bytesIn += bytes.length;
		for (let i = 0; i < bytes.length; i++) {
			const op = this.#op;
			// a byte outside any exchange: the card and the reader disagree; only a reset mends that
			if (!op) { this.#needsReset ??= new CardError("protocol", "the card sent bytes nobody asked for: reset it"); return; }
			const raw = bytes[i]!;
			// read per byte: TS switches the convention for the bytes after it in the same chunk
			const b = this.#convention === "inverse" ? inverseByte(raw) : raw;
			try {
				op.onByte(b);
			} catch (e) {
				this.#fail(e instanceof CardError ? e : new CardError("protocol", String(e)));
				return;
			}
			if (this.#op === op) this.#arm(this.#waitMs);
		}
	}

	#portError(): void {
		this.#removed = true;
		this.#fail(new CardError("removed", "the card's line closed: card removed or the port failed"));
	}
}
