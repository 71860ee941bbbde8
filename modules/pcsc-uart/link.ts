// The ISO 7816-3 link over a UART: reset (RST through the host's port), the ATR with its
// convention, PPS with fallback (choosing T=1 when the card offers it), the baud change, and
// exchanges under T=0 (bounded by the work waiting time) or T=1 (blocks bounded by the block and
// character waiting times, IFSD raised to 254 once after activation). One operation at a time; a
// fault (time-out, garbage, removal) fails it with a CardError and leaves the link needing
// reset(), which always starts over from a clean state.
import { ATR_MAX, NEED_MORE, TA1_DEFAULT, baudFor, blockWaitingMs, charWaitingMs, fiDi, parseAtr, scanAtr, workWaitingMs, type Atr } from "./atr.js";
import { decodeResponse, encodeCommand, type Command, type Response } from "./apdu.js";
import { TS_DIRECT, TS_INVERSE_RAW, convert, inverseByte, type Convention } from "./convention.js";
import { CardError, hex8 } from "./error.js";
import { choosePps, ppsAccepted, ppsLength, ppsRequest } from "./pps.js";
import { Step, T0Exchange } from "./t0.js";
import { T1Exchange, T1State } from "./t1.js";
import type { TimerHandle, Timers } from "../time/index.js";

/** The UART as the host opens it (8 data bits, even parity, 2 stop bits) with the card's RST line. */
export interface CardPort {
	write(bytes: Uint8Array): void;
	read(): ArrayBuffer | undefined;
	/** protocol: the one PPS settled on (a native UART driver stops T=0 character repetition under T=1) */
	set(options: { baud?: number; protocol?: number }): void;
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
	/** false: never send PPS, stay at the ATR's default rate and first protocol */
	pps?: boolean;
	/** false: stay on T=0 even when the card offers T=1 */
	t1?: boolean;
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
	/** the transmission protocol in use: 0 or 1 */
	readonly protocol: number;
	/** T=1 and the card takes extended Lc/Le: commands may carry up to 64 KiB each way */
	readonly extendedLength: boolean;
}

interface Operation {
	onByte(b: number): void;
	fail(e: CardError): void;
	/** T=1: the waiting time before the next byte (BWT × WTX between blocks, CWT inside one) */
	waitMs?(): number;
	/** T=1: the waiting time ran out; the exchange may ask again (11.6) instead of failing */
	onTimeout?(): void;
}

const RESET_PULSE_MS = 2;
/**
 * Floor on the T=1 character waiting time: CWT is a few ms at most, while a UART driver (or a pty)
 * hands bytes over in bursts, and a block cut by a late burst would cost a retransmission.
 */
