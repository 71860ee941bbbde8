// Smartcard bootstrap logic (8.1, DM-BOOT-012) and the device's card policy over DmClient on a RAM
// flash, with power cut at every flash operation. The card is a document handed out in pieces here;
// the bytes on a real pty come in tests/e2e (xsdm ↔ the UICC simulator).
import { DmClient } from "../../../modules/dm/device/client.js";	// not the room's index: it loads the native transport
import { bootstrapFromCard, cardRecord, CARD_RECORD_KEY, CardUnreadable, type CardBootstrapSource } from "../../../modules/dm/bootstrap/card.js";
import { cardAtStart, cardChannel, type CardChannel, type CardReader } from "../../../modules/dm/bootstrap/card-policy.js";
import { Store } from "../../../modules/dm/store/index.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { PowerCut, RamNorFlash } from "../../fixtures/nor-flash.js";
import { snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVICE } from "../commands/setup.js";

const account = (id: string) => ({
	ClientURI: `${MOIDS.dmAcc}/${id}/`,
	MOData: { [id]: { SrvID: id, SrvURI: `https://${id}.example.com/dm`, Name: id, Perm: { "1": { MOID: "*" } }, Auth: { Trsp: { Data: "aWQ=", Secret: "cHNr" } } } },
});

/** a card whose document can change between starts; `reads` counts passes over it */
function card(doc: () => string | Uint8Array | undefined, piece = 7): CardBootstrapSource & { reads: number } {
	const c = {
		reads: 0,
		read: async (sink: (chunk: Uint8Array) => void): Promise<boolean> => {
			c.reads++;
			const text = doc();
			if (text === undefined) return false;
			const bytes = typeof text === "string" ? encodeUtf8(text) : text;
			for (let at = 0; at < bytes.length; at += piece) sink(bytes.subarray(at, at + piece));
			return true;
		},
	};
	return c;
}

/** a card behind a host that holds its SCP03 keys or not, read in READ BINARY sized pieces;
    `channels` records every read */
function reader(keys: boolean, doc: string | Uint8Array, scp03: "works" | "refused" = "works"): CardReader & { channels: CardChannel[] } {
	const source = card(() => doc, 256);
	const r = {
		keys,
		channels: [] as CardChannel[],
		read: async (channel: CardChannel, sink: (chunk: Uint8Array) => void): Promise<boolean> => {
			r.channels.push(channel);
			if (channel === "scp03" && scp03 === "refused") throw new Error("card cryptogram mismatch: the card does not hold our keys; secure channel aborted");
			return source.read(sink);
		},
	};
	return r;
}

/** the DM accounts as a start sees them: MIID, SrvURI and Name of each, in order */
function accounts(c: DmClient): string {
	return c.tree.instances(MOIDS.dmAcc).sort().map((miid) => ["SrvURI", "Name"].map((n) => c.tree.text({ moid: MOIDS.dmAcc, miid, path: [n] })).join(" ") + ` ${miid}`).join("\n");
}

/** everything on flash but the tree's change counter (a cache validator: applying the same card
    twice counts twice) and, unless asked, what the card gave last (that record is committed after
    the accounts) */
function treeState(store: Store, record = false): string {
	return snapshot(store).split("\n").filter((l) => !l.startsWith("t#generation=") && (record || !l.startsWith(`${CARD_RECORD_KEY}=`))).join("\n");
}

/** the document of one account whose Name is `length` letters, as bytes: XS's charCodeAt walks its
    UTF-8 strings, so encodeUtf8 of a long string is quadratic there */
