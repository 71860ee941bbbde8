// application/dmmo+json (7.2.1.4) both ways, and the multipart/form-data body of Appendix F.
import { DmmoReader, DmmoWriter, JsonWriter, MultipartWriter, Package3Writer, makeBoundary, type DmmoHandler, type DmmoItemInfo } from "../../../modules/dm/codec/index.js";
import { decodeUtf8 } from "../../../modules/bytes/index.js";
import { Feed } from "../../../modules/dm/codec/json-reader.js";
import { assert, describe, it } from "../../harness/index.js";
import { utf8 } from "./json-events.js";

class Collect implements DmmoHandler {
	log: string[] = [];
	items: DmmoItemInfo[] = [];
	private text = "";
	beginItem(i: number): void { this.log.push(`item ${i}`); }
	beginInterior(p: readonly string[]): void { this.log.push(`+${p.join("/")}`); }
	endInterior(p: readonly string[]): void { this.log.push(`-${p.join("/")}`); }
	leaf(p: readonly string[], v: number | boolean | null): void {
		this.log.push(`${p.join("/")}=${JSON.stringify(v)}`);
	}
	leafText(p: readonly string[], source: Uint8Array, start: number, end: number, final: boolean): void {
		// lent: read during the call; a piece holds whole characters
		const piece = decodeUtf8(source.subarray(start, end));
		assert.ok(piece !== undefined, "a piece is whole UTF-8 characters");
		this.text += piece;
		if (!final) return;
		this.log.push(`${p.join("/")}=${JSON.stringify(this.text)}`);
		this.text = "";
	}
	endItem(i: number, info: DmmoItemInfo): void { this.items.push(info); this.log.push(`end ${i}`); }
}

function read(text: string, step = 0): { c: Collect; status: number | undefined } {
	const c = new Collect();
	const r = new DmmoReader(c, { stringChunk: 4 });
	const bytes = utf8(text);
	const size = step || bytes.length;
	let result: number = Feed.NeedMore;
	for (let at = 0; at < bytes.length; at += size) {
		result = r.feed(bytes.subarray(at, at + size), at + size >= bytes.length);
		if (result < 0) break;
	}
	return { c, status: r.toDmError()?.status };
}

const example = `[{"DDF":"http://www.vendor.com/DDF/devinfo1.0.ddf","ClientURI":"oma:mo:oma-dm-devinfo:1.0//","CV":"686897696a7c876b7e",
  "MOData":{"DevInfo":{"DevID":"IMEI:493005100592800","Man":"Vendor","Mod":"DM_Client","DmV":"2.0","Lang":"en","DevType":"smartphone","OEM":"","FwV":"android4.0.4","SwV":"Vendor1.2","HwV":""}}}]`;

