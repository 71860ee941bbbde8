// The power-cut injector: under --powercut N the N-th flash operation lands in part, the process
// ends with status 86, and the file shows exactly the N-1 operations before it plus a prefix of the N-th.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, assert, describe, it } from "../harness/index.js";
import { BLOCK, SIZE, flashOps, imageAfter } from "../xs/host/flash-ops.js";
import { compiled, runXsdm } from "./xsdm.js";

const dir = mkdtempSync(join(tmpdir(), "xsdm-flash-"));
const SEED = 7, COUNT = 60;
const ops = flashOps(SEED, COUNT);

function flashArgs(file: string, cut?: number): string[] {
	return ["--flash", file, "--flash-size", String(SIZE), "--flash-block", String(BLOCK), ...(cut ? ["--powercut", String(cut)] : [])];
}

describe("flash power-cut injector (xsdm --powercut N)", () => {
	after(() => rmSync(dir, { recursive: true, force: true }));

	it("runs the whole workload without a cut and counts every program and erase", async () => {
		const file = join(dir, "uncut.bin");
		const r = await runXsdm(compiled("tests/xs/host/flash-workload.ts"), [String(SEED), String(COUNT)], { options: flashArgs(file) });
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stdout.trim(), `operations ${COUNT}`);
		assert.bytes(new Uint8Array(readFileSync(file)), imageAfter(ops, COUNT));
	});

	it("at every cut point N, leaves ops before N whole, a prefix of op N, nothing after, and exits 86", async () => {
		let checked = 0, torn = 0;
		for (let n = 1; n <= COUNT; n++) {
			const file = join(dir, `cut-${n}.bin`);
			const r = await runXsdm(compiled("tests/xs/host/flash-workload.ts"), [String(SEED), String(COUNT)], { options: flashArgs(file, n) });
			assert.equal(r.code, 86, `cut ${n}: ${r.stderr}`);
			assert.ok(new RegExp(`power cut at flash operation ${n} `).test(r.stderr), r.stderr);
			const got = new Uint8Array(readFileSync(file));
			const before = imageAfter(ops, n - 1), whole = imageAfter(ops, n);
			// the bytes of op N that changed form a prefix: once a byte is still "before", all later ones are
			const op = ops[n - 1]!;
			const start = op.kind === "erase" ? op.block * BLOCK : op.offset;
			const length = op.kind === "erase" ? BLOCK : op.bytes.length;
			let prefix = 0;
			while (prefix < length && got[start + prefix] === whole[start + prefix]) prefix++;
			for (let i = 0; i < SIZE; i++) {
				const inOp = i >= start && i < start + length;
				const want = !inOp ? before[i] : (i - start < prefix ? whole[i] : before[i]);
				assert.equal(got[i], want, `cut ${n}: byte ${i}`);
			}
			if (prefix < length && before.subarray(start, start + length).some((b, i) => b !== whole[start + i])) torn++;
			checked++;
		}
		assert.equal(checked, COUNT);
		assert.ok(torn > 0, "some cuts must land in the middle of an operation");
	});

	it("without --flash, a script that opens the flash gets a clear error", async () => {
		const r = await runXsdm(compiled("tests/xs/host/flash-workload.ts"), [String(SEED), "1"]);
		assert.equal(r.code, 1);
		assert.ok(/start xsdm with --flash FILE/.test(r.stderr), r.stderr);
	});
});
