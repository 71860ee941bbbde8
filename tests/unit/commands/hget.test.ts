// HGET (5.3.1) against a scripted data repository (scripted-http.ts): dmmo+json applied in one
// change set, a single leaf from text/plain (I.2), a new MO instance placed by the client with its
// location returned, and the failure statuses 415 / 419 / 403 / 404 with the tree unchanged. Each
// case runs twice: bodies through read() (the reference path), then through pull()'s lent pieces.
import { runCommand } from "../../../modules/dm/commands/index.js";
import { HGET_ACCEPT } from "../../../modules/dm/commands/index.js";
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { TEST_MOID, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import type { Reply } from "./scripted-http.js";
import { setup as setupWith } from "./setup.js";

const HGET = (serverUri: string, clientUri?: string) => ({ index: 0, command: clientUri === undefined ? { name: "HGET" as const, serverUri } : { name: "HGET" as const, serverUri, clientUri } });
const dmmo = (doc: unknown): Reply => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: JSON.stringify(doc) });

for (const lend of [false, true]) describe(lend ? "HGET (bodies through pull(), lent pieces)" : "HGET", () => {
	const setup = (...a: Parameters<typeof setupWith>) => setupWith(a[0], a[1], a[2], lend);

	it("GETs the substituted ServerURI with Accept, and applies dmmo+json at the ClientURI (replace)", async () => {
		const { ctx, tree, at, http } = setup(() => dmmo([{ ClientURI: "ignored when HGET names one", MOData: { Items: { i2: { ID: "two", When: "2024-01-02" } } } }]));
		const r = await runCommand(ctx, HGET("https://repo.example.com/items?dev=[DevID]", `${TEST_MOID}/inst/Items`));
		assert.equal(r.status, 200);
		assert.equal(r.uris, undefined, "no locations when the server chose the place");
		assert.equal(http.sent[0]!.method, "GET");
		assert.equal(http.sent[0]!.url, "https://repo.example.com/items?dev=IMEI:493005100592800");
		assert.equal(http.sent[0]!.headers["accept"], HGET_ACCEPT);
		assert.equal(tree.text(at("Items", "i2", "ID")), "two");
		assert.equal(tree.text(at("Items", "i2", "When")), "2024-01-02");
		assert.equal(tree.has(at("Items", "i1")), false, "data left out of a replaced node is gone");
	});

	it("sets one leaf from a text/plain body (Appendix I.2), and a bin leaf from raw bytes", async () => {
		const { ctx, tree, at } = setup((req) => req.url.endsWith("/val")
			? { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "AB123CES121XX90TPOWQESEFSE33" }
			: { status: 200, headers: { "Content-Type": "application/octet-stream" }, body: new Uint8Array([0, 1, 2, 255]) });
		assert.equal((await runCommand(ctx, HGET("https://repo.example.com/val", `${TEST_MOID}/inst/Val`))).status, 200);
		assert.equal(tree.text(at("Val")), "AB123CES121XX90TPOWQESEFSE33");
		assert.equal((await runCommand(ctx, HGET("https://repo.example.com/blob", `${TEST_MOID}/inst/Blob`))).status, 200);
		assert.deepEqual(Array.from(tree.bytes(at("Blob"))!), [0, 1, 2, 255]);
	});

	it("re-provisions a No-Get secret it may write but never read (I.2, interpretation 10)", async () => {
		const { ctx, tree } = setup(() => ({ status: 200, headers: { "Content-Type": "text/plain" }, body: "AB123CES121XX90TPOWQESEFSE33" }));
		const r = await runCommand(ctx, HGET("https://www.dms.com/new_secret?DevID=[DevID]", "urn:oma:mo:oma-dm-dmacc:2.0/(x)/Auth/Noti/Secret?nv=(x)/SrvID:dms1"));
		assert.equal(r.status, 200);
		const stored = tree.bytes({ moid: MOIDS.dmAcc, miid: "dms1", path: ["Auth", "Noti", "Secret"] })!;
		assert.equal(decodeUtf8(stored), "AB123CES121XX90TPOWQESEFSE33", "a bin leaf keeps the body's bytes");
		const other = await runCommand(ctx, HGET("https://www.dms.com/s", "urn:oma:mo:oma-dm-dmacc:2.0/dms2/Auth/Noti/Secret"));
		assert.equal(other.status, 403, "another server's account");
	});

	it("creates an MO instance when the data names only the MO, and returns where it went", async () => {
		const { ctx, tree } = setup(() => dmmo([{ ClientURI: `${TEST_MOID}//`, MOData: { usb: { Val: "usb", Num: 7 } } }]));
		const r = await runCommand(ctx, HGET("https://repo.example.com/new"));
		assert.equal(r.status, 200);
		assert.deepEqual(r.uris, [`${TEST_MOID}/usb/`]);
		assert.equal(tree.text({ moid: TEST_MOID, miid: "usb", path: ["Num"] }), "7");
		assert.ok(ctx.access.rights({ moid: TEST_MOID, miid: "usb", path: [] }) === 15, "the creating server owns it (10)");
	});

	it("a later item of the same data may address an instance an earlier item created", async () => {
		const { ctx, tree } = setup(() => dmmo([
			{ ClientURI: `${TEST_MOID}/made/`, MOData: { made: { Val: "first", Num: 3 } } },
			{ ClientURI: `${TEST_MOID}/made/Items`, MOData: { Items: { i7: { ID: "seven" } } } },
			{ ClientURI: `${TEST_MOID}/made/Val`, MOData: { Val: "second" } },
		]));
		const r = await runCommand(ctx, HGET("https://repo.example.com/new"));
		assert.equal(r.status, 200);
		assert.deepEqual(r.uris, [`${TEST_MOID}/made/`, `${TEST_MOID}/made/Items`, `${TEST_MOID}/made/Val`]);
		assert.equal(tree.text({ moid: TEST_MOID, miid: "made", path: ["Val"] }), "second");
		assert.equal(tree.text({ moid: TEST_MOID, miid: "made", path: ["Items", "i7", "ID"] }), "seven");
	});

	it("streams a long value in pieces (chr and base64 bin) straight to flash", async () => {
		let long = "";
		for (let i = 0; i < 300; i++) long += "é" + String(i % 10);
		const bytes = new Uint8Array(1000).map((_, i) => (i * 7) & 255);
		let b64 = "";
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (let i = 0; i < bytes.length; i += 3) {
			const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
			b64 += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : "=") + (i + 2 < bytes.length ? alphabet[n & 63]! : "=");
		}
		const { ctx, tree, at } = setup(() => dmmo({ ClientURI: "x", MOData: { inst: { Val: long, Num: 1, Blob: b64, Items: {} } } }));
		assert.equal((await runCommand(ctx, HGET("https://repo.example.com/x", `${TEST_MOID}/inst/`))).status, 200);
		assert.equal(tree.text(at("Val"), 10000), long);
		assert.deepEqual(Array.from(tree.bytes(at("Blob"))!), Array.from(bytes));
		assert.equal(tree.has(at("Secret")), true, "a No-Get node the server could not send stays");
		assert.equal(tree.has(at("Run")), true, "a node the MO does not let servers delete stays");
		assert.equal(tree.has(at("Items", "i1")), false, "an exposed, deletable node left out goes");
	});

	it("writes string leaves to flash as their UTF-8, escapes decoded, short and long, across pieces", async () => {
		// 256 bytes: one piece of the reader's, put whole; 257: two pieces, streamed
		const edge = "x".repeat(254) + "é", over = "y".repeat(255) + "é";
		const body = `{"ClientURI":"x","MOData":{"inst":{"Val":"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n€😀 \\u0000end","Num":"+0042","Doc":"${over}","Items":{"i2":{"ID":"${edge}","When":"2024-02-29"}}}}}`;
		const { ctx, tree, at } = setup(() => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body }));
		assert.equal((await runCommand(ctx, HGET("https://repo.example.com/x", `${TEST_MOID}/inst/`))).status, 200);
		const val = "a\"b\\cé😀\n€😀 \u0000end";
		assert.equal(tree.text(at("Val")), val);
		assert.equal(decodeUtf8(tree.bytes(at("Val"))!), val, "stored as its UTF-8");
		assert.deepEqual(Array.from(tree.bytes(at("Val"))!), Array.from(encodeUtf8(val)));
		assert.equal(tree.text(at("Num")), "42", "an int given as text is stored canonical");
		assert.equal(tree.text(at("Doc"), 1000), over);
		assert.equal(tree.text(at("Items", "i2", "ID")), edge);
		assert.equal(tree.text(at("Items", "i2", "When")), "2024-02-29");
	});

	it("refuses a value that is not UTF-8 with 415 and changes nothing", async () => {
		const head = encodeUtf8(`[{"ClientURI":"x","MOData":{"Items":{"i2":{"ID":"ab`), tail = encodeUtf8(`"}}}}]`);
		const body = new Uint8Array(head.length + 2 + tail.length);
		body.set(head); body.set([0xed, 0xa0], head.length); body.set(tail, head.length + 2);
		const { ctx, store } = setup(() => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body }));
		const before = snapshot(store);
		assert.equal((await runCommand(ctx, HGET("https://repo.example.com/x", `${TEST_MOID}/inst/Items`))).status, 415);
		assert.equal(snapshot(store), before);
	});

	it("answers 415 for unknown formats and data that does not fit, 419 when the GET fails, and changes nothing", async () => {
		const cases: [Reply | "drop", number][] = [
			[{ status: 200, headers: { "Content-Type": "application/xml" }, body: "<x/>" }, 415],
			[dmmo([{ ClientURI: "x", MOData: { Items: { i2: { Nope: 1 } } } }]), 415],
			[dmmo([{ ClientURI: "x", MOData: { Items: { i2: { ID: 5 } } } }]), 415],
			[{ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: "[{\"ClientURI\":\"x\",\"MOData\":{\"Items\":{\"i2\":" }, 415],
			[{ status: 404 }, 419],
			[{ status: 500, body: "oops" }, 419],
			["drop", 419],
		];
		for (const [reply, status] of cases) {
			const { ctx, store } = setup(() => reply);
			const before = snapshot(store);
			assert.equal((await runCommand(ctx, HGET("https://repo.example.com/x", `${TEST_MOID}/inst/Items`))).status, status, JSON.stringify(reply));
			assert.equal(snapshot(store), before);
		}
	});

	it("refuses before any request: 403 without Write, 404 for no such node, 419 for a bad ServerURI", async () => {
		const other = setup(() => ({ status: 200 }), {}, "dms3");
		assert.equal((await runCommand(other.ctx, HGET("https://r.example.com/x", `${TEST_MOID}/inst/Val`))).status, 403);
		assert.equal((await runCommand(other.ctx, HGET("https://r.example.com/x", `${MOIDS.devInfo}/devinfo/Nope/Deeper`))).status, 404);
		assert.equal((await runCommand(other.ctx, HGET("https://r.example.com/[DevID", `${TEST_MOID}/inst/Val`))).status, 419);
		assert.equal((await runCommand(other.ctx, HGET("http://r.example.com/x", `${TEST_MOID}/inst/Val`))).status, 419, "plain http outside development");
		assert.equal(other.http.sent.length, 0);
	});

	it("answers 506 when flash is full, with the tree as before", async () => {
		const big = "x".repeat(4000);
		const items: Record<string, string> = {};
		for (let i = 0; i < 3; i++) items["v" + i] = big;
		const { ctx, store, tree, at } = setup(() => dmmo([{ ClientURI: "x", MOData: { Val: big.repeat(70) } }]));
		const before = snapshot(store);
		const r = await runCommand(ctx, HGET("https://r.example.com/x", `${TEST_MOID}/inst/Val`));
		assert.equal(r.status, 506);
		assert.equal(snapshot(store), before);
		assert.equal(tree.text(at("Val")), "hello");
	});
});
