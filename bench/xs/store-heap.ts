// xsdm32 --flash FILE bench/xs/store-heap.js fill N | mount | compact: the journal's RAM on the
// 32-bit host with the flash in a file (so the flash itself is not on the XS heap). `fill N` writes
// N tree-like keys (one transaction per 20); `mount` and `compact` print the heap the store takes
// beyond what was in use before: the index after mount, and the peak of a forced compaction.
import storage from "embedded:storage/flash";
import { argv, collectGarbage, heap, resetPeak } from "embedded:sim/host";
import { Store } from "../../modules/dm/store/index.js";
import { STORE_PARTITION, storeFlash } from "../../modules/dm/store/flash.js";

const [mode, count] = argv();
const flash = storeFlash(storage.open({ path: STORE_PARTITION }));
const inUse = (): number => { collectGarbage(); const h = heap(); return h.chunks + h.slots; };

const peakOf = (h: { peakChunks: number; peakSlots: number }): number => h.peakChunks + h.peakSlots;

if (mode === "fill") {
	const store = Store.mount(flash, { maxValueLength: 4096 });
	const n = Number(count);
	for (let i = 0; i < n; i += 20) {
		const t = store.begin();
		for (let k = i; k < i + 20 && k < n; k++) t.put(`./DMAcc/acc${k % 3}/Ext/Vendor/Node${k}`, new Uint8Array(16).fill(k & 0xff));
		t.commit();
	}
}
else {
	const before = inUse();
	resetPeak();
	const store = Store.mount(flash, { maxValueLength: 4096 });
	const afterMount = inUse();
	let peak = peakOf(heap());
	if (mode === "compact") {
		resetPeak();
		// rewriting one small value over and over fills the head until compaction runs
		for (let i = 0; i < 400; i++) { const t = store.begin(); t.put("./churn", new Uint8Array(64)); t.commit(); }
		peak = peakOf(heap());
	}
	console.log(JSON.stringify({ keys: store.keys().length, indexBytes: afterMount - before, peakBytes: peak - before }));
}
