// Package#0 fuzz corpus: hand-assembled packages the mutations start from besides generated ones.
// The spec (7.1.1, Appendix I) gives no Package#0 bytes, so these follow its field layout with
// values of our choosing. An input that once broke the decoder is appended here with the date.
export interface Package0Seed { name: string; hex: string }

export const PACKAGE0_SEEDS: readonly Package0Seed[] = Object.freeze([
	// I.1's session follows a notification without REQ-MOS: VER 2, OC 3 (0010 00011 0000000)
	{ name: "I.1 notification", hex: "2180" + "1004" + "646d7331" + "2002" + "0001" + "2004" + "56b92c00" },
	// I.2's follows one with REQ-MOS: OC 4, the same options, then REQ-MOS (delta 1, length 0)
	{ name: "I.2 notification", hex: "2200" + "1004" + "646d7331" + "2002" + "0001" + "2004" + "56b92c00" + "1000" },
	// all six options, each delta 1; the digest here is zero (the tests sign it)
	{ name: "every option", hex: "2300" + "1004" + "646d7331" + "1003" + "020100" + "1002" + "0102" + "1020" + "00".repeat(32) + "1008" + "0000000056b92c00" + "1000" },
	{ name: "no options", hex: "2000" },
	// reserved bits 1010101, SERVER-ID "s", then option 9 (delta 8), which a later version may define
	{ name: "reserved bits and an option of a later version", hex: "2155" + "1001" + "73" + "8002" + "abcd" },
	// TIMESTAMP alone (delta 5), 8 bytes: 2^40 + 5
	{ name: "8-byte timestamp", hex: "2080" + "5008" + "0000010000000005" },
]);
