// The store on xsdm's file flash with the real power-cut injector: for every cut point N of a
// 200-transaction workload (several compactions), the remounted store holds exactly the state
// before or after the transaction the cut interrupted. STORE_SWEEP_STRIDE=k checks every k-th point.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, assert, describe, it } from "../harness/index.js";
import { expected, sameState, workload } from "../xs/host/store-workload.js";
import { compiled, runXsdm } from "./xsdm.js";

const COUNT = 200;
const steps = workload(COUNT);
const dir = mkdtempSync(join(tmpdir(), "xsdm-store-"));
const geometry = (file: string, cut?: number): string[] => ["--flash", file, "--flash-size", String(20 * 2048), "--flash-block", "2048", ...(cut ? ["--powercut", String(cut)] : [])];
const script = compiled("tests/xs/host/store-powercut.ts");

describe("store power-cut sweep on xsdm (file flash, --powercut)", () => {
	after(() => rmSync(dir, { recursive: true, force: true }));

	it(`holds the state before or after the interrupted transaction at every cut point of ${COUNT} transactions`, async () => {
		const reference = await runXsdm(script, ["run", String(COUNT)], { options: geometry(join(dir, "reference.bin")), timeoutMs: 120000 });
		assert.equal(reference.code, 0, reference.stderr);
		const total = Number(/operations (\d+)/.exec(reference.stdout)?.[1]);
		assert.ok(total > 1000, `${total} program/erase operations`);
		const stride = Number(process.env["STORE_SWEEP_STRIDE"] ?? 1);
		let checked = 0;
		for (let cut = 1; cut <= total; cut += stride) {
			const file = join(dir, `cut.bin`);
			rmSync(file, { force: true });
			const r = await runXsdm(script, ["run", String(COUNT)], { options: geometry(file, cut), timeoutMs: 120000 });
			assert.equal(r.code, 86, `cut ${cut}: ${r.stderr}`);
			const committed = (r.stdout.match(/committed \d+/g) ?? []).length;
			const c = await runXsdm(script, ["check"], { options: geometry(file), timeoutMs: 120000 });
			assert.equal(c.code, 0, `check after cut ${cut}: ${c.stderr}`);
			const state = new Map<string, string>(JSON.parse(c.stdout).state);
			assert.ok(sameState(state, expected(steps, committed)) || sameState(state, expected(steps, committed + 1)),
				`cut ${cut} during transaction ${committed + 1}: the mounted state is neither before nor after it`);
			checked++;
		}
		console.log(`      ${checked} cut points checked on xsdm (of ${total} operations)`);
		assert.equal(checked, Math.ceil(total / stride));
	}, 30 * 60000);
});
