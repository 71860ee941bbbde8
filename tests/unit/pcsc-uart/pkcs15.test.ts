// The DER reader and the PKCS#15 structures of Appendix G on byte vectors: the EF.DIR template,
// ODF, DODF (private flags, a foreign object before ours, subclass attributes), APDU builders
// with the channel in CLA, and a fuzz of malformed DER that must end in CardError("format").
import {
	CardError, JsonEnd, classByte, closeChannel, dodfPaths, findBootstrap, openChannel, pkcs15Path, readBinary, readTlv, selectAid, selectFid, verifyPin,
} from "../../../modules/pcsc-uart/index.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { fuzzPkcs15 } from "../../fuzz/pcsc.js";

const { fromHex: h, toHex } = assert;
const ascii = (s: string): string => toHex(Uint8Array.from(s, (c) => c.charCodeAt(0)));
const format = (e: unknown) => e instanceof CardError && e.fault === "format";

// smartcard.md's examples
const DIR_RECORD = "61 1C 4F 0C A000000063504B43532D3135 50 06" + ascii("OMA DM") + "51 04 3F005015 FFFF";
const ODF = "A8 06 30 04 04 02 4401  A7 06 30 04 04 02 5207  FFFFFFFF";
const BOOT = "30 20 30 0E 0C 0C" + ascii("DM Bootstrap") + "30 06 06 04 672B0701 A1 06 30 04 04 02 5208";
const OTHER = "30 1C 30 07 0C 05" + ascii("Other") + "30 07 06 05 2B06010401 A1 08 30 06 04 04 3F005209";

describe("pcsc-uart: DER reader", () => {
	it("reads short and long lengths and checks them against the container", () => {
		assert.deepEqual(readTlv(h("04 02 AABB"), 0), { tag: 4, start: 2, end: 4 });
		const long = new Uint8Array(3 + 200); long.set([0x04, 0x81, 200]);
		assert.deepEqual(readTlv(long, 0), { tag: 4, start: 3, end: 203 });
		assert.throws(() => readTlv(h("04 03 AABB"), 0), /claims 3 bytes/);
		assert.throws(() => readTlv(h("30 80 0000"), 0), /indefinite/);
		assert.throws(() => readTlv(h("04 83 000001 00"), 0), /too long/);
		assert.throws(() => readTlv(h("1F 01 00"), 0), /multi-byte tag/);
		assert.throws(() => readTlv(h("04"), 0), format);
		assert.throws(() => readTlv(h("04 02 AABB"), 0, 3), /claims 2 bytes, only 1/);
	});
});

describe("pcsc-uart: PKCS#15 structures (Appendix G)", () => {
	it("finds the PKCS#15 path in an EF.DIR record and skips other applications", () => {
		assert.bytes(pkcs15Path(h(DIR_RECORD))!, "3F005015");
		assert.equal(pkcs15Path(h("61 0A 4F 08 A000000087100200 FF")), undefined, "USIM template");
		assert.equal(pkcs15Path(h("FFFFFFFF")), undefined, "empty record");
		assert.throws(() => pkcs15Path(h("61 0E 4F 0C A000000063504B43532D3135")), /no path/);
	});

	it("lists DODF paths in ODF order, ignoring other directories and the FF tail", () => {
		assert.deepEqual(dodfPaths(h(ODF)).map(toHex), ["5207"]);
		assert.deepEqual(dodfPaths(h("A7 06 30 04 04 02 5207 A7 06 30 04 04 02 5210")).map(toHex), ["5207", "5210"]);
		assert.throws(() => dodfPaths(h("A7 05 30 03 04 01 52")), /path/);
		assert.throws(() => dodfPaths(h("A7 06 30 04 04 01 52")), /claims 6 bytes/);
	});

	it("finds the bootstrap object by OID 2.23.43.7.1 after a foreign one", () => {
		const o = findBootstrap(h(OTHER + BOOT + "0000"))!;
		assert.equal(o.label, "DM Bootstrap");
		assert.equal(o.needsPin, false);
		assert.bytes(o.path, "5208");
		assert.equal(findBootstrap(h(OTHER)), undefined);
	});

	it("reads the private and modifiable flags and skips subclass attributes [0]", () => {
		const priv = "30 24 30 12 0C 0C" + ascii("DM Bootstrap") + "03 02 07 80 30 06 06 04 672B0701 A1 06 30 04 04 02 5208";
		assert.equal(findBootstrap(h(priv))!.needsPin, true);
		const modifiable = priv.replace("03 02 07 80", "03 02 06 40");
		assert.equal(findBootstrap(h(modifiable))!.needsPin, true);
		const sub = "30 24 30 0E 0C 0C" + ascii("DM Bootstrap") + "30 06 06 04 672B0701 A0 02 05 00 A1 06 30 04 04 02 5208";
		assert.bytes(findBootstrap(h(sub))!.path, "5208");
	});

	it("refuses a bootstrap object without typeAttributes", () => {
		const bad = "30 18 30 0E 0C 0C" + ascii("DM Bootstrap") + "30 06 06 04 672B0701";
		assert.throws(() => findBootstrap(h(bad)), format);
	});

	const iterations = engine === "xs" ? 10000 : 200000;
	it(`fuzz: ${iterations} mutated ODF/DODF/EF.DIR images parse or fail with CardError("format")`, () => {
		const stats = fuzzPkcs15(iterations, 11);
		assert.ok(stats.refused > iterations / 10 && stats.parsed > 0, JSON.stringify(stats));
	});
});

