// xsdm bench/xs/json.js: decoding a 4 KiB and a 256 KiB DM-like document with our streaming reader
// (fed in 512-byte pieces) and with XS's native JSON.parse (whole text), in the same run.
import { monotonic } from "embedded:sim/host";
import { JsonReader, type JsonHandler } from "../../modules/dm/codec/json-reader.js";
import { encodeUtf8 } from "../../modules/dm/codec/utf8.js";

function document(bytes: number): string {
	const nodes: unknown[] = [];
	let text = "";
	for (let i = 0; text.length < bytes; i++) {
		nodes.push({ URI: `./DevInfo/Ext/Node${i}`, Format: "chr", Value: `value number ${i} with some text`, Size: i * 7, ACL: null, Enabled: i % 2 === 0 });
		if (i % 16 === 0) text = JSON.stringify({ CMD: [["GET", nodes]] });
	}
	return JSON.stringify({ CMD: [["GET", nodes]] });
}

const counting: JsonHandler = {
	startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {},
};

function perOp(fn: () => void, minMs: number): number {
	fn();
	let runs = 0;
	const start = monotonic();
	do { fn(); runs++; } while (monotonic() - start < minMs || runs < 3);
	return ((monotonic() - start) * 1000) / runs;
}

const figures: Record<string, number> = {};
for (const [name, size] of [["4k", 4096], ["256k", 262144]] as const) {
	const text = document(size);
	const bytes = encodeUtf8(text);
	figures[`json_${name}_stream_us`] = perOp(() => {
		const reader = new JsonReader(counting, { maxTotalLength: 1 << 24 });
		for (let at = 0; at < bytes.length; at += 512) reader.feed(bytes.subarray(at, Math.min(bytes.length, at + 512)), at + 512 >= bytes.length);
		if (reader.error) throw new Error(reader.errorMessage);
	}, 500);
	figures[`json_${name}_native_parse_us`] = perOp(() => JSON.parse(text), 300);
}
console.log(JSON.stringify(figures));
