// Smartcard bootstrap logic (8.1, DM-BOOT-012) over DmClient on a RAM flash. The card is a document
// handed out in pieces here; the bytes on a real pty come in tests/host (xsdm ↔ the UICC simulator).
import { DmClient } from "../../../modules/dm/client.js";
import { bootstrapFromCard, cardRecord, type CardBootstrapSource } from "../../../modules/dm/bootstrap/card.js";
import { encodeUtf8 } from "../../../modules/dm/codec/utf8.js";
import { DmError } from "../../../modules/dm/error.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVICE } from "../commands/setup.js";

const account = (id: string) => ({
	ClientURI: `${MOIDS.dmAcc}/${id}/`,
	MOData: { [id]: { SrvID: id, SrvURI: `https://${id}.example.com/dm`, Name: id, Perm: { "1": { MOID: "*" } }, Auth: { Trsp: { Data: "aWQ=", Secret: "cHNr" } } } },
});

/** a card whose document can change between starts; `reads` counts passes over it */
function card(doc: () => string | undefined, piece = 7): CardBootstrapSource & { reads: number } {
	const c = {
		reads: 0,
		read: async (sink: (chunk: Uint8Array) => void): Promise<boolean> => {
			c.reads++;
			const text = doc();
			if (text === undefined) return false;
			const bytes = encodeUtf8(text);
			for (let at = 0; at < bytes.length; at += piece) sink(bytes.subarray(at, at + piece));
			return true;
		},
	};
	return c;
}

function start(flash: RamNorFlash): DmClient {
	return new DmClient({ flash, device: DEVICE, random: (n) => new Uint8Array(n), now: () => 0, http: () => { throw new Error("no network in this test"); } });
}

describe("bootstrap: from the smartcard", () => {
	it("applies the card at first start, and an unchanged card costs one read and no flash write", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		let doc = JSON.stringify([account("dms1"), account("dms2")]);
		const uicc = card(() => doc);
		const c = start(flash);
		assert.deepEqual(await bootstrapFromCard(c, uicc), { changed: true, accounts: ["dms1", "dms2"] });
		assert.deepEqual(c.servers().sort(), ["dms1", "dms2"]);
		assert.equal(uicc.reads, 2);
		const again = start(flash);
		const programmed = again.store.programmed;
		assert.deepEqual(await bootstrapFromCard(again, uicc), { changed: false });
		assert.equal(uicc.reads, 3);
		assert.equal(again.store.programmed, programmed, "no flash write for an unchanged card");
		doc = JSON.stringify([account("dms2")]);
		assert.deepEqual(await bootstrapFromCard(again, uicc), { changed: true, accounts: ["dms2"] });
		assert.deepEqual(again.servers(), ["dms2"], "the account the card dropped is gone (DM-BOOT-012)");
		assert.deepEqual(start(flash).servers(), ["dms2"]);
	});

	it("keeps accounts that did not come from the card", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const c = start(flash);
		c.applyBootstrap([encodeUtf8(JSON.stringify([account("factory")]))]);
		let doc: string | undefined = JSON.stringify([account("dms1")]);
		await bootstrapFromCard(c, card(() => doc));
		assert.deepEqual(c.servers().sort(), ["dms1", "factory"]);
		doc = undefined;   // another card, without a DM bootstrap
		assert.deepEqual(await bootstrapFromCard(c, card(() => doc)), { changed: true, accounts: [] });
		assert.deepEqual(c.servers(), ["factory"]);
		assert.deepEqual(cardRecord(c), { digest: "none", accounts: [] });
	});

	it("changes nothing when the card cannot be read or its document is refused", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const c = start(flash);
		await bootstrapFromCard(c, card(() => JSON.stringify([account("dms1")])));
		const failing: CardBootstrapSource = { read: async () => { throw new Error("card removed"); } };
		await assert.rejects(bootstrapFromCard(c, failing), /card removed/);
		assert.deepEqual(c.servers(), ["dms1"], "a failed read is no answer about the card");
		await assert.rejects(bootstrapFromCard(c, card(() => "[{\"ClientURI\": 5}]")), (e) => e instanceof DmError && e.status === 400);
		await assert.rejects(bootstrapFromCard(c, card(() => JSON.stringify([account("dms2"), { ClientURI: `${MOIDS.devInfo}/x/`, MOData: { x: { Nope: 1 } } }]))), (e) => e instanceof DmError);
		assert.deepEqual(start(flash).servers(), ["dms1"], "a refused document leaves the tree as it was");
	});
});
