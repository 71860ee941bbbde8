// npm run fleet, small: 5 devices on xsdm32 (each its own flash, PSK identity and DevID, bootstrapped
// from its factory file) run 2 client-initiated sessions and 1 notified session each against one
// dm-server; the tool reports every session ended with END, their times and each device's heap.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

describe("npm run fleet (tools/fleet)", () => {
	it("runs 5 devices × (2 client-initiated + 1 notified) sessions with no failure and prints the figures", () => {
		const r = spawnSync(process.execPath, [join(root, "build/js/tools/fleet.js"), "--devices", "5", "--sessions", "2", "--parallel", "2", "--no-figures", "--minutes", "3"], { encoding: "utf8", timeout: 240000 });
		assert.equal(r.status, 0, r.stdout + r.stderr);
		assert.match(r.stdout, /5 devices × 3 sessions on xsdm32 in [\d.]+ s: 15 sessions ended with END/);
		const figure = (name: string): number => Number(new RegExp(`^fleet_5_${name}\\s+([\\d.]+)$`, "m").exec(r.stdout)?.[1] ?? Number.NaN);
		assert.equal(figure("failures"), 0);
		assert.ok(figure("sessions_per_s") > 0);
		assert.ok(figure("session_ms_p50") > 0 && figure("session_ms_p95") >= figure("session_ms_p50"));
		const min = figure("device_peak_heap_32bit_bytes_min"), max = figure("device_peak_heap_32bit_bytes_max");
		assert.ok(min > 0 && max >= min, `heap ${min}..${max}`);
		assert.ok(figure("server_rss_peak_bytes") > 0);
		assert.ok(!/merged into/.test(r.stdout), "--no-figures leaves bench/out alone");
	}, 300000);
});
