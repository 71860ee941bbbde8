// Package#2 read as a stream of typed commands, Package#3 written as a stream (7.2.1.2, 7.2.1.3).
import { JsonWriter, Package2Reader, Package3Writer, decodeJson, decodePackage3, type CommandItem } from "../../../modules/dm/codec/index.js";
import { Feed } from "../../../modules/dm/codec/json-reader.js";
import { assert, describe, it } from "../../harness/index.js";
import { utf8 } from "./json-events.js";

function readAll(text: string, step = 0): { items: CommandItem[]; result: number; error: string | undefined; status: number | undefined } {
	const items: CommandItem[] = [];
	const reader = new Package2Reader((item) => items.push(item));
	const bytes = utf8(text);
	let result: number = Feed.NeedMore;
	const size = step || bytes.length || 1;
	for (let at = 0; at < bytes.length || at === 0; at += size) {
		result = reader.feed(bytes.subarray(at, at + size), at + size >= bytes.length);
		if (result < 0 || at + size >= bytes.length) break;
	}
	const e = reader.toDmError();
	return { items, result, error: e?.message, status: e?.status };
}

const example722 = `{
    "CMD": [
        ["HPOST",
        "https://DMcontent.DMserver.operator.com/[DevID]",
        "urn:oma:mo:oma-dm-devinfo:1.0//",
        "urn:oma:mo:oma-sessioninfomo:1.0//"],
        ["HGET", "https://DMcontent.DMserver.operator.com/new_mo"],
        ["GET", "urn:oma:mo:oma-sessioninfomo:1.0//CBT"]
    ]
}`;

describe("Package#2 reader", () => {
	it("reads the example of 7.2.1.2 into typed commands, in any split", () => {
		for (const step of [0, 1, 7]) {
			const r = readAll(example722, step);
			assert.equal(r.result, Feed.Done);
			assert.equal(r.error, undefined);
			assert.deepEqual(r.items, [
				{ index: 0, command: { name: "HPOST", serverUri: "https://DMcontent.DMserver.operator.com/[DevID]", clientUris: ["urn:oma:mo:oma-dm-devinfo:1.0//", "urn:oma:mo:oma-sessioninfomo:1.0//"] } },
				{ index: 1, command: { name: "HGET", serverUri: "https://DMcontent.DMserver.operator.com/new_mo" } },
				{ index: 2, command: { name: "GET", clientUri: "urn:oma:mo:oma-sessioninfomo:1.0//CBT" } },
			]);
		}
	});

	it("types every one of the twelve commands", () => {
		const r = readAll(JSON.stringify({ CMD: [
			["HGET", "s", "c"], ["HPUT", "s", "c1", "c2"], ["HPOST", "s", "c"], ["DELETE", "c"], ["EXEC", "c"], ["EXEC", "c", "s"],
			["GET", "c"], ["SHOW", "s"], ["CONT", "s"], ["END"], ["DEFAULT", "s", "urn:oma:mo:x:1.0"], ["SUB", "s", "c"], ["UNSUB", "c"],
		] }));
		assert.deepEqual(r.items.map((i) => i.command), [
			{ name: "HGET", serverUri: "s", clientUri: "c" }, { name: "HPUT", serverUri: "s", clientUris: ["c1", "c2"] },
			{ name: "HPOST", serverUri: "s", clientUris: ["c"] }, { name: "DELETE", clientUri: "c" }, { name: "EXEC", clientUri: "c" },
			{ name: "EXEC", clientUri: "c", serverUri: "s" }, { name: "GET", clientUri: "c" }, { name: "SHOW", serverUri: "s" },
			{ name: "CONT", serverUri: "s" }, { name: "END" }, { name: "DEFAULT", serverUri: "s", moid: "urn:oma:mo:x:1.0" },
			{ name: "SUB", serverUri: "s", clientUri: "c" }, { name: "UNSUB", clientUri: "c" },
		]);
	});

	it("answers 501 for an unknown command and 400 for bad arguments in the command's own place", () => {
		const r = readAll(JSON.stringify({ CMD: [["GET", "c"], ["FROB", "x"], ["GET"], ["GET", 5], ["END", "x"], [], {"a": [1]}, 7, ["HPUT", "s"], ["DELETE", "c", ["nested"]], ["GET", "ok"]] }));
		assert.equal(r.result, Feed.Done);
		assert.equal(r.error, undefined);
		assert.deepEqual(r.items.map((i) => [i.index, i.error?.status ?? 200]), [[0, 200], [1, 501], [2, 400], [3, 400], [4, 400], [5, 400], [6, 400], [7, 400], [8, 400], [9, 400], [10, 200]]);
		assert.ok(/GET takes 1 argument, not 0/.test(r.items[2]!.error!.message), r.items[2]!.error!.message);
	});

	it("skips members other than CMD, whatever their shape", () => {
		const r = readAll(`{"X":{"a":[1,{"b":"c"}]},"CMD":[["END"]],"Y":[["GET","z"]]}`);
		assert.deepEqual(r.items, [{ index: 0, command: { name: "END" } }]);
		assert.equal(r.error, undefined);
	});

	it("refuses a package without a CMD array, or that is not JSON, as a whole (400)", () => {
		for (const text of [`{}`, `{"CMD":{}}`, `{"CMD":"GET"}`, `[]`, `"CMD"`, `{"CMD":[["GET","c"]]`, `{"CMD":[["GET","c"],]}`]) {
			const r = readAll(text);
			assert.equal(r.status, 400, text);
		}
	});

	it("refuses the 7.2.1.2-style example of Appendix I that lacks a comma between arguments", () => {
		const r = readAll(`{"CMD":[["HPOST", "http://www.dr.com/camera_state?DevID=IMEI:493005100592800"
        "urn:oma:mo:oma-dcmo:1.0/(x)/Enabled?nv=(x)/Property:Camera"],["END"]]}`);
		assert.equal(r.status, 400);
	});

	it("bounds arguments, argument counts and command counts", () => {
		assert.equal(readAll(JSON.stringify({ CMD: [["GET", "x".repeat(2049)]] })).items[0]!.error!.status, 400);
		assert.equal(readAll(JSON.stringify({ CMD: [["HPUT", "s", ...Array.from({ length: 40 }, () => "c")]] })).items[0]!.error!.status, 400);
		assert.equal(readAll(JSON.stringify({ CMD: Array.from({ length: 300 }, () => ["END"]) })).status, 400);
	});
});

