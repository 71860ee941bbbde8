// The T=1 block transmission protocol (ISO 7816-3 section 11) as a byte-at-a-time state machine
// without IO, like T0Exchange: the link writes what take() gives, feeds each received byte to
// feed(), calls timeout() when the block or character waiting time runs out, and stops at Done.
// Blocks are NAD PCB LEN INF LRC (LRC only: a card asking for CRC in TC3 is refused by the link).
// One T1Exchange carries one command APDU (or the reader's IFS request) as a chain of I-blocks and
// collects the card's chain; the sequence numbers live in T1State, across exchanges.
// Error handling follows 11.6: an invalid block or a time-out is answered with an R-block naming
// the block expected; a block not accepted after three tries leads to RESYNCH, and a RESYNCH
// that fails three times, or one that succeeds, fails the exchange (the caller cannot know whether
// the card ran the command, and a VERIFY must never run twice).
import { CardError, hex8 } from "./error.js";
import { Step, RESPONSE_MAX } from "./t0.js";

/** IFSD the reader announces after activation: the largest INF the standard allows. */
export const IFSD_MAX = 254;
/** IFSC/IFSD before any S(IFS) and when TA3 is absent (11.4.2). */
export const IFS_DEFAULT = 32;
/** tries per block before RESYNCH, and RESYNCH tries before giving up (11.6.3 rules 7.4 and 6.4) */
const TRIES = 3;

const enum Pcb {
	I_MORE = 0x20,
	I_NS = 0x40,
	R = 0x80,
	R_NR = 0x10,
	S = 0xc0,
	S_RESPONSE = 0x20,
}

export const enum SType { Resynch = 0, Ifs = 1, Abort = 2, Wtx = 3 }

/** R-block error codes (11.3.2.2) */
const enum RCode { Ok = 0, Edc = 1, Other = 2 }

/** What persists on a T=1 link between exchanges (reset by activation and RESYNCH). */
export class T1State {
	/** N(S) of the reader's next I-block */
	ns = 0;
	/** N(S) expected on the card's next I-block */
	nr = 0;
	ifsc: number;
	ifsd = IFS_DEFAULT;
	readonly #ifscAtr: number;

	constructor(ifsc = IFS_DEFAULT) {
		if (ifsc < 1 || ifsc > 254) throw new CardError("atr", `IFSC ${ifsc} (TA3) is outside 1..254`);
		this.ifsc = ifsc;
		this.#ifscAtr = ifsc;
	}

	/** after RESYNCH: everything as after the ATR (11.6.3.2) */
	resynch(): void {
		this.ns = 0;
		this.nr = 0;
		this.ifsc = this.#ifscAtr;
		this.ifsd = IFS_DEFAULT;
	}
}

const enum Mode {
	/** our I-blocks go out; waiting for the card's ack (R) or, after the last one, its I-block */
	Send = 1,
	/** the card's chain comes in; we ack each block */
	Receive,
	/** our S request is out, waiting for its response */
	SRequest,
	Done,
}

function block(nad: number, pcb: number, inf: Uint8Array | undefined): Uint8Array {
	const n = inf ? inf.length : 0;
	const b = new Uint8Array(4 + n);
	b[0] = nad; b[1] = pcb; b[2] = n;
	if (inf) b.set(inf, 3);
	let x = 0;
	for (let i = 0; i < 3 + n; i++) x ^= b[i]!;
	b[3 + n] = x;
	return b;
}

/** An S request of the reader, as the reader sends it (NAD 0). */
export function sBlock(type: SType, response: boolean, inf?: Uint8Array): Uint8Array {
	return block(0, Pcb.S | (response ? Pcb.S_RESPONSE : 0) | type, inf);
}

export class T1Exchange {
	readonly #s: T1State;
	readonly #apdu: Uint8Array | undefined;
	#mode: Mode;
	/** offset of the first APDU byte not yet acknowledged, and of the end of the block in flight */
	#at = 0;
	#end = 0;
	#last: Uint8Array;
	#pending: Uint8Array | undefined;
	/** the S request under way (our IFS at activation, or RESYNCH) */
	#request: SType | undefined;
	#requestInf = 0;
	#tries = 0;
	/** receive buffer: one block at most (3 + 254 + 1 bytes) */
	readonly #rx = new Uint8Array(3 + 255 + 1);
	#rxLen = 0;
	#chunks: Uint8Array[] = [];
	#total = 0;
	#response: Uint8Array | undefined;
	/** BWT multiplier for the next block after a WTX (11.6.2.3), 1 otherwise */
	wtx = 1;
	/** counts, for tests and statistics */
	retransmits = 0;

