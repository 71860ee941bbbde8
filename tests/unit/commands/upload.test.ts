// HPUT / HPOST (5.3.2, 5.3.3, 5.5) against a scripted data repository (scripted-http.ts): bodies
// streamed with back-pressure, OMADM-Accept honoured, one retry after 415, and Appendix C's
// 200 / 304 / 403 / 404 / 406 / 419.
import { runCommand } from "../../../modules/dm/commands/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { TEST_MOID } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import type { Reply } from "./scripted-http.js";
import { DEVID, setup } from "./setup.js";

const cmd = (name: "HPUT" | "HPOST", serverUri: string, ...clientUris: string[]) => ({ index: 0, command: { name, serverUri, clientUris } });

describe("HPUT and HPOST", () => {
	it("PUTs the selected sub-trees as dmmo+json, one item per ClientURI (I.1 without OMADM-Accept)", async () => {
		const { ctx, http, tree } = setup();
		const r = await runCommand(ctx, cmd("HPUT", "https://dr.example.com/[DevID]", `${MOIDS.devInfo}//`, `${TEST_MOID}/inst/Val`, `${TEST_MOID}/inst/Nope`));
		assert.equal(r.status, 200, "one ClientURI not found is no failure while others were sent");
		const s = http.sent[0]!;
		assert.equal(s.method, "PUT");
		assert.equal(s.url, `https://dr.example.com/${encodeURIComponent(DEVID).replace(/%3A/g, ":")}`);
		assert.equal(s.headers["content-type"], "application/dmmo+json");
		const doc = JSON.parse(s.text) as { ClientURI: string; CV?: string; MOData: Record<string, unknown> }[];
		assert.deepEqual(doc.map((d) => d.ClientURI), [`${MOIDS.devInfo}/devinfo/`, `${TEST_MOID}/inst/Val`]);
		assert.equal(doc[0]!.CV, tree.cacheValidator(MOIDS.devInfo, "devinfo"));
		assert.equal((doc[0]!.MOData.devinfo as Record<string, string>).DevID, DEVID);
		assert.deepEqual(doc[1]!.MOData, { Val: "hello" });
	});

	it("POSTs one leaf in its own MIME when the server's OMADM-Accept prefers it (Appendix I.1's text/plain)", async () => {
		const { ctx, http } = setup();
		ctx.omadmAccept = "text/plain, application/dmmo+json;q=0.5";
		assert.equal((await runCommand(ctx, cmd("HPOST", "https://dr.example.com/cam", `${TEST_MOID}/inst/Num`))).status, 200);
		assert.equal(http.sent[0]!.method, "POST");
		assert.equal(http.sent[0]!.headers["content-type"], "text/plain");
		assert.equal(http.sent[0]!.text, "5");
	});

	it("retries once after 415 in a type the answer's OMADM-Accept names; 406 when none fits", async () => {
		const retry = setup((_req, n) => (n === 0 ? { status: 415, headers: { "OMADM-Accept": "text/plain" } } : { status: 201 }));
		assert.equal((await runCommand(retry.ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val`))).status, 200);
		assert.deepEqual(retry.http.sent.map((s) => s.headers["content-type"]), ["application/dmmo+json", "text/plain"]);
		assert.equal(retry.http.sent[1]!.text, "hello");

		const none = setup(() => ({ status: 415, headers: { "OMADM-Accept": "application/cbor" } }));
		assert.equal((await runCommand(none.ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val`))).status, 406);
		assert.equal(none.http.sent.length, 1);

		const twice = setup(() => ({ status: 415, headers: { "OMADM-Accept": "text/plain" } }));
		assert.equal((await runCommand(twice.ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val`))).status, 419, "one retry, not more");
		assert.equal(twice.http.sent.length, 2);

		const refused = setup();
		refused.ctx.omadmAccept = "application/xml";
		assert.equal((await runCommand(refused.ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val`))).status, 406);
		assert.equal(refused.http.sent.length, 0);
	});

	it("answers 419 when the request fails, 404 when nothing is selected, 304 when every cv= holds, 403 without Read", async () => {
		for (const reply of [{ status: 500 }, { status: 404 }, "drop"] as (Reply | "drop")[]) {
			const { ctx } = setup(() => reply);
			assert.equal((await runCommand(ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val`))).status, 419);
		}
		const { ctx, tree, http } = setup();
		assert.equal((await runCommand(ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Nope`, `${TEST_MOID}/inst/Secret`))).status, 404);
		const cv = tree.cacheValidator(TEST_MOID, "inst")!;
		assert.equal((await runCommand(ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Val?cv=${cv}`))).status, 304);
		assert.equal((await runCommand(ctx, cmd("HPUT", "https://dr.example.com/X]", `${TEST_MOID}/inst/Val`))).status, 419);
		assert.equal(http.sent.length, 0);
		const other = setup(undefined, {}, "dms3");
		assert.equal((await runCommand(other.ctx, cmd("HPOST", "https://dr.example.com/x", `${MOIDS.devInfo}//`, `${TEST_MOID}/inst/Val`))).status, 403);
		assert.equal(other.http.sent.length, 0, "nothing leaves when one ClientURI is forbidden");
	});

	it("streams a large bin leaf as base64 without holding it", async () => {
		const { ctx, tree, at, http } = setup();
		const bytes = new Uint8Array(5000).map((_, i) => (i * 31) & 255);
		const cs = tree.change();
		const w = cs.putStream(at("Blob"));
		for (let i = 0; i < bytes.length; i += 700) w.write(bytes.subarray(i, i + 700));
		w.end();
		cs.commit();
		assert.equal((await runCommand(ctx, cmd("HPUT", "https://dr.example.com/x", `${TEST_MOID}/inst/Blob`))).status, 200);
		const doc = JSON.parse(http.sent[0]!.text) as { MOData: { Blob: string } }[];
		const b64 = doc[0]!.MOData.Blob;
		assert.equal(b64.length, Math.ceil(5000 / 3) * 4);
		assert.ok(http.sent[0]!.drains >= 4, "the producer waited on drain() each time the send buffer filled");
	});
});
