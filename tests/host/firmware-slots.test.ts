// The sim host's firmware slots and boot loader (hosts/sim/firmware) on xsdm, in its flash file:
//
//   boot 1: factory image 1.0 in ota_0, settled
//     write 1.1 into ota_1, arm(trials) ──restart (exit 87)──> boot 2: ota_1 on trial
//       confirm() ──> settled on 1.1                          (the update stays)
//       no confirm, trials boots later ──> ota_0, rolled-back (the old image runs again)
//
// and the power-cut sweeps of firmware-sweep.ts: a cut at every flash operation of arm, of a
// trial's boot count, of the rollback and of confirm, each followed by a boot that must start the
// old or the new image with a boot() that says which.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, assert, describe, it } from "../harness/index.js";
import { SIM_RESTART_STATUS, SWEEPS, describe as seen, flashOptions, mustBoot, steps, sweep } from "./firmware-sweep.js";
import { encodeSimImage, simPayload } from "../../hosts/sim/firmware/index.js";
import { compiled, runXsdm, runXsdmRebooting, spawnXsdmRebooting, xsdm64 } from "./xsdm.js";

const dir = mkdtempSync(join(tmpdir(), "xsdm-fw-"));
let files = 0;
const fresh = (): string => join(dir, `flash-${++files}.bin`);