function withLongName(item: ReturnType<typeof account>, length: number): Uint8Array {
	const [head, tail] = JSON.stringify([item]).split(`"Name":"${Object.keys(item.MOData)[0]}"`).map(encodeUtf8);
	const name = encodeUtf8(`"Name":"`), doc = new Uint8Array(head!.length + name.length + length + 1 + tail!.length);
	doc.set(head!);
	doc.set(name, head!.length);
	doc.fill(0x6e, head!.length + name.length, head!.length + name.length + length);
	doc[head!.length + name.length + length] = 0x22;
	doc.set(tail!, doc.length - tail!.length);
	return doc;
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
		await assert.rejects(bootstrapFromCard(c, failing), (e) => e instanceof CardUnreadable && /card removed/.test(e.message));
		assert.deepEqual(c.servers(), ["dms1"], "a failed read is no answer about the card");
		await assert.rejects(bootstrapFromCard(c, card(() => "[{\"ClientURI\": 5}]")), (e) => e instanceof DmError && e.status === 400);
		await assert.rejects(bootstrapFromCard(c, card(() => JSON.stringify([account("dms2"), { ClientURI: `${MOIDS.devInfo}/x/`, MOData: { x: { Nope: 1 } } }]))), (e) => e instanceof DmError);
		assert.deepEqual(start(flash).servers(), ["dms1"], "a refused document leaves the tree as it was");
	});
});

describe("bootstrap: the device's card policy (8.1)", () => {
	const doc = JSON.stringify([account("dms1")]);

	it("chooses SCP03 whenever the device holds the keys, plain only under any, nothing under off", () => {
		assert.equal(cardChannel("secure", true), "scp03");
		assert.equal(cardChannel("any", true), "scp03");
		assert.equal(cardChannel("any", false), "plain");
		assert.match((cardChannel("secure", false) as { none: string }).none, /holds no SCP03 keys/);
		assert.match((cardChannel("off", true) as { none: string }).none, /disabled/);
	});

	it("off never touches the card and leaves the accounts it gave", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const c = start(flash);
		assert.deepEqual(await cardAtStart(c, "any", reader(false, doc)), { kind: "applied", accounts: ["dms1"] });
		const uicc = reader(true, JSON.stringify([]));
		assert.deepEqual(await cardAtStart(c, "off", uicc), { kind: "off" });
		assert.deepEqual(uicc.channels, []);
		assert.deepEqual(start(flash).servers(), ["dms1"]);
	});

	it("secure without keys reads nothing; a refused secure channel is not retried in plain", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const c = start(flash);
		const noKeys = reader(false, doc);
		const out = await cardAtStart(c, "secure", noKeys);
		assert.equal(out.kind, "unread");
		assert.deepEqual(noKeys.channels, [], "the card is not read at all");
		for (const policy of ["secure", "any"] as const) {
			const swapped = reader(true, doc, "refused");
			const r = await cardAtStart(c, policy, swapped);
			assert.ok(r.kind === "unread" && /secure channel aborted/.test(r.reason), JSON.stringify(r));
			assert.deepEqual(swapped.channels, ["scp03"], `${policy}: no plain read after SCP03 failed`);
		}
		assert.deepEqual(c.servers(), []);
		const keyed = reader(true, doc);
		assert.deepEqual(await cardAtStart(c, "secure", keyed), { kind: "applied", accounts: ["dms1"] });
		assert.deepEqual(keyed.channels, ["scp03", "scp03"]);
	});

	it("a value larger than the store can take on its flash is refused with 506", async () => {
		// 30 blocks: the least the store mounts on for 64 KiB values, with room for a few KiB past its
		// compaction reserve; 24 KiB still fits a card file (READ BINARY reaches 32 KiB)
		const flash = new RamNorFlash(30 * 4096, 4096);
		const c = start(flash);
		await cardAtStart(c, "any", reader(false, doc));
		const r = await cardAtStart(c, "any", reader(false, withLongName(account("dms2"), 24 * 1024)));
		assert.ok(r.kind === "refused" && r.status === 506, JSON.stringify(r));
		assert.deepEqual(start(flash).servers(), ["dms1"]);
	});

	it("a refused document is an outcome with its DM status, and a flash fault is not the card's", async () => {
		const flash = new RamNorFlash(64 * 4096, 4096);
		const c = start(flash);
		await cardAtStart(c, "any", reader(false, doc));
		const { SrvURI: _, ...noUri } = account("dms2").MOData.dms2;
		const r = await cardAtStart(c, "any", reader(false, JSON.stringify([{ ClientURI: `${MOIDS.dmAcc}/dms2/`, MOData: { dms2: noUri } }])));
		assert.ok(r.kind === "refused" && r.status === 415 && /SrvURI/.test(r.reason), JSON.stringify(r));
		const moid = await cardAtStart(c, "any", reader(false, JSON.stringify([{ ClientURI: "urn:oma:mo:acme-unknown:1.0/x/", MOData: { x: { A: 1 } } }])));
		assert.ok(moid.kind === "refused" && moid.status === 404, JSON.stringify(moid));
		assert.deepEqual(start(flash).servers(), ["dms1"]);
		flash.cutAt = flash.operations + 1;
		await assert.rejects(cardAtStart(c, "any", reader(false, JSON.stringify([account("dms4")]))), (e) => e instanceof PowerCut);
	});
});

