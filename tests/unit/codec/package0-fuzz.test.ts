// A short run of the Package#0 fuzz on every test run; `npm run fuzz` runs the long one.
import { decodePackage0, encodePackage0 } from "../../../modules/dm/codec/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { fuzzPackage0 } from "../../fuzz/package0.js";
import { PACKAGE0_SEEDS } from "../../fuzz/seeds/package0/seeds.js";

describe("Package#0 fuzz", () => {
	it("decodes each seed of the corpus and re-encodes it to the same bytes", () => {
		for (const s of PACKAGE0_SEEDS) assert.bytes(encodePackage0(decodePackage0(assert.fromHex(s.hex))), s.hex);
	});

	const iterations = engine === "xs" ? 500 : 5000;
	it(`survives ${iterations} generated and mutated packages (seeds 1 and 2)`, () => {
		for (const seed of [1, 2]) {
			const stats = fuzzPackage0(iterations / 2, seed);
			assert.equal(stats.mutated, iterations / 2);
			assert.ok(stats.generated > 0 && stats.signed > 0, JSON.stringify(stats));
			assert.ok(stats.accepted > 0 && stats.refused > 0, `mutations must be both accepted and refused: ${JSON.stringify(stats)}`);
		}
	});
});