describe("sim host firmware slots (xsdm --firmware-slot)", () => {
	after(() => rmSync(dir, { recursive: true, force: true }));

	it("boots a new flash from the factory image in ota_0, settled, and reads its header as the running firmware", async () => {
		const file = fresh();
		const first = await mustBoot(file);
		assert.deepEqual(first.boot, { slot: 0, boot: { kind: "settled" }, running: { model: "xsdm-sim", version: "1.0" } });
		assert.equal(seen((await mustBoot(file)).boot!), "0 settled 1.0");
	});

	it("arm -> restart (exit 87) -> trial on the new slot -> confirm: the new image stays, and the next update goes to the other slot", async () => {
		const file = fresh();
		await mustBoot(file);
		const armed = await steps(file, ["write", "1.1", "9000", "arm", "2", "restart"]);
		assert.equal(armed.run.code, SIM_RESTART_STATUS, armed.run.stderr);
		assert.deepEqual(armed.lines, ["armed"]);
		assert.equal(seen(armed.boot!), "0 settled 1.0", "arm changes nothing for the running image");
		const trial = await mustBoot(file, ["confirm"]);
		assert.equal(seen(trial.boot!), "1 trial:1 1.1");
		assert.deepEqual(trial.lines, ["confirmed {\"kind\":\"settled\"}"]);
		for (let n = 0; n < 3; n++) assert.equal(seen((await mustBoot(file)).boot!), "1 settled 1.1");
		await mustBoot(file, ["write", "1.2", "100", "arm", "1"]);
		assert.equal(seen((await mustBoot(file, ["confirm"])).boot!), "0 trial:0 1.2");
		assert.equal(seen((await mustBoot(file)).boot!), "0 settled 1.2");
	});

	it("a trial never confirmed runs its trials boots, then the boot loader returns to the old slot and boot() says rolled-back until the next arm", async () => {
		const file = fresh();
		await mustBoot(file);
		await mustBoot(file, ["write", "1.1", "5000", "arm", "3"]);
		assert.equal(seen((await mustBoot(file)).boot!), "1 trial:2 1.1");
		assert.equal(seen((await mustBoot(file)).boot!), "1 trial:1 1.1");
		assert.equal(seen((await mustBoot(file)).boot!), "1 trial:0 1.1");
		assert.equal(seen((await mustBoot(file)).boot!), "0 rolled-back 1.0");
		const again = await mustBoot(file, ["confirm"]);
		assert.equal(seen(again.boot!), "0 rolled-back 1.0", "still rolled-back on the boot after");
		assert.deepEqual(again.lines, ["confirmed {\"kind\":\"rolled-back\"}"], "confirm() is harmless when nothing is on trial");
		await mustBoot(file, ["write", "1.1", "5000", "arm", "1"]);
		assert.equal(seen((await mustBoot(file)).boot!), "1 trial:0 1.1");
	});

	it("arm() refuses a slot that does not hold a whole image of that length, bad trials, and a second arm during a trial; nothing changes", async () => {
		const file = fresh();
		await mustBoot(file);
		const refused = await mustBoot(file, ["write", "1.1", "5000", "arm-length", "5000", "1", "arm-length", "999999", "1", "arm", "0", "arm", "256", "tear", "arm", "1"]);
		assert.equal(refused.lines.length, 5, refused.lines.join("\n"));
		assert.match(refused.lines[0]!, /^error download the image again: ota_1 does not hold a whole sim firmware file of 5000 bytes/);
		assert.match(refused.lines[1]!, /^error download the image again/);
		assert.match(refused.lines[2]!, /^error give trials from 1 to 255, not 0/);
		assert.match(refused.lines[3]!, /^error give trials from 1 to 255, not 256/);
		assert.match(refused.lines[4]!, /^error download the image again/, "a payload that no longer matches its header's SHA-256");
		assert.equal(seen((await mustBoot(file)).boot!), "0 settled 1.0");
		await mustBoot(file, ["write", "1.1", "5000", "arm", "2"]);
		const second = await mustBoot(file, ["arm-length", "100", "1"]);
		assert.equal(seen(second.boot!), "1 trial:1 1.1");
		assert.match(second.lines[0]!, /^error confirm the running trial image before arming another/);
		assert.equal(seen((await mustBoot(file)).boot!), "1 trial:0 1.1");
	});

	it("refuses to open the other slot while a trial runs: it holds the fallback", async () => {
		const file = fresh();
		await mustBoot(file);
		await mustBoot(file, ["write", "1.1", "100", "arm", "2"]);
		const trial = await mustBoot(file, ["write", "1.2", "100"]);
		assert.match(trial.lines[0]!, /^error confirm the running trial image first: the other slot holds its fallback/);
		assert.equal(seen((await mustBoot(file, ["confirm"])).boot!), "1 trial:0 1.1");
		assert.equal(seen((await mustBoot(file)).boot!), "1 settled 1.1", "the fallback was not touched, and the confirm held");
	});

	it("runXsdmRebooting (the e2e helpers' driver) starts xsdm again on exit 87, as a board reboots, within its bound", async () => {
		const file = fresh();
		const r = await runXsdmRebooting(compiled("tests/xs/host/firmware-steps.ts"), ["only-if-settled", "write", "1.1", "100", "arm", "1", "restart"], { options: flashOptions(file) });
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.boots, 2);
		assert.match(r.stdout, /"slot":1,"boot":\{"kind":"trial","bootsLeft":0\},"running":\{"model":"xsdm-sim","version":"1.1"\}/);
		const looping = await runXsdmRebooting(compiled("tests/xs/host/firmware-steps.ts"), ["restart"], { options: flashOptions(fresh()), maxBoots: 3 });
		assert.equal(looping.code, SIM_RESTART_STATUS, "a device that keeps restarting stops at the bound with 87");
		assert.equal(looping.boots, 3);
	});

	it("spawnXsdmRebooting (for serving devices, npm start) starts xsdm again on exit 87 and hands each start's pipes to the caller", async () => {
		const file = fresh();
		const outputs: string[] = [];
		const p = spawnXsdmRebooting(xsdm64, [...flashOptions(file), compiled("tests/xs/host/firmware-steps.ts"), "only-if-settled", "write", "1.1", "100", "arm", "1", "restart"], {
			onStart: (child, boot) => { outputs[boot - 1] = ""; child.stdout!.setEncoding("utf8").on("data", (d: string) => { outputs[boot - 1] += d; }); },
		});
		const end = await p.exited;
		assert.deepEqual([end.code, end.boots], [0, 2]);
		assert.match(outputs[0]!, /"slot":0,"boot":\{"kind":"settled"\}/);
		assert.match(outputs[1]!, /"slot":1,"boot":\{"kind":"trial","bootsLeft":0\}/);
	});

	it("dm-device on xsdm --firmware-slot boots its factory image (built in, or --firmware-factory) and says which it runs", async () => {
		const main = compiled("hosts/sim/dm-device/main.ts");
		const builtIn = await runXsdm(main, ["--log", "text"], { options: flashOptions(fresh()) });
		assert.match(builtIn.stdout, /^firmware: xsdm-sim 1\.0 \(ota_0, settled\)$/m);
		assert.equal(builtIn.code, 2, "and then has nothing to do");
		const image = Buffer.from(encodeSimImage("acme-board", "2.0", simPayload("2.0", 3000))).toString("base64");
		const given = await runXsdm(main, ["--log", "text", "--firmware-factory", image], { options: flashOptions(fresh()) });
		assert.match(given.stdout, /^firmware: acme-board 2\.0 \(ota_0, settled\)$/m);
		const noSlots = await runXsdm(main, ["--firmware-factory", image], { options: ["--flash", fresh(), "--flash-size", "262144", "--flash-block", "4096"] });
		assert.equal(noSlots.code, 2);
		assert.match(noSlots.stderr, /--firmware-factory needs firmware slots: start xsdm with --firmware-slot BYTES/);
	});

	for (const s of SWEEPS) {
		it(`a power cut at every flash operation of ${s.name} leaves a device that boots ${s.allowed.join(" or ")}`, async () => {
			const r = await sweep(s.setup, s.cut, s.allowed);
			assert.deepEqual(r.failures, []);
			assert.ok(r.points >= (s.cut.length ? 4 : 2), `only ${r.points} cut points`);
			// a cut before the run's first operation lands gives the old state; the run whole, the new
			assert.equal(r.outcomes[0], s.allowed[0]);
			assert.equal(r.completed, s.allowed[s.allowed.length - 1]);
		}, 120000);
	}
});
