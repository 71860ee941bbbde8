// xsdm --flash FILE --flash-size 1024 --flash-block 256 [--powercut N] flash-workload.js SEED COUNT
// Applies flashOps(SEED, COUNT) and prints "operations N". tests/host/flash.test.ts checks the file.
import storage, { operations } from "embedded:storage/flash";
import { argv } from "embedded:sim/host";
import { flashOps } from "./flash-ops.js";

const [seed, count] = argv().map(Number);
const flash = storage.open({ path: "dmstore" });
for (const op of flashOps(seed!, count!)) {
	if (op.kind === "erase") flash.eraseBlock(op.block, op.block + 1);
	else flash.write(Uint8Array.from(op.bytes), op.offset);
}
console.log(`operations ${operations()}`);
