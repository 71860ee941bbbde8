// A short run of the package fuzz (Package#1/#2/#3, dmmo+json, multipart) on every test run;
// `npm run fuzz` runs the long one.
import { assert, describe, engine, it } from "../../harness/index.js";
import { DECODERS, checkSeeds, fuzzPackages } from "../../fuzz/packages.js";
import { PACKAGE_SEEDS } from "../../fuzz/seeds/packages/seeds.js";

describe("package decoders fuzz", () => {
	it("decodes every seed as recorded (spec examples accepted, their printed forms refused with 400)", () => {
		assert.equal(checkSeeds(), PACKAGE_SEEDS.length);
	});

	const iterations = engine === "xs" ? 150 : 1500;
	for (const decoder of DECODERS) {
		it(`${decoder}: survives ${iterations} generated and mutated documents (seeds 1 and 2)`, () => {
			for (const seed of [1, 2]) {
				const stats = fuzzPackages(decoder, iterations / 2, seed);
				assert.equal(stats.mutated, iterations / 2);
				assert.ok(stats.generated > 0, JSON.stringify(stats));
				assert.ok(stats.accepted > 0 && stats.refused > 0, `mutations must be both accepted and refused: ${JSON.stringify(stats)}`);
			}
		});
	}
});
