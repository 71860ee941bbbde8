// The hardware-in-the-loop runner itself, on the target CI has: every scenario on xsdm passes, and
// a scenario whose server record disagrees is reported as a failure (the runner can fail).
import { SCENARIOS } from "../hil/scenarios.js";
import { runScenarios } from "../hil/run.js";
import { assert, describe, it } from "../harness/index.js";

describe("tests/hil runner, target sim", () => {
	it("runs every scenario against dm-server and passes them", async () => {
		const outcomes = await runScenarios("sim");
		assert.ok(typeof outcomes !== "string", String(outcomes));
		assert.equal((outcomes as { ok: boolean }[]).length, SCENARIOS.length);
		for (const o of outcomes as { ok: boolean; scenario: string; detail: string }[]) assert.ok(o.ok, `${o.scenario}: ${o.detail}`);
	});

	it("reports a scenario as failed when the server's record disagrees", async () => {
		const original = SCENARIOS[0]!.check;
		SCENARIOS[0]!.check = (server, output) => { original(server, output); throw new Error("the record was judged wrong on purpose"); };
		try {
			const outcomes = await runScenarios("sim", SCENARIOS[0]!.name);
			assert.ok(typeof outcomes !== "string");
			assert.equal((outcomes as { ok: boolean }[])[0]!.ok, false);
		} finally {
			SCENARIOS[0]!.check = original;
		}
	});

	it("says why a target it cannot reach is skipped", async () => {
		const why = await runScenarios("serial:/dev/null");
		assert.equal(typeof why, "string");
	});
});
