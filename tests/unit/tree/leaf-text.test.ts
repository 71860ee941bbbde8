// Leaf values given as the UTF-8 of a JSON string (ChangeSet.putText, encodeLeafText): what a
// dmmo+json body's string leaves become on their way to flash without a JS string (issue 18). The
// reference is encodeLeaf over the decoded text: the same bytes stored, or the same refusal.
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { FORMATS, encodeLeaf, encodeLeafText, type Format } from "../../../modules/dm/tree/index.js";
import { TEST_MOID, freshTree, provision } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

const T = (miid: string, ...path: string[]) => ({ moid: TEST_MOID, miid, path });

function outcome(fn: () => Uint8Array): string {
	try { return `stored ${Array.from(fn()).join(",")}`; } catch (e) { if (e instanceof DmError) return `${e.status} ${e.message}`; throw e; }
}

const TEXTS = [
	"", "0", "-0", "7", "+7", "007", "-12", "4294967295", "4294967296", "-2147483648", "-2147483649", "12345678901", "1.5", "1e3", "-.5e-2", "1e999",
	"true", "false", "True", "yes", "2026-12-07", "20261207", "2026-02-30", "12:30:00Z", "123000+0100", "25:00:00",
	"c2VjcmV0", "c2VjcmV0=", "AAEC", "a b", "é€😀", "a\u0000b", "<x>é</x>", "x".repeat(300),
];

describe("leaf values as UTF-8 text", () => {
	it("stores what encodeLeaf stores for the decoded text, or refuses alike, in every format", () => {
		let compared = 0;
		for (const format of FORMATS as readonly Format[]) {
			for (const text of TEXTS) {
				const bytes = encodeUtf8(text);
				assert.equal(outcome(() => encodeLeafText(format, bytes, "x")), outcome(() => encodeLeaf(format, text, "x")), `${format} ${JSON.stringify(text)}`);
				compared++;
			}
		}
		assert.ok(compared > 300);
	});

	it("refuses bytes that are not UTF-8 with 415 in every format that takes text", () => {
		for (const format of FORMATS as readonly Format[]) {
			if (format === "node") continue;
			for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x61, 0xff]]) {
				const e = assert.throws(() => encodeLeafText(format, Uint8Array.from(bad), "x"), DmError) as DmError;
				assert.equal(e.status, 415, `${format} ${bad.join(",")}`);
			}
		}
	});

	it("keeps chr and xml bytes as given, and a canonical int's or a bool's, in a copy of the range asked", () => {
		for (const [format, text] of [["chr", "é€😀 a\u0000b"], ["xml", "<a/>"], ["int", "-12"], ["bool", "true"], ["null", ""]] as [Format, string][]) {
			const inner = encodeUtf8(text);
			const source = new Uint8Array(inner.length + 4).fill(0x22);
			source.set(inner, 2);
			const stored = encodeLeafText(format, source, "x", 2, 2 + inner.length);
			assert.deepEqual(Array.from(stored), Array.from(inner), format);
			source.fill(0x3f);
			assert.deepEqual(Array.from(stored), Array.from(inner), `${format}: the source is lent, what is returned is the caller's`);
		}
		const e = assert.throws(() => encodeLeafText("chr", Uint8Array.of(0x61, 0xff, 0x62), "x", 0, 3), DmError) as DmError;
		assert.equal(e.status, 415);
		assert.deepEqual(Array.from(encodeLeafText("chr", Uint8Array.of(0x61, 0xff, 0x62), "x", 0, 1)), [0x61], "only the range is read");
	});

	it("writes a leaf given as text to flash as its bytes: it reads back identical, after a remount too", () => {
		const { tree, remount } = freshTree();
		provision(tree);
		const cs = tree.change();
		cs.createInstance(TEST_MOID, "a");
		const value = "名前 é€😀 \u0000 \"quoted\" \\";
		const lent = encodeUtf8(value);
		cs.putText(T("a", "Val"), lent);
		cs.putText(T("a", "Num"), encodeUtf8("+0042"));
		cs.putText(T("a", "Doc"), encodeUtf8("<doc>é</doc>"));
		lent.fill(0x3f);   // the caller's buffer is lent: the change set kept a copy
		assert.equal(cs.text(T("a", "Val")), value, "the pending view");
		cs.commit();
		for (const t of [tree, remount()]) {
			assert.equal(t.text(T("a", "Val")), value);
			assert.equal(t.text(T("a", "Num")), "42", "an int made canonical");
			assert.equal(t.text(T("a", "Doc")), "<doc>é</doc>");
			const stored: number[] = [];
			t.read(T("a", "Val"), (c) => stored.push(...c));
			assert.deepEqual(stored, Array.from(encodeUtf8(value)), "the bytes on flash are the UTF-8 given");
			assert.equal(decodeUtf8(Uint8Array.from(stored)), value);
		}
	});

	it("refuses a value that does not fit its format and leaves nothing of the change set", () => {
		const { tree } = freshTree();
		provision(tree);
		const cs = tree.change();
		cs.createInstance(TEST_MOID, "a");
		cs.putText(T("a", "Val"), encodeUtf8("kept?"));
		const e = assert.throws(() => cs.putText(T("a", "Num"), encodeUtf8("forty-two")), DmError) as DmError;
		assert.equal(e.status, 415);
		assert.deepEqual(tree.instances(TEST_MOID), [], "aborted whole");
		const e2 = assert.throws(() => tree.change().putText(T("x"), encodeUtf8("a")), DmError) as DmError;
		assert.equal(e2.status, 404);
	});
});