describe("dmmo+json", () => {
	it("reads the example of 7.2.1.4 as node events, in any split", () => {
		for (const step of [0, 1, 5]) {
			const { c, status } = read(example, step);
			assert.equal(status, undefined);
			assert.deepEqual(c.items, [{ DDF: "http://www.vendor.com/DDF/devinfo1.0.ddf", ClientURI: "oma:mo:oma-dm-devinfo:1.0//", CV: "686897696a7c876b7e" }]);
			assert.deepEqual(c.log.slice(0, 4), ["item 0", "+DevInfo", "DevInfo/DevID=\"IMEI:493005100592800\"", "DevInfo/Man=\"Vendor\""]);
			assert.deepEqual(c.log.slice(-3), ["DevInfo/HwV=\"\"", "-DevInfo", "end 0"]);
		}
	});

	it("accepts the single-object form Appendix F shows, and members in any order", () => {
		const { c, status } = read(`{"MOData":{"SessionInfoMO":{"CBT":1,"ROAMING":false,"X":null}},"ClientURI":"urn:oma:mo:oma-sessioninfomo:1.0//"}`);
		assert.equal(status, undefined);
		assert.deepEqual(c.log, ["item 0", "+SessionInfoMO", "SessionInfoMO/CBT=1", "SessionInfoMO/ROAMING=false", "SessionInfoMO/X=null", "-SessionInfoMO", "end 0"]);
		assert.deepEqual(c.items, [{ ClientURI: "urn:oma:mo:oma-sessioninfomo:1.0//" }]);
	});

	it("refuses what is not dmmo+json with 400", () => {
		for (const text of [`[{"MOData":{}}]`, `[{"ClientURI":"x"}]`, `[{"ClientURI":"x","MOData":{"a":[1]}}]`, `[{"ClientURI":1,"MOData":{}}]`,
			`[{"ClientURI":"x","MOData":"v"}]`, `[{"ClientURI":"x","MOData":{},"Other":1}]`, `["x"]`, `[{"ClientURI":"x","MOData":{}}`, `7`]) {
			assert.equal(read(text).status, 400, text);
		}
	});

	it("bounds the node depth", () => {
		const deep = (n: number): string => `[{"ClientURI":"x","MOData":${'{"a":'.repeat(n)}1${"}".repeat(n)}}]`;
		assert.equal(read(deep(33)).status, undefined, "MOData holding 32 nested interior nodes");
		assert.equal(read(deep(34)).status, 400);
	});

	it("writes what it reads back (round trip), base64 leaves streamed", () => {
		let out = "";
		const w = new JsonWriter((b) => { for (const x of b) out += String.fromCharCode(x); }, 24);
		const d = new DmmoWriter(w);
		d.beginItem({ ClientURI: "urn:oma:mo:oma-dm-devinfo:1.2//", DDF: "http://x/ddf" }).beginInterior("DevInfo").leaf("DevID", "IMEI:1").leaf("Size", 42).leaf("On", true).leaf("None", null);
		d.leafKey("Blob").beginBase64().base64Chunk(Uint8Array.of(1, 2)).base64Chunk(Uint8Array.of(3, 4)).endBase64();
		d.beginInterior("Ext").endInterior().endInterior().endItem();
		d.beginItem({ ClientURI: "b" }).endItem().end();
		const { c, status } = read(out);
		assert.equal(status, undefined);
		assert.deepEqual(c.log, ["item 0", "+DevInfo", "DevInfo/DevID=\"IMEI:1\"", "DevInfo/Size=42", "DevInfo/On=true", "DevInfo/None=null", "DevInfo/Blob=\"AQIDBA==\"", "+DevInfo/Ext", "-DevInfo/Ext", "-DevInfo", "end 0", "item 1", "end 1"]);
	});
});

describe("multipart/form-data results (Appendix F)", () => {
	it("writes the Package#3 unnamed, then each GET result named by its command index", () => {
		let body = "";
		const sink = (b: Uint8Array): void => { for (const x of b) body += String.fromCharCode(x); };
		const m = new MultipartWriter(sink, "simple_boundary");
		assert.equal(m.contentType, "multipart/form-data; boundary=simple_boundary");
		m.beginPart("application/vnd.oma.dm.response+json");
		const p3 = new Package3Writer(new JsonWriter(sink, 64));
		p3.status(200).status(404).status(200);
		p3.end();
		m.endPart();
		for (const index of ["0", "2"]) {
			m.beginPart("application/dmmo+json", index);
			const d = new DmmoWriter(new JsonWriter(sink, 64));
			d.beginItem({ ClientURI: "urn:oma:mo:oma-dm-devinfo:1.2//DevID" }).leaf("DevID", "IMEI:493005100592800\r\n--simple_boundary").endItem().end();
			m.endPart();
		}
		m.end();
		const parts = body.split("\r\n--simple_boundary");
		assert.equal(parts.length, 4, "the boundary occurs only as delimiters, even with the boundary inside a value");
		assert.ok(body.startsWith("--simple_boundary\r\nContent-Disposition: form-data\r\nContent-Type: application/vnd.oma.dm.response+json\r\n\r\n{\"Status\":[{\"sc\":200},{\"sc\":404},{\"sc\":200}]}"), body);
		assert.ok(parts[1]!.startsWith("\r\nContent-Disposition: form-data; name=\"0\"\r\nContent-Type: application/dmmo+json\r\n\r\n["), parts[1]);
		assert.ok(parts[2]!.startsWith("\r\nContent-Disposition: form-data; name=\"2\""), parts[2]);
		assert.equal(parts[3], "--\r\n");
	});

	it("makes boundaries from random bytes and refuses invalid ones and misuse", () => {
		const b = makeBoundary(Uint8Array.from({ length: 16 }, (_, i) => i * 17));
		assert.ok(/^dm-[0-9A-Za-z]{16}$/.test(b), b);
		assert.throws(() => new MultipartWriter(() => undefined, "bad boundary with spaces"), RangeError);
		const m = new MultipartWriter(() => undefined, b);
		assert.throws(() => m.end(), TypeError);
		m.beginPart("text/plain");
		assert.throws(() => m.beginPart("text/plain", "1"), TypeError);
		assert.throws(() => { m.endPart(); m.beginPart("text/plain", "x"); }, RangeError);
	});
});
