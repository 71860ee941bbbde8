// xsdm --heap-report bench/xs/json-heap.js SIZE MODE [gc]: decodes a SIZE-byte document generated
// piece by piece (never whole in memory) with the streaming reader — MODE "stream" (the C scanning
// core where the host has it) or "stream-ts" (the TypeScript reader alone) — or builds the whole
// text and calls JSON.parse (MODE "native"). The heap report of the run is the figure.
//
// XS collects chunk garbage only when its chunk blocks are full, so a run's peak counts whatever
// garbage (per-piece strings, the bench's own text) piled up before the first collection: a 1 KiB
// run ends before any, a 1 MiB run fills the free blocks first. With "gc" the bench collects after
// every 512-byte piece, so the peak is what the reader keeps alive plus one piece's garbage.
import { collectGarbage, resetPeak } from "embedded:sim/host";
import { JsonReader, type JsonHandler } from "../../modules/dm/codec/json-reader.js";
import { encodeUtf8 } from "../../modules/bytes/index.js";

const [sizeArg, mode, collect] = (await import("embedded:sim/host")).argv();
const size = Number(sizeArg);
const every = collect === "gc";
const item = (i: number): string => `${i ? "," : ""}{"URI":"./DevInfo/Ext/Node${i}","Format":"chr","Value":"value number ${i} with some text"}`;
const ignore: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {} };

resetPeak();
if (mode === "stream" || mode === "stream-ts") {
	const reader = new JsonReader(ignore, { maxTotalLength: 1 << 26, native: mode === "stream" });
	reader.feed(encodeUtf8(`{"CMD":[["GET",[`), false);
	let produced = 0, i = 0, pending = "";
	while (produced < size) {
		pending += item(i++);
		if (pending.length >= 512) {
			const b = encodeUtf8(pending);
			reader.feed(b, false);
			produced += b.length;
			pending = "";
			if (every) collectGarbage();
		}
	}
	reader.feed(encodeUtf8(`${pending}]]]}`), true);
	if (reader.error) throw new Error(reader.errorMessage);
}
else {
	const parts: string[] = [`{"CMD":[["GET",[`];
	let produced = 0;
	for (let i = 0; produced < size; i++) {
		const s = item(i);
		parts.push(s);
		produced += s.length;
		if (every && i % 4 === 0) collectGarbage();
	}
	parts.push("]]]}");
	const value = JSON.parse(parts.join(""));
	if (!value.CMD) throw new Error("no CMD");
}
