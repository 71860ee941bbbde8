// tools/ddf on Node: the XML reader, DDF errors that name the line, and the committed schemas
// under modules/dm/mo/generated being exactly what their DDFs compile to.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileDdf, DdfError } from "../../tools/ddf/compile.js";
import { generateAll, root } from "../../tools/ddf/main.js";
import { parseXml, XmlError } from "../../tools/ddf/xml.js";
import { assert, describe, it } from "../harness/index.js";

function lineOf(fn: () => unknown): number {
	try { fn(); } catch (e) {
		if (e instanceof DdfError) return Number(/:(\d+): /.exec(e.message)![1]);
		if (e instanceof XmlError) return e.line;
		throw e;
	}
	throw new Error("no error");
}

const node = (inner: string, props = "<AccessType><Get/></AccessType><DFFormat><node/></DFFormat>"): string =>
	`<Node><NodeName/><DFProperties>${props}<DFType><DDFName>urn:x:1.0</DDFName></DFType></DFProperties>${inner}</Node>`;
const ddf = (body: string): string => `<?xml version="1.0"?>\n<MgmtTree>\n<VerDTD>1.2</VerDTD>\n${body}\n</MgmtTree>\n`;

describe("ddf: the XML reader", () => {
	it("reads elements, attributes, entities, CDATA and comments", () => {
		const x = parseXml(`<?xml version="1.0"?><!DOCTYPE a SYSTEM "a.dtd"><!-- c --><a k='v&amp;'><b>1 &lt; 2 &#x41;&#66;</b><c><![CDATA[<raw>]]></c><d/></a>`);
		assert.equal(x.name, "a");
		assert.deepEqual(x.attributes, { k: "v&" });
		assert.deepEqual(x.children.map((c) => [c.name, c.text]), [["b", "1 < 2 AB"], ["c", "<raw>"], ["d", ""]]);
	});
	for (const [xml, line] of [
		["<a>\n<b>\n</a>", 3], ["<a>\n</b>", 2], ["<a>&nope;</a>", 1], ["<a>\n& </a>", 2], ["<a></a>\n<b/>", 2], ["<a>\n<b x=1/></a>", 2],
		["<a>\n<!-- x -- y --></a>", 2], ["text<a/>", 1], ["<a b='1' b='2'/>", 1], ["<a>", 1], ["", 1], ["<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", 1],
	] as const) {
		it(`refuses ${JSON.stringify(xml)} at line ${line}`, () => assert.equal(lineOf(() => parseXml(xml)), line));
	}
});

describe("ddf: the compiler", () => {
	it("compiles every property 6.4 keeps", () => {
		const c = compileDdf(ddf(node(`<Node><NodeName>Leaf</NodeName><DFProperties><AccessType><Get/><Replace/><Exec/></AccessType><DefaultValue>7</DefaultValue><DFFormat><int/></DFFormat><Occurrence><ZeroOrN>5</ZeroOrN></Occurrence><Scope><Permanent/></Scope><DFType><MIME>text/plain</MIME></DFType><CaseSense><CIS/></CaseSense></DFProperties></Node>`)), "t.xml", "T");
		assert.equal(c.moid, "urn:x:1.0");
		assert.deepEqual(c.source.children![0], { name: "Leaf", format: "int", access: 16 | 32 | 8, occurrence: "ZeroOrN", n: 5, permanent: true, caseSense: false, mime: "text/plain", defaultValue: "7" });
		assert.equal(c.source.unnamed, true);
	});
	const leaf = (props: string): string => ddf(node(`\n<Node><NodeName>L</NodeName><DFProperties>${props}</DFProperties></Node>`));
	for (const [what, text, line] of [
		["an unknown element", ddf(node("\n<Bogus/>")), 5],
		["a wrong root", "<Tree>\n</Tree>", 1],
		["no VerDTD", "<MgmtTree>\n" + node("") + "</MgmtTree>", 1],
		["an unknown format", leaf("<AccessType/><DFFormat><string/></DFFormat>"), 5],
		["no format", leaf("<AccessType/>"), 5],
		["a default of the wrong format", leaf("<AccessType/><DefaultValue>x1</DefaultValue><DFFormat><int/></DFFormat>"), 5],
		["ZeroOrN without N", leaf("<AccessType/><DFFormat><chr/></DFFormat><Occurrence><ZeroOrN/></Occurrence>"), 5],
		["a leaf with children", ddf(node(`\n<Node><NodeName>L</NodeName><DFProperties><AccessType/><DFFormat><chr/></DFFormat></DFProperties>\n<Node><NodeName>M</NodeName><DFProperties><AccessType/><DFFormat><chr/></DFFormat></DFProperties></Node></Node>`)), 6],
		["two children of one name", ddf(node(`\n<Node><NodeName>L</NodeName><DFProperties><AccessType/><DFFormat><chr/></DFFormat></DFProperties></Node>\n<Node><NodeName>L</NodeName><DFProperties><AccessType/><DFFormat><chr/></DFFormat></DFProperties></Node>`)), 6],
		["a bad node name", leaf("<AccessType/><DFFormat><chr/></DFFormat>").replace("<NodeName>L<", "<NodeName>a b<"), 5],
		["a root without MOID", ddf(`<Node><NodeName/><DFProperties><AccessType/><DFFormat><node/></DFFormat></DFProperties></Node>`), 4],
		["broken XML", ddf("<Node>\n<NodeName></Node>"), 5],
	] as const) {
		it(`names the line of ${what}`, () => assert.equal(lineOf(() => compileDdf(text, "t.xml", "T")), line));
	}
	it("says which file and line in the message", () => {
		assert.throws(() => compileDdf(leaf("<AccessType/><DFFormat><string/></DFFormat>"), "dir/t.xml", "T"), /^DdfError: dir\/t\.xml:5: <string> is not one of node, null/);
	});
});

describe("ddf: the generated schemas", () => {
	it("are what the DDFs compile to (run npm run ddf after editing a DDF)", () => {
		const all = generateAll();
		assert.deepEqual(all.map((g) => g.file), [
			"modules/dm/mo/generated/dacmo.ts", "modules/dm/mo/generated/devinfo.ts", "modules/dm/mo/generated/dmacc.ts", "modules/dm/mo/generated/fumo.ts", "modules/dm/mo/generated/sessioninfo.ts",
			"hosts/sim/dm-device/generated/demo.ts",
		]);
		for (const g of all) assert.equal(readFileSync(join(root, g.file), "utf8"), g.text, `${g.file} is stale`);
	});
});