describe("Package#3 writer", () => {
	function written(build: (p: Package3Writer) => void): string {
		let out = "";
		const w = new JsonWriter((b) => { out += String.fromCharCode(...b); }, 32);
		build(new Package3Writer(w));
		return out;
	}

	it("writes statuses in object form, with URIs when given (interpretation 1)", () => {
		const text = written((p) => { p.status(200).status(200, ["urn:oma:mo:oma-mo:1.0/miid1/", "urn:oma:mo:oma-mo:1.0/miid2/"]).status(404); p.end(); });
		assert.equal(text, `{"Status":[{"sc":200},{"sc":200,"URI":["urn:oma:mo:oma-mo:1.0/miid1/","urn:oma:mo:oma-mo:1.0/miid2/"]},{"sc":404}]}`);
	});

	it("adds Generic Alerts after the statuses", () => {
		const alert = { AlertType: "urn:oma:at:dcmo:1.0:OperationComplete", SourceURI: "urn:oma:mo:oma-dcmo:1.0/Capability123/Operations/Enable", Mark: "warning", DataType: "int", Data: { DM1x: 1404 } };
		const text = written((p) => { p.status(200); p.alert(alert); p.end(); });
		assert.deepEqual(decodeJson(utf8(text)), { Status: [{ sc: 200 }], Alert: [alert] });
		assert.throws(() => written((p) => { p.alert(alert); p.status(200); }), TypeError);
	});

	it("writes an empty Status array when there is nothing to answer", () => {
		assert.equal(written((p) => { p.end(); }), `{"Status":[]}`);
	});

	it("is read back by the server side, which also takes the examples' bare numbers", () => {
		assert.deepEqual(decodePackage3(utf8(`{"Status":[200,{"sc":404},{"sc":200,"URI":["a"]}]}`)), { Status: [{ sc: 200 }, { sc: 404 }, { sc: 200, URI: ["a"] }], Alert: [] });
		for (const bad of [`{}`, `{"Status":[{"URI":[]}]}`, `{"Status":["200"]}`, `{"Status":[],"Alert":[{}]}`]) assert.throws(() => decodePackage3(utf8(bad)), /Package#3/);
	});
});

describe("Package#2 fuzz", () => {
	it("never throws on mutated packages: every outcome is a command, a command error or a package error", async () => {
		const { prng } = await import("../../fuzz/json.js");
		const r = prng(11);
		const base = utf8(JSON.stringify({ CMD: [["HPOST", "https://s/[DevID]", "urn:oma:mo:oma-dm-devinfo:1.2//"], ["GET", "urn:x:1.0//a"], ["EXEC", "c", "s"], ["END"]] }));
		let packageErrors = 0, commandErrors = 0;
		for (let n = 0; n < 1500; n++) {
			const m = base.slice();
			for (let k = 1 + Math.floor(r() * 3); k > 0; k--) m[Math.floor(r() * m.length)] = "[]{}\",:x0 ".charCodeAt(Math.floor(r() * 10));
			const items: CommandItem[] = [];
			const reader = new Package2Reader((item) => items.push(item));
			const size = 1 + Math.floor(r() * 20);
			for (let at = 0; at < m.length; at += size) if (reader.feed(m.subarray(at, at + size), at + size >= m.length) < 0) break;
			if (reader.toDmError()) packageErrors++;
			commandErrors += items.filter((i) => i.error).length;
			items.forEach((item, i) => assert.equal(item.index, i, "indexes stay aligned with CMD"));
		}
		assert.ok(packageErrors > 0 && commandErrors > 0, `${packageErrors} package errors, ${commandErrors} command errors`);
	});
});
