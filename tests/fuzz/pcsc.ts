// Fuzz of modules/pcsc-uart's parsers: random and mutated ATRs (parseAtr, scanAtr; a UICC's and
// one offering T=1), mutated EF.DIR / ODF / DODF images (the DER reader under pkcs15Path,
// dodfPaths, findBootstrap), and T=1 block streams from a card (T1Exchange: mutated valid blocks,
// random bytes, time-outs). Every input either parses or fails with CardError of the parser's
// fault kind; anything else throws.
// (the files themselves, not index.js: tools/fuzz.ts type-checks this with Node's timer types)
import { parseAtr } from "../../modules/pcsc-uart/atr.js";
import { CardError } from "../../modules/pcsc-uart/error.js";
import { Step } from "../../modules/pcsc-uart/t0.js";
import { T1Exchange, T1State } from "../../modules/pcsc-uart/t1.js";
import { dodfPaths, findBootstrap, pkcs15Path } from "../../modules/pcsc-uart/pkcs15.js";
import { prng } from "./json.js";

export interface FuzzStats { runs: number; parsed: number; refused: number }

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!, (x) => parseInt(x, 16));
const ascii = (s: string): string => Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");

const UICC_ATR = hex("3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 65 44 4D 32 30 83 00 90 CA");
const T1_ATR = hex("3B 9F 96 80 B1 FE 45 1F C7 80 31 E0 73 FE 21 5B 65 44 4D 32 30 83 00 90 80");
const IMAGES = [
	hex("61 1C 4F 0C A000000063504B43532D3135 50 06" + ascii("OMA DM") + "51 04 3F005015 FFFF"),
	hex("A8 06 30 04 04 02 4401 A7 06 30 04 04 02 5207 FFFFFFFF"),
	hex("30 1C 30 07 0C 05" + ascii("Other") + "30 07 06 05 2B06010401 A1 08 30 06 04 04 3F005209"
		+ "30 24 30 12 0C 0C" + ascii("DM Bootstrap") + "03 02 07 80 30 06 06 04 672B0701 A1 06 30 04 04 02 5208"),
];

function refusedAs(e: unknown, fault: string): void {
	if (!(e instanceof CardError) || e.fault !== fault) throw e;
}

export function fuzzAtr(runs: number, seed: number): FuzzStats {
	const r = prng(seed);
	const byte = (): number => Math.floor(r() * 256);
	const stats: FuzzStats = { runs, parsed: 0, refused: 0 };
	for (let i = 0; i < runs; i++) {
		let b: Uint8Array;
		if (i & 1) {
			const base = i & 2 ? T1_ATR : UICC_ATR;
			b = base.slice(0, 1 + Math.floor(r() * base.length));
			for (let m = Math.floor(r() * 4); m >= 0; m--) b[Math.floor(r() * b.length)] = byte();
		} else {
			b = new Uint8Array(Math.floor(r() * 36));
			for (let j = 0; j < b.length; j++) b[j] = byte();
			if (b.length) b[0] = r() < 0.5 ? 0x3b : 0x3f;
		}
		try {
			if (parseAtr(b).bytes.length !== b.length) throw new Error("parsed length differs from the input");
			stats.parsed++;
		} catch (e) {
			refusedAs(e, "atr");
			stats.refused++;
		}
	}
	return stats;
}

export function fuzzPkcs15(runs: number, seed: number): FuzzStats {
	const r = prng(seed);
	const stats: FuzzStats = { runs, parsed: 0, refused: 0 };
	for (let i = 0; i < runs; i++) {
		const base = IMAGES[i % 3]!;
		const b = base.slice(0, base.length - Math.floor(r() * 4));
		for (let m = Math.floor(r() * 3); m >= 0; m--) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
		try {
			if (i % 3 === 0) pkcs15Path(b);
			else if (i % 3 === 1) dodfPaths(b);
			else findBootstrap(b);
			stats.parsed++;
		} catch (e) {
			refusedAs(e, "format");
			stats.refused++;
		}
	}
	return stats;
}

/**
 * T=1 from the card's side: each run answers one READ BINARY with up to 12 blocks, each a valid
 * block (I, R or S, chained or not, N(S) right or wrong) with a mutation or two, or random bytes,
 * or silence (a time-out). The exchange must end Done with at most its bound held, or fail with
 * CardError("protocol"); it never throws anything else, and never asks to send twice unread.
 */
export function fuzzT1(runs: number, seed: number): FuzzStats {
	const r = prng(seed);
	const byte = (): number => Math.floor(r() * 256);
	const stats: FuzzStats = { runs, parsed: 0, refused: 0 };
	const PCBS = [0x00, 0x40, 0x20, 0x60, 0x80, 0x90, 0x81, 0x82, 0xc1, 0xc3, 0xe0, 0xe1, 0xc2, 0xc0];
	for (let i = 0; i < runs; i++) {
		const state = new T1State(1 + Math.floor(r() * 254));
		state.ifsd = r() < 0.5 ? 254 : 32;
		const ex = new T1Exchange(state, hex("00B0000004"), 600);
		try {
			ex.take();
			let done = false;
			for (let n = 0; n < 12 && !done; n++) {
				let step: Step = Step.More;
				const pick = r();
				if (pick < 0.1) {
					step = ex.timeout();
					if (step === Step.Send) ex.take();
				}
				else {
					let b: Uint8Array;
					if (pick < 0.25) {
						b = new Uint8Array(Math.floor(r() * 300));
						for (let j = 0; j < b.length; j++) b[j] = byte();
					} else {
						const len = r() < 0.1 ? Math.floor(r() * 256) : Math.floor(r() * 40);
						b = new Uint8Array(4 + len);
						b[1] = PCBS[Math.floor(r() * PCBS.length)]!;
						b[2] = len;
						for (let j = 0; j < len; j++) b[3 + j] = byte();
						let x = 0;
						for (let j = 0; j < 3 + len; j++) x ^= b[j]!;
						b[3 + len] = x;
						for (let m = Math.floor(r() * 3) - 1; m >= 0; m--) b[Math.floor(r() * b.length)] = byte();
					}
					for (let j = 0; j < b.length && step !== Step.Done; j++) {
						step = ex.feed(b[j]!);
						if (step === Step.Send) ex.take();
					}
				}
				if (step === Step.Done) done = true;
			}
			if (done) {
				if (ex.response().length > 600) throw new Error("the response outgrew its bound");
				stats.parsed++;
			} else stats.refused++; // still waiting: the link's timers end it
		} catch (e) {
			refusedAs(e, "protocol");
			stats.refused++;
		}
	}
	return stats;
}
