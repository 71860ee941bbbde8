// Every example document of section 7.2 and Appendices F and I round-trips: decode → encode with our
// writers → decode gives the same values (fixtures: tests/fuzz/seeds/packages/spec-examples.ts).
import { JsonWriter, MultipartWriter, Package3Writer, decodePackage1, decodePackage3, writePackage1, type CommandItem } from "../../../modules/dm/codec/index.js";
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { assert, describe, it } from "../../harness/index.js";
import { prng } from "../../fuzz/json.js";
import { readMultipart } from "../../fuzz/multipart-reader.js";
import { collect, commandArray, readDmmo, readPackage2, writeDmmo, writePackage3, type Item } from "../../fuzz/packages.js";
import { SPEC_EXAMPLES, type SpecExample } from "../../fuzz/seeds/packages/spec-examples.js";

const r = prng(11);
const example = (name: string): SpecExample => SPEC_EXAMPLES.find((e) => e.name === name)!;

function commands(bytes: Uint8Array): CommandItem[] {
	const d = readPackage2(r, bytes);
	if (d.error) throw d.error;
	return d.items;
}

/** A Package#2 written with our JsonWriter (the development server's side). */
function writePackage2(items: CommandItem[]): Uint8Array {
	return collect((w) => {
		w.startObject().key("CMD").startArray();
		for (const item of items) { w.startArray(); for (const a of commandArray(item.command!)) w.string(a); w.endArray(); }
		w.endArray().endObject().end();
	}, 16);
}

function dmmo(bytes: Uint8Array): Item[] {
	const d = readDmmo(r, bytes);
	if (d.error) throw d.error;
	return d.items;
}

type Result = { name: string; text: string } | { name: string; items: Item[] };
interface Body { package3: ReturnType<typeof decodePackage3>; results: Result[] }

function readBody(bytes: Uint8Array, boundary: string): Body {
	const [first, ...rest] = readMultipart(bytes, boundary);
	assert.equal(first!.name, undefined, "the Package#3 part is unnamed");
	assert.equal(first!.contentType, "application/vnd.oma.dm.response+json");
	return {
		package3: decodePackage3(first!.body),
		results: rest.map((p): Result => (p.contentType === "text/plain" ? { name: p.name!, text: decodeUtf8(p.body)! } : { name: p.name!, items: dmmo(p.body) })),
	};
}

function writeBody(body: Body, boundary: string): Uint8Array {
	const out: number[] = [];
	const sink = (b: Uint8Array): void => { for (const x of b) out.push(x); };
	const m = new MultipartWriter(sink, boundary);
	m.beginPart("application/vnd.oma.dm.response+json");
	const p3 = new Package3Writer(new JsonWriter(sink, 16));
	for (const s of body.package3.Status) p3.status(s.sc as 200, s.URI);
	for (const a of body.package3.Alert) p3.alert(a);
	p3.end();
	m.endPart();
	for (const result of body.results) {
		if ("text" in result) { m.beginPart("text/plain", result.name); sink(encodeUtf8(result.text)); }
		else { m.beginPart("application/dmmo+json", result.name); sink(writeDmmo(result.items, 16)); }
		m.endPart();
	}
	m.end();
	return Uint8Array.from(out);
}

describe("spec examples round-trip (7.2, Appendix F, Appendix I)", () => {
	for (const e of SPEC_EXAMPLES) {
		it(`${e.name}: decode → encode → decode gives the same values`, () => {
			const bytes = encodeUtf8(e.text);
			switch (e.kind) {
			case "package1": {
				const once = decodePackage1(bytes);
				const again = decodePackage1(collect((w) => writePackage1(w, once.MOS, once.Alert), 16));
				assert.deepEqual(again, once);
				break;
			}
			case "package2": {
				const once = commands(bytes);
				assert.ok(once.length > 0 && once.every((item) => item.command !== undefined), JSON.stringify(once));
				assert.deepEqual(commands(writePackage2(once)), once);
				break;
			}
			case "package3": {
				const once = decodePackage3(bytes);
				assert.deepEqual(decodePackage3(writePackage3(once, 16)), once);
				break;
			}
			case "dmmo": {
				const once = dmmo(bytes);
				assert.deepEqual(dmmo(writeDmmo(once, 16)), once);
				break;
			}
			case "multipart": {
				const once = readBody(bytes, e.boundary!);
				assert.deepEqual(readBody(writeBody(once, e.boundary!), e.boundary!), once);
				break;
			}
			}
		});
		if (e.raw !== undefined) {
			it(`${e.name}: the text as printed is refused with DmError(400), not an exception`, () => {
				const bytes = encodeUtf8(e.raw!);
				const refused = (fn: () => unknown): void => {
					try { fn(); } catch (err) { assert.equal((err as { status?: number }).status, 400, String(err)); return; }
					assert.ok(false, "the printed text was accepted");
				};
				if (e.kind === "package1") refused(() => decodePackage1(bytes));
				else if (e.kind === "package3") refused(() => decodePackage3(bytes));
				else if (e.kind === "package2") refused(() => commands(bytes));
				else if (e.kind === "dmmo") refused(() => dmmo(bytes));
			});
		}
	}

	it("reads the values the examples state", () => {
		const p1 = decodePackage1(encodeUtf8(example("7.2.1.1 Package#1").text));
		assert.deepEqual(p1.MOS!.map((m) => m.MOID), ["urn:oma:mo:oma-dm-devinfo:1.0", "urn:oma:mo:oma-sessioninfomo:1.0"]);
		assert.equal(p1.Alert[1]!.TargetURI, "urn:oma:mo:oma-scomo:1.0/SCOM01/Inventory/Deployed/Component2");
		assert.deepEqual(decodePackage1(encodeUtf8(example("I.2 Package#1").text)).MOS![3], { DDF: "http://www.vendor.com/DDF/oma-dcmol.0.ddf", MOID: "urn:oma:mo:oma-dcmo:1.0", MIID: [] });
		assert.deepEqual(decodePackage3(encodeUtf8(example("7.2.1.3 Package#3").text)).Alert[0]!.Data, { DM1x: 1404 });
		assert.deepEqual(commands(encodeUtf8(example("I.3 DEFAULT examples").text))[1]!.command,
			{ name: "DEFAULT", serverUri: "https://rcsprov.gsma.org/Settings/[MCC]/[MNC]/RCS", moid: "urn:gsma:mo:rcs:rcse:1.0" });
		assert.deepEqual(commands(encodeUtf8(example("I.1 Package#2 (HPOST, END)").text)).map((c) => c.command!.name), ["HPOST", "END"]);
		const f = readBody(encodeUtf8(example("Appendix F multipart response").text), "simple_boundary");
		assert.deepEqual(f.package3.Status.map((s) => s.sc), [200, 200, 200, 200, 404, 200]);
		assert.deepEqual(f.results.map((p) => p.name), ["0", "1", "2"]);
		assert.deepEqual(f.results[0], { name: "0", text: "IMEI:493005100592800" });
		assert.deepEqual(f.results[2], { name: "2", items: [{ info: { ClientURI: "urn:oma:mo:oma-sessioninfomo:1.0//", DDF: "http://www.vendor.com/DDF/oma-sessioninfomol.0.ddf" }, data: { SessionInfoMO: { CBT: 1, ROAMING: 0 } } }] });
		const i1 = readBody(encodeUtf8(example("I.1 multipart response").text), "simple_boundary");
		assert.equal((i1.results[1] as { items: Item[] }).items[1]!.data["ID"], "pkq2 id");
	});
});
