// A short run of the JSON fuzz on every test run; `node build/js/tests/fuzz/run-json.js N` runs more.
import { assert, describe, engine, it } from "../../harness/index.js";
import { fuzzJson } from "../../fuzz/json.js";

describe("JSON reader fuzz", () => {
	const iterations = engine === "xs" ? 400 : 4000;
	it(`survives ${iterations} generated and mutated documents (seeds 1 and 2)`, () => {
		for (const seed of [1, 2]) {
			const stats = fuzzJson(iterations / 2, seed);
			assert.equal(stats.valid + stats.mutated, iterations / 2);
			assert.ok(stats.rejected > 0, "some mutations must be refused");
		}
	});
});
