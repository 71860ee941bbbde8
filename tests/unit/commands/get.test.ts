// GET (5.3.6) and the dmmo+json it produces for Appendix F: statuses 200/204/304/403/404/400, the
// data of the nodes the server may see (never a No-Get node), lv= cutting sub-trees to "{}", the
// cache validator on instance roots (11.2).
import { decodeBase64 } from "../../../modules/bytes/index.js";
import { nodeUri, runCommand } from "../../../modules/dm/commands/index.js";
import { encodeName } from "../../../modules/dm/commands/serialize.js";
import { FRAGMENT_MAX } from "../../../modules/dm/store/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { TEST_MOID } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVID, dmmoOf, setup } from "./setup.js";

const GET = (clientUri: string, index = 0) => ({ index, command: { name: "GET" as const, clientUri } });

describe("GET", () => {
	it("answers 200 and serialises a leaf under its own name (Appendix F)", async () => {
		const { ctx, tree } = setup();
		const r = await runCommand(ctx, GET("urn:oma:mo:oma-dm-devinfo:1.0//DevID", 3));
		assert.equal(r.status, 200);
		assert.equal(r.get!.index, 3);
		assert.deepEqual(dmmoOf(tree, [r.get!.selection]), [{ ClientURI: `${MOIDS.devInfo}/devinfo/DevID`, MOData: { DevID: DEVID } }]);
	});

	it("serialises a whole instance by format, with its cache validator, and hides No-Get nodes", async () => {
		const { ctx, tree } = setup();
		const r = await runCommand(ctx, GET(`${TEST_MOID}/inst/`));
		assert.equal(r.status, 200);
		const doc = dmmoOf(tree, [r.get!.selection]) as { ClientURI: string; CV: string; MOData: Record<string, Record<string, unknown>> }[];
		assert.equal(doc.length, 1);
		assert.equal(doc[0]!.ClientURI, `${TEST_MOID}/inst/`);
		assert.equal(doc[0]!.CV, tree.cacheValidator(TEST_MOID, "inst"));
		assert.deepEqual(doc[0]!.MOData, { inst: { Items: { i1: { ID: "one" } }, Num: 5, Run: null, Val: "hello" } });
	});

	it("serialises leaves short and long alike: empty, one fragment of the store's, one byte more, several", async () => {
		for (const n of [0, 1, FRAGMENT_MAX, FRAGMENT_MAX + 1, 3 * FRAGMENT_MAX + 7]) {
			const { ctx, tree, at } = setup();
			const val = "é".repeat(n >> 1) + "v".repeat(n & 1), blob = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
			const cs = tree.change(); cs.put(at("Val"), val); cs.put(at("Blob"), blob); cs.commit();
			const r = await runCommand(ctx, GET(`${TEST_MOID}/inst/`));
			const data = (dmmoOf(tree, [r.get!.selection]) as { MOData: { inst: { Val: string; Blob: string } } }[])[0]!.MOData.inst;
			assert.equal(data.Val, val, `a string of ${n} bytes`);
			assert.deepEqual(Array.from(decodeBase64(data.Blob) ?? []), Array.from(blob), `${n} bytes of bin`);
		}
	});

	it("names each node in its ClientURI as 6.1.1.2 allows: unreserved characters as they are, others percent-encoded", () => {
		const reference = (n: string) => encodeURIComponent(n).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
		for (const n of ["DevID", "a-b.c_d~e", "", "a b", "a/b", "é", "😀", "(x)", "*", "!'", "100%", "x?y#z", "A+B=C"]) {
			assert.equal(encodeName(n), reference(n), JSON.stringify(n));
		}
		assert.equal(nodeUri({ moid: TEST_MOID, miid: "in st", path: ["Items", "i/1"] }), `${TEST_MOID}/in%20st/Items/i%2F1`);
	});

	it("cuts sub-trees at lv= with empty objects", async () => {
		const { ctx, tree } = setup();
		const r = await runCommand(ctx, GET(`${TEST_MOID}/inst/Items?lv=1`));
		assert.deepEqual((dmmoOf(tree, [r.get!.selection]) as { MOData: unknown }[])[0]!.MOData, { Items: { i1: {} } });
	});

	it("answers 304 while the cache validator holds, 200 once the instance changed", async () => {
		const { ctx, tree, at } = setup();
		const cv = tree.cacheValidator(TEST_MOID, "inst")!;
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst/Val?cv=${cv}`))).status, 304);
		const cs = tree.change();
		cs.put(at("Val"), "changed");
		cs.commit();
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst/Val?cv=${cv}`))).status, 200);
	});

	it("answers 204 for a node with nothing to send, 404 for absent and No-Get nodes, 403 without Read, 400 for a bad ClientURI", async () => {
		const { ctx } = setup();
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst/Run`))).status, 204);
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst/Nope`))).status, 404);
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst/Secret`))).status, 404);
		assert.equal((await runCommand(ctx, GET("urn:oma:mo:invalid-moid:1.0//"))).status, 404);
		assert.equal((await runCommand(ctx, GET(`${TEST_MOID}/inst//`))).status, 400);
		const other = setup(undefined, {}, "dms3");
		assert.equal((await runCommand(other.ctx, GET(`${TEST_MOID}/inst/Val`))).status, 403);
	});

	it("a wildcard gives one item per node", async () => {
		const { ctx, tree } = setup();
		const r = await runCommand(ctx, GET(`${TEST_MOID}/*/Items/*/ID`));
		assert.deepEqual(dmmoOf(tree, [r.get!.selection]), [{ ClientURI: `${TEST_MOID}/inst/Items/i1/ID`, MOData: { ID: "one" } }]);
	});
});