const CWT_FLOOR_MS = 20;

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
	#protocol = 0;
	#extended = false;
	#t1: T1State | undefined;
	#bwtMs = 0;
	#cwtMs = 0;
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

	get protocol(): number {
		return this.#protocol;
	}

	/** True when commands may use extended Lc/Le (T=1 in use and the card says it takes them). */
	get extendedLength(): boolean {
		return this.#extended;
	}

	/**
	 * Cold or warm reset, then PPS when the card offers a faster rate or T=1 beside T=0 (falling
	 * back on refusal to the default rate and the first protocol offered); under T=1 the IFSD is
	 * raised to 254 before the first command.
	 */
	async activate(): Promise<Activation> {
		const atr = await this.reset();
		if (atr.specific) {
			// specific mode (TA2): no PPS; TA1 applies at once unless TA2 says otherwise
			if (atr.specific.useTa1) this.#use(atr.ta1);
			return this.#settle(atr, "specific", atr.specific.protocol);
		}
		// without PPS the card runs the first protocol it offers (ISO 7816-3 8.2.3)
		const first = atr.protocols[0]!;
		if (this.#o.pps === false) return this.#settle(atr, "not-offered", first);
		const t1 = this.#o.t1 !== false && atr.protocols.includes(1) && !atr.t1.crc;
		const protocol = t1 ? 1 : atr.protocols.includes(0) ? 0 : first;
		const want = choosePps(atr, this.#o.clockHz, this.#o.maxBaud);
		if (want === undefined && protocol === first) return this.#settle(atr, "not-offered", first);
		let ta1: number;
		try {
			ta1 = await this.#pps(want, protocol);
		} catch (e) {
			if (!(e instanceof CardError) || this.#removed) throw e;
			// ISO 7816-3 9.3: after a failed PPS the reader resets and continues at the default
			const again = await this.reset();
			return this.#settle(again, "refused", again.protocols[0]!);
		}
		this.#use(ta1);
		return this.#settle(atr, "accepted", protocol);
	}

	async #settle(atr: Atr, pps: PpsOutcome, protocol: number): Promise<Activation> {
		if (protocol !== 0 && protocol !== 1) throw new CardError("atr", `the card runs T=${protocol}, which this reader does not speak`);
		if (protocol === 1) {
			if (atr.t1.crc) throw new CardError("atr", "the card checks T=1 blocks with a CRC (TC3), which this reader does not do");
			const f = fiDi(this.#ta1)!;
			const etuS = f.fi / (f.di * this.#o.clockHz);
			this.#bwtMs = blockWaitingMs(atr.t1.bwi, etuS, this.#o.clockHz);
			this.#cwtMs = Math.max(charWaitingMs(atr.t1.cwi, etuS), CWT_FLOOR_MS);
			this.#t1 = new T1State(atr.t1.ifsc);
			this.#protocol = 1;
			this.#port.set({ protocol: 1 });
			this.#needsReset = undefined;
			await this.#t1Exchange(new T1Exchange(this.#t1));
			this.#extended = atr.extendedLength;
		}
		return Object.freeze({ atr, pps, ta1: this.#ta1, baud: this.baud, protocol, extendedLength: this.#extended });
	}

	/** RST low, then high; collects the ATR at the default rate. */
	async reset(): Promise<Atr> {
		if (this.#removed) throw new CardError("removed", "the card is gone: the port closed");
		this.#abort();
		this.#ta1 = TA1_DEFAULT;
		this.#wi = 10;
		this.#protocol = 0;
		this.#extended = false;
		this.#t1 = undefined;
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

	/** Sends one command APDU under the protocol in use and returns the card's response. */
	transmit(command: Command): Promise<Response> {
		if (this.#needsReset) return Promise.reject(this.#needsReset);
		if (this.#op) return Promise.reject(new CardError("command", "another exchange is under way"));
		if (this.#protocol === 1) {
			let apdu: Uint8Array;
			try {
				apdu = encodeCommand(command, this.#extended);
			} catch (e) {
				return Promise.reject(e);
			}
			let exchange: T1Exchange;
			try {
				exchange = new T1Exchange(this.#t1!, apdu);
			} catch (e) {
				return Promise.reject(e);
			}
			// a VERIFY's PIN must not linger in a dead buffer: the APDU, nor the blocks kept to resend
			const wipe = (): void => { apdu.fill(0); exchange.wipe(); };
			return this.#t1Exchange(exchange).then((r) => { wipe(); return decodeResponse(r); }, (e: unknown) => { wipe(); throw e; });
		}
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
			this.#limitExchange();
			this.#write(exchange.take());
		});
	}

	/** One T=1 exchange: blocks out and in until the card's chain ends, bounded as T=0's is. */
	#t1Exchange(exchange: T1Exchange): Promise<Uint8Array> {
		const wait = (): number => exchange.inBlock ? this.#cwtMs : this.#bwtMs * exchange.wtx;
		return new Promise<Uint8Array>((resolve, reject) => {
			const step = (s: Step): void => {
				if (s === Step.Send) this.#write(exchange.take());
				else if (s === Step.Done) this.#finish(() => resolve(exchange.response()));
			};
			this.#begin({
				onByte: (b) => step(exchange.feed(b)),
				fail: reject,
				waitMs: wait,
				onTimeout: () => step(exchange.timeout()),
			}, this.#bwtMs);
			this.#limitExchange();
			this.#write(exchange.take());
		});
	}

	#limitExchange(): void {
		const limit = this.#o.exchangeLimitMs ?? 30000;
		this.#limit = this.#o.timers.set(limit, () => {
			this.#limit = undefined;
			this.#fail(new CardError("timeout", `no answer within ${limit} ms (the card kept asking for more time): reset it`));
		});
	}

	close(): void {
		this.#abort();
		if (!this.#removed) this.#port.close();
		this.#removed = true;
	}

	#pps(ta1: number | undefined, protocol: number): Promise<number> {
		const request = ppsRequest(ta1, protocol);
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
			const op = this.#op;
			if (op?.onTimeout) {
				try {
					op.onTimeout();
				} catch (e) {
					this.#fail(e instanceof CardError ? e : new CardError("protocol", String(e)));
				}
				if (this.#op === op && !this.#timer) this.#arm(op.waitMs!());
				return;
			}
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
		const op = this.#op;
		if (op) this.#arm(op.waitMs ? op.waitMs() : this.#waitMs);
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
			if (this.#op === op) this.#arm(op.waitMs ? op.waitMs() : this.#waitMs);
		}
	}

	#portError(): void {
		this.#removed = true;
		this.#fail(new CardError("removed", "the card's line closed: card removed or the port failed"));
	}
}