	/**
	 * With `apdu`: sends it and collects the answer. Without: the reader's S(IFS request) announcing
	 * IFSD_MAX (11.4.2), done once its response comes.
	 */
	constructor(state: T1State, apdu?: Uint8Array, readonly responseMax = RESPONSE_MAX) {
		this.#s = state;
		this.#apdu = apdu;
		if (apdu) {
			if (apdu.length < 4) throw new CardError("command", "a command APDU has at least 4 bytes");
			this.#mode = Mode.Send;
			this.#last = this.#nextI();
		} else {
			this.#mode = Mode.SRequest;
			this.#last = this.#sRequest(SType.Ifs, IFSD_MAX);
		}
		this.#pending = this.#last;
	}

	get done(): boolean {
		return this.#mode === Mode.Done;
	}

	/** True between the first and last byte of a block: the link times with CWT, else BWT. */
	get inBlock(): boolean {
		return this.#rxLen > 0;
	}

	take(): Uint8Array {
		const p = this.#pending;
		if (!p) throw new CardError("protocol", "nothing to send");
		this.#pending = undefined;
		return p;
	}

	/** Zeroes the blocks kept for retransmission: a VERIFY's PIN must not linger in them. */
	wipe(): void {
		this.#last.fill(0);
		this.#pending?.fill(0);
		this.#pending = undefined;
	}

