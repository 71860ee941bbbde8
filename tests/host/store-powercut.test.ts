// The store on xsdm's file flash with the real power-cut injector: for every cut point N of a
// 200-transaction workload (several compactions and index checkpoints), the remounted store holds exactly the state
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
		const checkpoints = Number(/checkpoints (\d+)/.exec(reference.stdout)?.[1]);
		assert.ok(checkpoints >= 5, `${checkpoints} index checkpoints written: the cuts must land in them too`);
		let fromCheckpoint = 0;
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
			const out = JSON.parse(c.stdout) as { state: [string, string][]; replayed: [string, string][]; fromCheckpoint: boolean };
			const state = new Map<string, string>(out.state);
			if (out.fromCheckpoint) fromCheckpoint++;
			assert.ok(sameState(state, new Map(out.replayed)), `cut ${cut}: the checkpoint's mount and a whole replay differ`);
			assert.ok(sameState(state, expected(steps, committed)) || sameState(state, expected(steps, committed + 1)),
				`cut ${cut} during transaction ${committed + 1}: the mounted state is neither before nor after it`);
			checked++;
		}
		console.log(`      ${checked} cut points checked on xsdm (of ${total} operations)`);
		assert.equal(checked, Math.ceil(total / stride));
		console.log(`      ${fromCheckpoint} of them mounted from an index checkpoint`);
		assert.ok(fromCheckpoint > checked / 4, `${fromCheckpoint} of ${checked} mounts started from a checkpoint`);
	}, 30 * 60000);
});