describe("pcsc-uart: where the bootstrap JSON ends", () => {
	const bytes = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));

	it("finds the close of the top-level array or object across chunks, with the whitespace after it", () => {
		const j = new JsonEnd();
		assert.equal(j.scan(bytes('[{"a":"]}\\"",')), -1, "brackets and an escaped quote inside a string do not count");
		assert.equal(j.scan(bytes('"b":[1,{}]}')), -1);
		assert.equal(j.scan(bytes("] \n\xff\xff")), 3, "the close, then a space and a newline");
		assert.equal(j.scan(bytes("]")), 0, "nothing after the end belongs to the document");
		assert.equal(new JsonEnd().scan(bytes('{"k":1}')), 7);
	});

	it("never ends a bare scalar or an unfinished document (the FF padding does)", () => {
		assert.equal(new JsonEnd().scan(bytes('"text" 12')), -1);
		assert.equal(new JsonEnd().scan(bytes('[[1],[2]')), -1);
	});
});

describe("pcsc-uart: command APDUs", () => {
	it("puts the logical channel in CLA: 0-3 in the first class, 4-19 in the further one", () => {
		assert.equal(classByte("3g", 0), 0x00);
		assert.equal(classByte("3g", 3), 0x03);
		assert.equal(classByte("3g", 4), 0x40);
		assert.equal(classByte("3g", 19), 0x4f);
		assert.equal(classByte("2g", 0), 0xa0);
		assert.throws(() => classByte("3g", 20), /channel/);
		assert.throws(() => classByte("2g", 1), /no logical channels/);
	});

	it("builds SELECT, READ BINARY, VERIFY and MANAGE CHANNEL", () => {
		assert.deepEqual(selectFid("3g", 1, 0x5031), { cla: 1, ins: 0xa4, p1: 0, p2: 4, data: h("5031"), le: 256 });
		assert.deepEqual(selectFid("2g", 0, 0x3f00), { cla: 0xa0, ins: 0xa4, p1: 0, p2: 0, data: h("3F00"), le: 256 });
		assert.equal(selectAid(5, h("A000")).cla, 0x41);
		assert.deepEqual(readBinary("3g", 0, 0x1234, 200), { cla: 0, ins: 0xb0, p1: 0x12, p2: 0x34, le: 200 });
		assert.throws(() => readBinary("3g", 0, 0x8000, 1), /offset/);
		assert.bytes(verifyPin("2g", 0, h("31323334")).data!, "31323334FFFFFFFF");
		assert.throws(() => verifyPin("3g", 0, h("3132")), /4 to 8/);
		assert.deepEqual(openChannel(), { cla: 0, ins: 0x70, p1: 0, p2: 0, le: 1 });
		assert.deepEqual(closeChannel(2), { cla: 0, ins: 0x70, p1: 0x80, p2: 2 });
		assert.throws(() => closeChannel(0), /cannot be closed/);
	});
});
