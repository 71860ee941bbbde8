// Each command is atomic on flash: power is cut at every flash program and erase a command makes
// (the RAM flash's injector, the same semantics as xsdm's --powercut), the store is mounted again,
// and the tree must be exactly as before the command or exactly as after it.
import { runCommand } from "../../../modules/dm/commands/index.js";
import type { CommandItem } from "../../../modules/dm/codec/index.js";
import { Store } from "../../../modules/dm/store/index.js";
import { PowerCut } from "../../fixtures/nor-flash.js";
import { TEST_MOID, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { setup } from "./setup.js";

const BODY = JSON.stringify([{ ClientURI: "x", MOData: { inst: { Val: "v".repeat(700), Num: 9, Items: { a: { ID: "a" }, b: { ID: "b", When: "2024-02-03" } } } } }]);

const COMMANDS: [string, CommandItem][] = [
	["HGET", { index: 0, command: { name: "HGET", serverUri: "https://r.example.com/x", clientUri: `${TEST_MOID}/inst/` } }],
	["DELETE", { index: 0, command: { name: "DELETE", clientUri: `${TEST_MOID}/inst/Items` } }],
	["SUB", { index: 0, command: { name: "SUB", serverUri: "https://r.example.com/s", clientUri: `${TEST_MOID}/inst/Val` } }],
	["DEFAULT", { index: 0, command: { name: "DEFAULT", serverUri: "https://r.example.com/d", moid: TEST_MOID } }],
];

describe("commands under power cuts", () => {
	for (const [name, item] of COMMANDS) {
		it(`${name}: after a cut at any flash operation the tree is as before or as after`, async () => {
			const reply = () => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: BODY });
			// the whole command once, to know the state after and how many operations it takes
			const whole = setup(reply);
			const before = snapshot(whole.store);
			const start = whole.flash.operations;
			assert.equal((await runCommand(whole.ctx, item)).status, 200);
			const after = snapshot(whole.store);
			const count = whole.flash.operations - start;
			assert.ok(count > 0 && after !== before);
			let sawBefore = 0, sawAfter = 0;
			for (let cut = 1; cut <= count; cut++) {
				const f = setup(reply);
				f.flash.cutAt = f.flash.operations + cut;
				let faults = 0;
				await runCommand(f.ctx, item, (e) => { if (e instanceof PowerCut) faults++; else throw e; });
				f.flash.cutAt = 0;
				const state = snapshot(Store.mount(f.flash));
				assert.ok(state === before || state === after, `${name}, cut at operation ${cut} of ${count}: a state between`);
				if (state === before) sawBefore++; else sawAfter++;
				assert.ok(faults <= 1);
			}
			assert.ok(sawBefore > 0, "some cuts land before the commit");
			assert.ok(sawBefore + sawAfter === count);
		}, 60000);
	}
});
