// Leaf formats (6.3.1) and the standard MO schemas compiled from section 12's tables.
import { DmError } from "../../../modules/dm/error.js";
import { DACMO, DEVINFO, DMACC, SESSIONINFO, STANDARD_MOS } from "../../../modules/dm/mo/index.js";
import { decodeBase64, encodeBase64 } from "../../../modules/bytes/index.js";
import { decodeLeaf, encodeLeaf, type LeafInput } from "../../../modules/dm/tree/format.js";
import { Access, defineSchema, isHidden, schemaAt, type Format } from "../../../modules/dm/tree/schema.js";
import { assert, describe, it } from "../../harness/index.js";

function status(fn: () => unknown): number {
	try { fn(); } catch (e) { if (e instanceof DmError) return e.status; throw e; }
	return 200;
}
const text = (b: Uint8Array): string => String.fromCharCode(...b);

describe("leaf formats", () => {
	const cases: [Format, LeafInput[], LeafInput[]][] = [
		["chr", ["", "héllo", "a/b"], [1, true, null]],
		["xml", ["<a/>"], [3]],
		["b64", ["", "QQ==", "QUI=", "QUJD"], ["Q", "QQ=", "QU=I", "QU JD", "Q$==", 5]],
		["bin", ["", "AAEC/w=="], ["not base64!", 1, false]],
		["bool", [true, false, "true", "false"], ["yes", 1, "TRUE", null]],
		["int", [0, -2147483648, 4294967295, "42", "-7"], [1.5, 4294967296, -2147483649, "4x", "", "1e3", Infinity, NaN, true]],
		["float", [1.5, -0, 1e300, "2.5e-3", ".5"], [Infinity, NaN, "1.2.3", "e5", "", false]],
		["date", ["2024-02-29", "20230131", "1999-12-31"], ["2023-02-29", "2024-13-01", "2024-1-01", "2024-0101", "24-01-01", 20240101]],
		["time", ["23:59:59", "12:00:00Z", "01:02:03.5+05:30", "120000", "235960"], ["24:00:00", "12:60:00", "12:00", "12:00:00 Z", 120000]],
		["null", [null, ""], ["x", 0, false]],
		["node", [], [null, "x", 1]],
	];
	for (const [format, good, bad] of cases) {
		it(`${format}: takes ${good.length} good values, refuses ${bad.length} with 415`, () => {
			for (const v of good) assert.equal(status(() => encodeLeaf(format, v, "n")), 200, `${format} ${String(v)}`);
			for (const v of bad) assert.equal(status(() => encodeLeaf(format, v, "n")), 415, `${format} ${String(v)}`);
		});
	}

	it("stores canonical text and gives JSON values back (interpretation 14)", () => {
		assert.equal(text(encodeLeaf("int", "+0042", "n")), "42");
		assert.equal(decodeLeaf("int", encodeLeaf("int", -7, "n")), -7);
		assert.equal(decodeLeaf("float", encodeLeaf("float", 2.5, "n")), 2.5);
		assert.equal(decodeLeaf("bool", encodeLeaf("bool", true, "n")), true);
		assert.equal(decodeLeaf("null", encodeLeaf("null", null, "n")), null);
		assert.bytes(encodeLeaf("bin", "AAEC/w==", "n"), Uint8Array.of(0, 1, 2, 255));
		assert.equal(decodeLeaf("bin", Uint8Array.of(0, 1, 2, 255)), "AAEC/w==");
		assert.equal(decodeLeaf("b64", encodeLeaf("b64", "QUJD", "n")), "QUJD", "b64 keeps its text");
		assert.bytes(encodeLeaf("bin", Uint8Array.of(9), "n"), Uint8Array.of(9), "bytes from the device as is");
		assert.equal(status(() => encodeLeaf("chr", Uint8Array.of(0xc3), "n")), 415, "chr bytes are UTF-8");
	});

	it("round-trips base64 of every length", () => {
		for (let n = 0; n < 40; n++) {
			const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
			assert.bytes(decodeBase64(encodeBase64(b))!, b);
		}
	});
});

describe("standard MO schemas (section 12)", () => {
	it("carry the normative MOIDs (interpretation 2) under unique tags", () => {
		assert.deepEqual([DEVINFO.moid, DMACC.moid, DACMO.moid, SESSIONINFO.moid],
			["urn:oma:mo:oma-dm-devinfo:1.2", "urn:oma:mo:oma-dm-dmacc:1.2", "urn:oma:mo:oma-dm-dacmo:1.0", "urn:oma:mo:oma-sessioninfomo:1.0"]);
		assert.equal(new Set(STANDARD_MOS.map((m) => m.tag)).size, 4);
	});

	it("are frozen", () => {
		assert.ok(Object.isFrozen(DMACC) && Object.isFrozen(DMACC.root) && Object.isFrozen(DMACC.root.children[0]));
	});

	it("follow the tables of 12.1–12.4", () => {
		const devId = schemaAt(DEVINFO, ["DevID"])!;
		assert.deepEqual([devId.format, devId.access, devId.occurrence, devId.permanent], ["chr", Access.Get, "One", true]);
		assert.equal(DMACC.root.occurrence, "ZeroOrMore");
		assert.equal(schemaAt(DMACC, ["Perm", "p1", "MOID"])!.format, "chr", "an x-node matches any name");
		assert.equal(schemaAt(DMACC, ["Auth", "Noti", "Type"])!.format, "int");
		assert.equal(schemaAt(DMACC, ["Nope"]), undefined);
		assert.equal(schemaAt(DACMO, ["dms1", "1", "Permissions", "1", "AR"])!.format, "int");
		assert.equal(schemaAt(SESSIONINFO, ["CBT"])!.defaultValue, "0");
		assert.equal(schemaAt(DMACC, ["Ext", "TrustAnchor", "ta1"])!.max, 8, "ZeroOrN keeps its N");
	});

	it("hide Perm and every secret (interpretations 7 and 10)", () => {
		for (const p of [["Perm"], ["Perm", "1"], ["Perm", "1", "MOID"], ["Auth", "Noti", "Secret"], ["Auth", "Trsp", "Secret"], ["Auth", "Bootstrap", "ClientSecretKey"]]) {
			assert.ok(isHidden(schemaAt(DMACC, p)!), p.join("/"));
		}
		assert.ok(!isHidden(schemaAt(DMACC, ["Auth", "Noti", "Data"])!));
		assert.ok((schemaAt(DMACC, ["Auth", "Noti", "Secret"])!.access & Access.Replace) !== 0, "servers re-provision it");
	});

	it("refuse tables no DDF could give", () => {
		assert.throws(() => defineSchema("urn:x", { name: "r", format: "chr", access: 0 }), TypeError);
		assert.throws(() => defineSchema("urn:x", { name: "r", format: "node", access: 0, children: [{ name: "a", format: "chr", access: 0, children: [{ name: "b", format: "chr", access: 0 }] }] }), TypeError);
		assert.throws(() => defineSchema("urn:x", { name: "r", format: "node", access: 0, children: [{ name: "a", format: "chr", access: 0, occurrence: "ZeroOrN" }] }), TypeError);
		assert.throws(() => defineSchema("urn:x", { name: "r", format: "node", access: 0, children: [{ name: "<x>", unnamed: true, format: "chr", access: 0 }, { name: "<y>", unnamed: true, format: "chr", access: 0 }] }), TypeError);
	});
});