describe("bootstrap: a card bootstrap under power cuts", () => {
	const oldCard = JSON.stringify([account("old"), account("kept")]);
	const newCard = JSON.stringify([account("new"), { ...account("kept"), MOData: { kept: { ...account("kept").MOData.kept, SrvURI: "https://moved.example.com/dm" } } }]);

	/** a device with a factory account and the accounts of the old card */
	function device(): RamNorFlash {
		const flash = new RamNorFlash(32 * 4096, 4096);
		const c = start(flash);
		c.applyBootstrap([encodeUtf8(JSON.stringify([account("factory")]))]);
		return flash;
	}

	it("leaves exactly the old accounts or exactly the new ones at every cut, and the next start converges", async () => {
		const flash = device();
		await bootstrapFromCard(start(flash), card(() => oldCard));
		const copy = (f: RamNorFlash): RamNorFlash => { const g = new RamNorFlash(f.byteLength, f.blockLength); g.bytes.set(f.bytes); return g; };
		const before = treeState(Store.mount(flash)), beforeAccounts = accounts(start(flash));
		const whole = copy(flash);
		const c = start(whole);
		const first = whole.operations;
		assert.deepEqual(await bootstrapFromCard(c, card(() => newCard)), { changed: true, accounts: ["new", "kept"] });
		const count = whole.operations - first;
		const after = treeState(Store.mount(whole)), afterAccounts = accounts(start(whole));
		const newRecord = cardRecord(c), newDigest = newRecord?.digest;
		assert.ok(count > 2 && before !== after);
		assert.match(afterAccounts, /moved\.example\.com.* kept/);
		assert.match(afterAccounts, / factory$/m);
		let old = 0, fresh = 0;
		for (let cut = 1; cut <= count; cut++) {
			const f = copy(flash);
			const device = start(f);
			f.cutAt = f.operations + cut;
			await assert.rejects(bootstrapFromCard(device, card(() => newCard)), (e) => e instanceof PowerCut, `cut ${cut}`);
			f.cutAt = 0;
			const next = start(f);
			const state = treeState(next.store);
			assert.ok(state === before || state === after, `cut at operation ${cut} of ${count}: the tree is neither the old card's nor the new one's`);
			assert.equal(accounts(next), state === before ? beforeAccounts : afterAccounts);
			if (state === before) old++; else fresh++;
			// the record is written last: until it is, the next start applies the new card again
			const recorded = cardRecord(next)?.digest;
			const again = await bootstrapFromCard(next, card(() => newCard));
			assert.equal(again.changed, recorded !== newDigest, `cut ${cut}: the card is applied again exactly when its record is not yet written`);
			const settled = start(f);
			assert.equal(accounts(settled), afterAccounts, `cut ${cut}: the next start converges`);
			assert.deepEqual(cardRecord(settled), newRecord, `cut ${cut}: and the start after it finds the card unchanged`);
		}
		assert.ok(old > 0 && fresh > 0, `${old} cuts left the old accounts, ${fresh} the new ones`);
		console.log(`      ${count} cut points of a card bootstrap: ${old} old, ${fresh} new`);
	}, 120000);
});
