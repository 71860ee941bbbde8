// xsdm --flash F --flash-size S --flash-block B [--powercut N] store-powercut.js run COUNT
//   runs the store workload on the file flash, printing "committed k" after each transaction;
// xsdm --flash F ... store-powercut.js check
//   mounts the store and prints its state (and the state a whole replay finds, and whether mount
//   started from a checkpoint) and problems as JSON (tests/host/store-powercut.test.ts).
import flash, { operations } from "embedded:storage/flash";
import { argv } from "embedded:sim/host";
import { Store } from "../../../modules/dm/store/index.js";
import { STORE_PARTITION, storeFlash } from "../../../modules/dm/store/flash.js";
import { observed, run, workload } from "./store-workload.js";

export const STORE_OPTIONS = { maxValueLength: 4608 };
const [mode, count] = argv();
const store = Store.mount(storeFlash(flash.open({ path: STORE_PARTITION })), STORE_OPTIONS);
if (mode === "run") {
	run(store, workload(Number(count)), (k) => console.log(`committed ${k}`));
	console.log(`operations ${operations()}`);
	console.log(`checkpoints ${store.checkpointsWritten}`);
}
else {
	// the state as mounted (from a checkpoint when one is good) and by a whole replay
	const full = Store.mount(storeFlash(flash.open({ path: STORE_PARTITION })), { ...STORE_OPTIONS, checkpoints: false });
	console.log(JSON.stringify({ state: [...observed(store)], replayed: [...observed(full)], fromCheckpoint: store.mountedFromCheckpoint, problems: store.problems }));
}
