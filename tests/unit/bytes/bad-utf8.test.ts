// A chr or xml leaf value that is not UTF-8 (an overlong form, an encoded surrogate, a code point
// above U+10FFFF, a sequence cut at the end) is refused with 415 and nothing is stored, whichever
// way it comes: an HGET text/plain body (streamed to flash in 7-byte pieces, so the bad sequence
// also straddles pieces), an HGET of dmmo+json, a factory bootstrap and the card's document.
// 415: Appendix C's status for data that "is unrecognized" (see tree.ts streamCheck and dmmo.ts).
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { bootstrapFromCard, type CardBootstrapSource } from "../../../modules/dm/bootstrap/card.js";
// DmClient from its own file: the device room's index also loads the native transport, which Node has not
import { DmClient } from "../../../modules/dm/device/client.js";
import { runCommand } from "../../../modules/dm/commands/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { TEST_MOID, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVICE, setup } from "../commands/setup.js";

const BAD: readonly [string, number[]][] = [
	["overlong E0 80 80", [0xe0, 0x80, 0x80]],
	["overlong C0 80", [0xc0, 0x80]],
	["surrogate ED A0 80", [0xed, 0xa0, 0x80]],
	["above U+10FFFF F4 90 80 80", [0xf4, 0x90, 0x80, 0x80]],
	["F5 lead", [0xf5, 0x80, 0x80, 0x80]],
];
const CUT: [string, number[]] = ["cut E2 82 at the end", [0xe2, 0x82]];

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) { out.set(p, at); at += p.length; }
	return out;
};

const HGET = (clientUri: string) => ({ index: 0, command: { name: "HGET" as const, serverUri: "https://repo.example.com/v", clientUri } });

describe("bad UTF-8: HGET text/plain into a chr or xml leaf", () => {
	for (const leaf of ["Val", "Doc"]) {
		for (const [name, seq] of [...BAD, CUT]) {
			it(`${leaf}: ${name} is 415, and the tree is as before`, async () => {
				// the bad bytes at every offset mod 7, so some straddle the scripted body's pieces
				for (let offset = 0; offset < 7; offset++) {
					const body = seq === CUT[1] ? cat(encodeUtf8("é".repeat(offset)), seq) : cat(encodeUtf8("a".repeat(offset)), seq, encodeUtf8("tail é"));
					const { ctx, store } = setup(() => ({ status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body }));
					const before = snapshot(store);
					const r = await runCommand(ctx, HGET(`${TEST_MOID}/inst/${leaf}`));
					assert.equal(r.status, 415, `offset ${offset}`);
					assert.equal(snapshot(store), before, `offset ${offset}: nothing stored`);
				}
			});
		}
	}

	it("takes valid UTF-8 whose sequences straddle the pieces (the same path accepts)", async () => {
		const text = "a😀é€x😀";
		const { ctx, tree } = setup(() => ({ status: 200, headers: { "Content-Type": "text/plain" }, body: encodeUtf8(text) }));
		assert.equal((await runCommand(ctx, HGET(`${TEST_MOID}/inst/Doc`))).status, 200);
		assert.equal(tree.text({ moid: TEST_MOID, miid: "inst", path: ["Doc"] }), text);
	});
});

/** a dmmo+json document putting `value` (raw bytes inside the JSON string) into a chr leaf */
function dmmoWith(value: Uint8Array, leaf: "Name" | "Val"): Uint8Array {
	if (leaf === "Val") return cat(encodeUtf8(`[{"ClientURI":"${TEST_MOID}/inst/","MOData":{"inst":{"Val":"`), value, encodeUtf8(`","Num":1}}}]`));
	return cat(encodeUtf8(`[{"ClientURI":"${MOIDS.dmAcc}/acc/","MOData":{"acc":{"SrvID":"acc","SrvURI":"https://acc.example.com/dm","Name":"`), value,
		encodeUtf8(`","Perm":{"1":{"MOID":"*"}},"Auth":{"Trsp":{"Data":"aWQ=","Secret":"cHNr"}}}}}]`));
}

describe("bad UTF-8: HGET of dmmo+json", () => {
	for (const [name, seq] of [...BAD, CUT]) {
		it(`${name} in a chr value is 415, and the tree is as before`, async () => {
			const { ctx, store } = setup(() => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body: dmmoWith(cat(encodeUtf8("ab"), seq), "Val") }));
			const before = snapshot(store);
			const r = await runCommand(ctx, { index: 0, command: { name: "HGET" as const, serverUri: "https://repo.example.com/v" } });
			assert.equal(r.status, 415);
			assert.equal(snapshot(store), before);
		});
	}
});

function client(flash: RamNorFlash): DmClient {
	return new DmClient({ flash, device: DEVICE, random: (n) => new Uint8Array(n), now: () => 0, http: () => { throw new Error("no network in this test"); } });
}

function refused415(e: unknown): boolean {
	return e instanceof DmError && e.status === 415 && /UTF-8/.test(e.message);
}

describe("bad UTF-8: a factory bootstrap and the card's document", () => {
	for (const [name, seq] of [...BAD, CUT]) {
		it(`${name} in an account's Name: the factory bootstrap is refused with 415 and nothing is stored`, () => {
			const flash = new RamNorFlash(64 * 4096, 4096);
			const c = client(flash);
			const before = snapshot(c.store);
			const doc = dmmoWith(cat(encodeUtf8("Acme"), seq), "Name");
			let error: unknown;
			try { c.applyBootstrap([doc.subarray(0, 100), doc.subarray(100)]); } catch (e) { error = e; }
			assert.ok(refused415(error), String(error));
			assert.equal(snapshot(client(flash).store), before);
			assert.deepEqual(client(flash).servers(), []);
		});

		it(`${name} in an account's Name: the card's document is refused with 415, its accounts and record as before`, async () => {
			const flash = new RamNorFlash(64 * 4096, 4096);
			const c = client(flash);
			const good = dmmoWith(encodeUtf8("Good"), "Name");
			let doc = good;
			const card: CardBootstrapSource = { read: async (sink) => { for (let at = 0; at < doc.length; at += 5) sink(doc.subarray(at, at + 5)); return true; } };
			await bootstrapFromCard(c, card);
			assert.deepEqual(c.servers(), ["acc"]);
			const before = snapshot(c.store);
			doc = dmmoWith(cat(encodeUtf8("Evil"), seq), "Name");
			let error: unknown;
			try { await bootstrapFromCard(c, card); } catch (e) { error = e; }
			assert.ok(refused415(error), String(error));
			const after = client(flash);
			assert.equal(snapshot(after.store), before, "the accounts and the card record as before");
			assert.equal(after.tree.text({ moid: MOIDS.dmAcc, miid: after.tree.instances(MOIDS.dmAcc)[0]!, path: ["Name"] }), "Good");
		});
	}
});
