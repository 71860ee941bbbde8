// xsdm bench/xs/store.js: the journal on a RAM NOR flash (64 blocks of 4 KiB): write amplification
// over 10,000 small updates, erase-count spread, and mount time against a raw read of the flash
// (from the index checkpoint and the journal after it, and by the reference path: a whole replay).
import { monotonic } from "embedded:sim/host";
import { Store } from "../../modules/dm/store/index.js";
import { RamNorFlash } from "../../tests/fixtures/nor-flash.js";

const figures: Record<string, number> = {};
const flash = new RamNorFlash(64 * 4096, 4096);
const store = Store.mount(flash);
let logical = 0;
for (let i = 0; i < 10000; i++) {
	const key = `./DMAcc/acc${i % 5}/Node${i % 40}`;
	const value = new Uint8Array(24).fill(i & 0xff);
	const t = store.begin();
	t.put(key, value);
	t.commit();
	logical += key.length + value.length;
}
figures["store_write_amplification_10k_updates"] = store.programmed / logical;
const used = flash.erases.filter((c) => c > 0);
figures["store_erase_spread_max_over_min"] = Math.max(...used) / Math.max(1, Math.min(...used));

for (const live of [1000, 10000]) {
	const f = new RamNorFlash(256 * 4096, 4096);
	const s = Store.mount(f, { maxValueLength: 4096 });
	for (let i = 0; i < live; i += 50) {
		const t = s.begin();
		for (let k = i; k < i + 50 && k < live; k++) t.put(`./Tree/n${k}`, new Uint8Array(16).fill(k & 0xff));
		t.commit();
	}
	let start = monotonic();
	const m = Store.mount(f, { maxValueLength: 4096 });
	const mountMs = monotonic() - start;
	if (m.keys().length !== live) throw new Error(`mount found ${m.keys().length} of ${live}`);
	if (!m.mountedFromCheckpoint) throw new Error(`no checkpoint after ${live} records`);
	// the reference path: the whole journal replayed, as every mount did before checkpoints
	start = monotonic();
	const full = Store.mount(f, { maxValueLength: 4096, checkpoints: false });
	const fullMs = monotonic() - start;
	if (full.keys().length !== live) throw new Error(`full replay found ${full.keys().length} of ${live}`);
	start = monotonic();
	for (let b = 0; b < 256; b++) f.read(b * 4096, 4096);
	const rawMs = monotonic() - start;
	figures[`store_mount_${live}_records_ms`] = mountMs;
	figures[`store_mount_${live}_records_over_raw_read`] = mountMs / rawMs;
	figures[`store_mount_${live}_records_full_replay_over_raw_read`] = fullMs / rawMs;
	figures[`store_mount_${live}_records_checkpoints_written`] = s.checkpointsWritten;
}
console.log(JSON.stringify(figures));