	/** The response APDU (data and SW1 SW2) after Step.Done; empty for the IFS exchange. */
	response(): Uint8Array {
		if (!this.#response) throw new CardError("protocol", "the exchange has not finished");
		return this.#response;
	}

	feed(b: number): Step {
		if (this.#mode === Mode.Done) throw new CardError("protocol", `byte ${hex8(b)} after the exchange ended`);
		const rx = this.#rx;
		if (this.#rxLen < rx.length) rx[this.#rxLen] = b;
		this.#rxLen++;
		// LEN FF is invalid: swallow what follows until the character waiting time ends the block
		if (this.#rxLen < 4 || rx[2] === 0xff || this.#rxLen < 4 + rx[2]!) return Step.More;
		const n = this.#rxLen;
		this.#rxLen = 0;
		return this.#block(rx.subarray(0, n));
	}

	/**
	 * The block waiting time ran out (or a block stopped short, the character waiting time): an
	 * R-block asks again (11.6.3 rule 7.1), or the exchange fails.
	 */
	timeout(): Step {
		this.#rxLen = 0;
		return this.#invalid(RCode.Other, "the card sent no (complete) block in time");
	}

	#nextI(): Uint8Array {
		const apdu = this.#apdu!;
		this.#end = Math.min(apdu.length, this.#at + this.#s.ifsc);
		const more = this.#end < apdu.length;
		return block(0, (this.#s.ns ? Pcb.I_NS : 0) | (more ? Pcb.I_MORE : 0), apdu.subarray(this.#at, this.#end));
	}

	#sRequest(type: SType, inf?: number): Uint8Array {
		this.#request = type;
		this.#requestInf = inf ?? -1;
		return sBlock(type, false, inf === undefined ? undefined : Uint8Array.of(inf));
	}

	#send(b: Uint8Array, fresh: boolean): Step {
		if (fresh) this.#tries = 0;
		this.#last = b;
		this.#pending = b;
		return Step.Send;
	}

	#rBlock(code: RCode): Uint8Array {
		return block(0, Pcb.R | (this.#s.nr ? Pcb.R_NR : 0) | code, undefined);
	}

	#block(b: Uint8Array): Step {
		const len = b[2]!;
		let x = 0;
		for (let i = 0; i < b.length; i++) x ^= b[i]!;
		if (x !== 0) return this.#invalid(RCode.Edc, "a block with a bad LRC");
		if (b[0] !== 0) return this.#invalid(RCode.Other, `a block with NAD ${hex8(b[0]!)}`);
		const pcb = b[1]!;
		const inf = b.subarray(3, 3 + len);
		this.wtx = 1;
		if (!(pcb & 0x80)) return this.#iBlock(pcb, inf);
		if ((pcb & 0xc0) === Pcb.R) return this.#rReceived(pcb, len);
		return this.#sReceived(pcb, inf);
	}

	#iBlock(pcb: number, inf: Uint8Array): Step {
		if (pcb & 0x1f) return this.#invalid(RCode.Other, `I-block PCB ${hex8(pcb)} has reserved bits set`);
		if (inf.length > this.#s.ifsd) return this.#invalid(RCode.Other, `an I-block of ${inf.length} bytes, over IFSD ${this.#s.ifsd}`);
		if (this.#mode === Mode.SRequest) return this.#invalid(RCode.Other, "an I-block while an S response was due");
		if (this.#mode === Mode.Send && this.#end < this.#apdu!.length) return this.#invalid(RCode.Other, "an I-block before our chain was acknowledged");
		if (((pcb & Pcb.I_NS) ? 1 : 0) !== this.#s.nr) return this.#invalid(RCode.Other, "an I-block with the wrong N(S)");
		if (this.#mode === Mode.Send) {
			// the card's first I-block acknowledges our last one
			this.#s.ns ^= 1;
			this.#mode = Mode.Receive;
		}
		this.#s.nr ^= 1;
		this.#total += inf.length;
		if (this.#total > this.responseMax) throw new CardError("protocol", `response longer than ${this.responseMax} bytes`);
		if (inf.length) this.#chunks.push(inf.slice());
		if (pcb & Pcb.I_MORE) return this.#send(this.#rBlock(RCode.Ok), true);
		this.#mode = Mode.Done;
		this.#response = this.#collect();
		return Step.Done;
	}

	#rReceived(pcb: number, len: number): Step {
		if (len !== 0 || (pcb & 0x2c) !== 0) return this.#invalid(RCode.Other, `R-block PCB ${hex8(pcb)} LEN ${len} is malformed`);
		const nr = (pcb & Pcb.R_NR) ? 1 : 0;
		if (this.#mode === Mode.Send && this.#end < this.#apdu!.length && nr !== this.#s.ns) {
			// acknowledged: on with the chain
			this.#s.ns ^= 1;
			this.#at = this.#end;
			return this.#send(this.#nextI(), true);
		}
		if (this.#mode === Mode.Send && nr === this.#s.ns) return this.#retransmit("the card asked for our block again");
		// the card did not understand our last R- or S-block (11.6.3 rule 7.2): send it again
		if (this.#mode !== Mode.Send) return this.#retransmit("the card asked for our last block again");
		return this.#invalid(RCode.Other, "an R-block acknowledging a block we did not chain");
	}

	#sReceived(pcb: number, inf: Uint8Array): Step {
		const type = pcb & 0x1f;
		if (pcb & Pcb.S_RESPONSE) {
			const expected = this.#mode === Mode.SRequest && type === this.#request
				&& (this.#requestInf < 0 ? inf.length === 0 : inf.length === 1 && inf[0] === this.#requestInf);
			if (!expected) return this.#invalid(RCode.Other, `an S response ${hex8(pcb)} nobody asked for`);
			if (type === SType.Ifs) {
				this.#s.ifsd = this.#requestInf;
				this.#mode = Mode.Done;
				this.#response = new Uint8Array(0);
				return Step.Done;
			}
			this.#s.resynch();
			throw new CardError("protocol", "T=1 blocks kept failing; the link resynchronised, and the command may or may not have run: reset the card and retry");
		}
		switch (type) {
			case SType.Wtx:
				if (inf.length !== 1 || inf[0] === 0) return this.#invalid(RCode.Other, "S(WTX) without its one-byte multiplier");
				this.wtx = inf[0]!;
				return this.#send(sBlock(SType.Wtx, true, inf.slice()), false);
			case SType.Ifs:
				if (inf.length !== 1 || inf[0]! < 1 || inf[0]! > 254) return this.#invalid(RCode.Other, "S(IFS) with an IFSC outside 1..254");
				this.#s.ifsc = inf[0]!;
				return this.#send(sBlock(SType.Ifs, true, inf.slice()), false);
			case SType.Abort:
				throw new CardError("protocol", "the card aborted the chain (S(ABORT)): reset it and retry");
			default:
				return this.#invalid(RCode.Other, `S-block PCB ${hex8(pcb)} is not one a card sends`);
		}
	}

	#retransmit(why: string): Step {
		if (++this.#tries >= TRIES) return this.#resynch(why);
		this.retransmits++;
		this.#pending = this.#last;
		return Step.Send;
	}

	/** An invalid block or a time-out: R-block naming the I-block we expect (rule 7.1), or our S request again. */
	#invalid(code: RCode, why: string): Step {
		if (++this.#tries >= TRIES) return this.#resynch(why);
		this.retransmits++;
		this.#pending = this.#mode === Mode.SRequest ? this.#last : this.#rBlock(code);
		if (this.#mode !== Mode.SRequest) this.#last = this.#pending;
		return Step.Send;
	}

	#resynch(why: string): Step {
		if (this.#mode === Mode.SRequest && this.#request === SType.Resynch) throw new CardError("protocol", `T=1: ${why}, and RESYNCH failed ${TRIES} times: reset the card`);
		if (this.#mode === Mode.SRequest && this.#request === SType.Ifs) throw new CardError("protocol", `T=1: ${why} (S(IFS) not answered): reset the card`);
		this.#mode = Mode.SRequest;
		this.#tries = 0;
		return this.#send(this.#sRequest(SType.Resynch), false);
	}

	#collect(): Uint8Array {
		const out = new Uint8Array(this.#total);
		let at = 0;
		for (const c of this.#chunks) { out.set(c, at); at += c.length; }
		this.#chunks = [];
		return out;
	}
}
