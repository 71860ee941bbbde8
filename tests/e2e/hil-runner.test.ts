// The hardware-in-the-loop runner itself, on the target CI has: every scenario on xsdm passes (the
// card scenario with the UICC simulator on a pty), a scenario whose server record disagrees or
// whose card lacks the account is reported as a failure (the runner can fail), and a target
// without a card line skips the card scenario with its reason.
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

	it("fails the card scenario when the card carries no account for the session", async () => {
		const scenario = SCENARIOS.find((s) => s.card)!;
		const original = scenario.card!;
		// the same card, its account under another SrvID: the device has nothing to open cardsrv with
		scenario.card = { ...original, document: (port) => original.document(port).replaceAll("cardsrv", "othersrv") };
		try {
			const outcomes = await runScenarios("sim", scenario.name);
			assert.ok(typeof outcomes !== "string");
			const o = (outcomes as { ok: boolean; detail: string }[])[0]!;
			assert.equal(o.ok, false);
			assert.match(o.detail, /device exit 1/);
		} finally {
			scenario.card = original;
		}
	});

	it("skips the card scenario, saying why, on a target whose device has no card line", async () => {
		const scenario = SCENARIOS.find((s) => s.card)!;
		const outcomes = await runScenarios(`serial:${process.execPath}`, scenario.name, { server: "127.0.0.1:1" });
		assert.ok(typeof outcomes !== "string", String(outcomes));
		const o = (outcomes as { ok: boolean; skipped?: string }[])[0]!;
		assert.equal(o.ok, false);
		assert.match(o.skipped ?? "", /card line/);
	});

	it("says why a target it cannot reach is skipped", async () => {
		const why = await runScenarios("serial:/dev/null");
		assert.equal(typeof why, "string");
	});
});
