// xsdm bench/xs/json.js [STREAMPARSER_PATH]: decoding a 4 KiB and a 256 KiB Package#2 and
// dmmo+json document with our streaming reader (fed in 512-byte pieces; with the C scanning core
// and with the TypeScript reader alone), with XS's native JSON.parse (whole text), and with
// @streamparser/json's Tokenizer (512-byte pieces) when its index.js path is given. All in one run.
import { argv } from "embedded:sim/host";
import { JsonReader, hasNativeScan, type JsonHandler } from "../../modules/dm/codec/json-reader.js";
import { encodeUtf8 } from "../../modules/bytes/index.js";
import { installTextShim } from "./text-shim.js";
import { perOp } from "./timing.js";

/** A Package#2 of GET/HPUT/HGET/EXEC commands (7.2.1.2) of at least `bytes` bytes. */
function package2(bytes: number): string {
	const cmd: string[][] = [];
	for (let i = 0; JSON.stringify({ CMD: cmd }).length < bytes; i++) {
		const k = i % 4;
		if (k === 0) cmd.push(["GET", `urn:oma:mo:oma-dm-devinfo:1.2//Ext/Node${i}`]);
		else if (k === 1) cmd.push(["HPUT", `https://dms.example.com/data/${i}?DevID=IMEI:493005100592800`, `urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/pkg${i}/Data`]);
		else if (k === 2) cmd.push(["HGET", `https://dms.example.com/new/${i}`, `urn:oma:mo:oma-dcmo:1.0/(x)/Enabled?nv=(x)/Property:Camera${i}`]);
		else cmd.push(["EXEC", `urn:oma:mo:oma-scomo:1.0//Download/pkg${i}/Operations/Install`]);
	}
	return JSON.stringify({ CMD: cmd });
}

/** A dmmo+json item (7.2.1.4) whose MOData holds nodes until the text has `bytes` bytes. */
function dmmo(bytes: number): string {
	const nodes: Record<string, unknown> = {};
	const doc = [{ DDF: "http://www.vendor.com/DDF/devinfo1.2.ddf", ClientURI: "urn:oma:mo:oma-dm-devinfo:1.2//", MOData: { DevInfo: { Ext: nodes } } }];
	for (let i = 0; JSON.stringify(doc).length < bytes; i++)
		nodes[`Node${i}`] = { Value: `value number ${i} with some text`, Size: i * 7, Enabled: i % 2 === 0, ACL: null, Ratio: i / 8 };
	return JSON.stringify(doc);
}

const counting: JsonHandler = {
	startObject() {}, endObject() {}, startArray() {}, endArray() {}, key() {}, string() {}, number() {}, literal() {},
};

function stream(bytes: Uint8Array, native: boolean): void {
	const reader = new JsonReader(counting, { maxTotalLength: 1 << 24, native });
	for (let at = 0; at < bytes.length; at += 512) reader.feed(bytes.subarray(at, Math.min(bytes.length, at + 512)), at + 512 >= bytes.length);
	if (reader.error) throw new Error(reader.errorMessage);
}

type TokenizerClass = new (options?: object) => { onToken: (t: unknown) => void; onError: (e: Error) => void; write(b: Uint8Array): void; end(): void };

const figures: Record<string, number> = { json_native_scan_bound: hasNativeScan ? 1 : 0 };
const [streamparserPath] = argv();
let Tokenizer: TokenizerClass | undefined;
if (streamparserPath) {
	figures["streamparser_text_shim_installed"] = installTextShim() ? 1 : 0;
	Tokenizer = ((await import(streamparserPath)) as { Tokenizer: TokenizerClass }).Tokenizer;
}

for (const [kind, make] of [["package2", package2], ["dmmo", dmmo]] as const) {
	for (const [name, size] of [["4k", 4096], ["256k", 262144]] as const) {
		const text = make(size);
		const bytes = encodeUtf8(text);
		const key = `json_${kind}_${name}`;
		const minMs = size > 4096 ? 1500 : 500;
		figures[`${key}_stream_us`] = perOp(() => stream(bytes, true), minMs);
		figures[`${key}_stream_ts_us`] = perOp(() => stream(bytes, false), minMs);
		figures[`${key}_native_parse_us`] = perOp(() => JSON.parse(text), minMs);
		if (Tokenizer) {
			const T = Tokenizer;
			figures[`${key}_streamparser_us`] = perOp(() => {
				let failure: Error | undefined;
				const t = new T();
				t.onToken = () => {};
				t.onError = (e) => { failure = e; };
				for (let at = 0; at < bytes.length; at += 512) t.write(bytes.subarray(at, Math.min(bytes.length, at + 512)));
				t.end();
				if (failure) throw failure;
			}, minMs);
		}
	}
}
console.log(JSON.stringify(figures));
