// Fuzz of modules/pcsc-uart's parsers: random and mutated ATRs (parseAtr, scanAtr) and mutated
// EF.DIR / ODF / DODF images (the DER reader under pkcs15Path, dodfPaths, findBootstrap). Every
// input either parses or fails with CardError of the parser's fault kind; anything else throws.
// (the files themselves, not index.js: tools/fuzz.ts type-checks this with Node's timer types)
import { parseAtr } from "../../modules/pcsc-uart/atr.js";
import { CardError } from "../../modules/pcsc-uart/error.js";
import { dodfPaths, findBootstrap, pkcs15Path } from "../../modules/pcsc-uart/pkcs15.js";
import { prng } from "./json.js";

export interface FuzzStats { runs: number; parsed: number; refused: number }

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!, (x) => parseInt(x, 16));
const ascii = (s: string): string => Array.from(s, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");

const UICC_ATR = hex("3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 65 44 4D 32 30 83 00 90 CA");
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
			b = UICC_ATR.slice(0, 1 + Math.floor(r() * UICC_ATR.length));
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
