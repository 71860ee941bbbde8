// xsdm --heap-report bench/xs/json-heap.js SIZE MODE: decodes a SIZE-byte document generated piece by
// piece (never whole in memory) with the streaming reader (MODE "stream"), or builds the whole text
// and calls JSON.parse (MODE "native"). The heap report of the run is the figure.
import { resetPeak } from "embedded:sim/host";
import { JsonReader, type JsonHandler } from "../../modules/dm/codec/json-reader.js";
import { encodeUtf8 } from "../../modules/dm/codec/utf8.js";

const [sizeArg, mode] = (await import("embedded:sim/host")).argv();
const size = Number(sizeArg);
const item = (i: number): string => `${i ? "," : ""}{"URI":"./DevInfo/Ext/Node${i}","Format":"chr","Value":"value number ${i} with some text"}`;
const ignore: JsonHandler = { startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {} };

resetPeak();
if (mode === "stream") {
	const reader = new JsonReader(ignore, { maxTotalLength: 1 << 26 });
	reader.feed(encodeUtf8(`{"CMD":[["GET",[`), false);
	let produced = 0, i = 0, pending = "";
	while (produced < size) {
		pending += item(i++);
		if (pending.length >= 512) { const b = encodeUtf8(pending); reader.feed(b, false); produced += b.length; pending = ""; }
	}
	reader.feed(encodeUtf8(`${pending}]]]}`), true);
	if (reader.error) throw new Error(reader.errorMessage);
}
else {
	const parts: string[] = [`{"CMD":[["GET",[`];
	let produced = 0;
	for (let i = 0; produced < size; i++) { const s = item(i); parts.push(s); produced += s.length; }
	parts.push("]]]}");
	const value = JSON.parse(parts.join(""));
	if (!value.CMD) throw new Error("no CMD");
}
