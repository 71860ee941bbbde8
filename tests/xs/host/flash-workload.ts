// xsdm --flash FILE --flash-size 1024 --flash-block 256 [--powercut N] flash-workload.js SEED COUNT
// Applies flashOps(SEED, COUNT) and prints "operations N". tests/host/flash.test.ts checks the file.
import Flash from "embedded:storage/flash";
import { argv } from "embedded:sim/host";
import { flashOps } from "./flash-ops.js";

const [seed, count] = argv().map(Number);
const flash = new Flash();
for (const op of flashOps(seed!, count!)) {
	if (op.kind === "erase") flash.eraseBlock(op.block);
	else flash.write(op.offset, Uint8Array.from(op.bytes));
}
console.log(`operations ${Flash.operations}`);
