// The smartcard bootstrap when things go wrong (8.1, DM-BOOT-009..012), end to end: dm-device on
// xsdm, the UICC simulator on a pty, dm-server over TLS-PSK. A card that cannot be read, keys that
// do not match, a policy that forbids the channel, or a document that does not fit change nothing
// and do not stop the device; a card that changed, was replaced or carries no bootstrap does; a
// factory account survives all of it; a power cut anywhere in a card bootstrap leaves the old
// accounts or the new ones, and the next start converges (every 2nd operation on xsdm;
// CARD_SWEEP_STRIDE=1 for all of them; every one on both engines in tests/unit/bootstrap/card.test.ts).
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { copyFileSync } from "node:fs";
import { CARD_KEYS, CARD_PSK, DEVICE_MAIN, accountsAfterCard, cardAccount, cardBench, cardDocument, type CardBoot } from "./card-device.js";
import { runXsdm, type Run } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

const bench = cardBench("card-faults-");
const BOOTSTRAP_COMPLETE = "urn:oma:at:dm:2.0:BootstrapComplete";
const WRONG_KEYS = "00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff:00112233445566778899aabbccddeeff";
/** exit codes of dm-device with --card alone (hosts/sim/dm-device/main.ts) */
const UNREAD = 3, REFUSED = 4;

/** a DM server and a device whose factory bootstrap gives it the account "factory" at that server */
async function withServer(test: (server: DmServer, url: (path?: string) => string, factory: string[]) => Promise<void>): Promise<void> {
	const server = new DmServer({ psk: CARD_PSK });
	const port = await server.listen();
	const url = (query = "") => `https://127.0.0.1:${port}/dm${query}`;
	try {
		await test(server, url, ["--factory-json", cardDocument([cardAccount("factory", url())])]);
	} finally {
		await server.close();
	}
}

/** no key byte of either key set appears in what the device printed */
function assertNoKeys(text: string): void {
	for (const k of [...CARD_KEYS.split(":"), ...WRONG_KEYS.split(":")]) {
		assert.ok(!text.toLowerCase().includes(k.slice(0, 8)), "no key bytes in the log");
	}
}

describe("smartcard bootstrap faults end to end (UICC simulator ↔ xsdm ↔ dm-server)", () => {
	it("card removed, changed, replaced, without bootstrap: the card's accounts follow the card, the factory account stays", async () => {
		await withServer(async (server, url, factory) => {
			const flash = bench.flash("life.bin");
			const card = (items: object[]): CardBoot => ({ document: cardDocument(items), args: factory });
			let r = await bench.boot(flash, card([cardAccount("cardsrv", url())]));
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);
			assert.equal(server.sessions.length, 1);

			// removed: nothing answers on the line; the device carries on with the accounts it has
			r = await bench.boot(flash, { ...card([]), uicc: ["--fault", "mute-atr:0"], args: ["--session", "cardsrv"] });
			assert.match(r.stdout, /card bootstrap: not read: the card could not be read: .*; the accounts stay as they are/);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);
			assert.equal(r.code, 0, `the session with the card's account still works: ${r.stdout}`);
			assert.equal(server.sessions.length, 2);
			assert.notEqual(server.sessions[1]!.trigger, BOOTSTRAP_COMPLETE);
			r = await bench.boot(flash, { ...card([]), uicc: ["--fault", "mute-atr:0"] });
			assert.equal(r.code, UNREAD, "with --card alone, an unread card has its own exit code");

			// changed: one account's SrvURI moves
			r = await bench.boot(flash, card([cardAccount("cardsrv", url("?card=2"))]));
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /card bootstrap: accounts cardsrv$/m);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url("?card=2")} factory=${url()}`);
			assert.equal(server.sessions.length, 3);
			assert.equal(server.sessions[2]!.trigger, BOOTSTRAP_COMPLETE);

			// replaced: another card, another account
			r = await bench.boot(flash, card([cardAccount("othersrv", url())]));
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(accountsAfterCard(r.stdout), `factory=${url()} othersrv=${url()}`);
			assert.equal(server.sessions.length, 4);
			assert.equal(server.sessions[3]!.trigger, BOOTSTRAP_COMPLETE);

			// a readable card without a DM bootstrap: the card's accounts go (DM-BOOT-012)
			r = await bench.boot(flash, { document: undefined, args: ["--session", "factory"] });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /card bootstrap: accounts \(none\)/);
			assert.equal(accountsAfterCard(r.stdout), `factory=${url()}`);
			assert.equal(server.sessions.length, 5, "the factory account's session");
			assert.deepEqual(server.sessions.flatMap((s) => s.violations), []);
		});
	});

	it("wrong SCP03 keys, a card without SCP03 or a device without keys under policy secure, and policy off change nothing", async () => {
		await withServer(async (server, url, factory) => {
			const flash = bench.flash("secure.bin");
			const document = cardDocument([cardAccount("cardsrv", url())]);
			let r = await bench.boot(flash, { document, args: factory });
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);
			const replaced = cardDocument([cardAccount("intruder", url())]);

			r = await bench.boot(flash, { document: replaced, deviceKeys: WRONG_KEYS, args: ["--session", "cardsrv"] });
			assert.match(r.stdout, /card bootstrap: not read: .*card cryptogram mismatch.*secure channel aborted/);
			assertNoKeys(r.stdout + r.stderr);
			assert.ok(!r.peer.some((l) => /^select 5208/.test(l)), "the bootstrap file is never selected");
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);
			assert.equal(r.code, 0, `the device carries on: ${r.stdout}`);

			r = await bench.boot(flash, { document: replaced, cardKeys: null, args: ["--card-policy", "secure"] });
			assert.equal(r.code, UNREAD, r.stdout);
			assert.match(r.stdout, /not read: .*INITIALIZE UPDATE refused/);
			assertNoKeys(r.stdout + r.stderr);

			r = await bench.boot(flash, { document: replaced, deviceKeys: null, args: ["--card-policy", "secure"] });
			assert.equal(r.code, UNREAD, r.stdout);
			assert.match(r.stdout, /not read: the device policy asks for SCP03 and the device holds no SCP03 keys/);
			assert.ok(!r.peer.some((l) => l.startsWith("apdu")), "the card is not asked anything");

			r = await bench.boot(flash, { document: replaced, args: ["--card-policy", "off"] });
			assert.equal(r.code, 0, r.stdout);
			assert.match(r.stdout, /card bootstrap: off \(device policy\)/);
			assert.ok(!r.peer.some((l) => l.startsWith("apdu") || l.startsWith("reset")), `the card is never touched: ${r.peer.join("; ")}`);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);

			r = await bench.boot(flash, { document, args: ["--session", "cardsrv"] });
			assert.match(r.stdout, /card bootstrap: unchanged/, "the record of what the card gave did not move either");
			assert.equal(r.code, 0, r.stdout);
			assert.equal(server.sessions.length, 3, "BootstrapComplete, then the two sessions with cardsrv");
		});
	});

	it("malformed card options (a key that is not hex, two keys, a PIN with letters, an unknown profile) are bad options (exit 2), the card untouched and no key text printed", async () => {
		const flash = bench.flash("options.bin");
		const boot = (args: string[]): CardBoot => ({ document: cardDocument([]), deviceKeys: null, args });
		const uicc = await bench.uicc(boot([]));
		try {
			const [enc, mac] = CARD_KEYS.split(":");
			const cases: [string[], RegExp][] = [
				[["--card-keys", `${enc}:${mac}:${mac!.slice(0, 31)}x`], /--card-keys DEK: hex bytes expected/],
				[["--card-keys", `${enc}:${mac}`], /--card-keys: ENC:MAC:DEK, three keys in hex/],
				[["--card-pin", "12a4"], /--card-pin: digits expected/],
			];
			for (const [args, message] of cases) {
				const r = await bench.onCard(uicc, flash, boot(args));
				assert.equal(r.code, 2, r.stdout + r.stderr);
				assert.match(r.stdout + r.stderr, message);
				assertNoKeys(r.stdout + r.stderr);
			}
			const r = await runXsdm(DEVICE_MAIN, ["--card", `${uicc.slave}:${uicc.fifo}:4g`], { options: ["--flash", flash, "--flash-size", String(64 * 4096), "--flash-block", "4096"], timeoutMs: 60000 });
			assert.equal(r.code, 2, r.stdout + r.stderr);
			assert.match(r.stdout + r.stderr, /--card's profile: 3g or 2g, not 4g/);
			assert.ok(!uicc.lines.some((l) => l.startsWith("reset")), `the card is never touched: ${uicc.lines.join("; ")}`);
		} finally {
			await uicc.stop();
		}
	});

	it("a document with a missing required node, an unknown MOID or a value the flash cannot hold is refused with its status", async () => {
		await withServer(async (server, url, factory) => {
			// 30 blocks: the least the store mounts on for 64 KiB values; past its compaction reserve it
			// has room for a few KiB, so a 24 KiB Name (READ BINARY reaches 32 KiB of a card file) is more
			// than it can take. Read plainly (policy any, no keys) to keep it quick
			const flash = bench.flash("refused.bin"), flashSize = 30 * 4096;
			const plain = (items: object[], args: string[] = []): CardBoot => ({ document: cardDocument(items), cardKeys: null, deviceKeys: null, flashSize, args });
			const good = [cardAccount("cardsrv", url())];
			let r = await bench.boot(flash, plain(good, factory));
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`);
			const refusals: [string, object[], number, RegExp][] = [
				["a DMAcc without SrvURI", [cardAccount("cardsrv", url("?v=2")), cardAccount("nouri", url(), { SrvURI: undefined })], 415, /required node SrvURI is missing/],
				["an unknown MOID", [...good, { ClientURI: "urn:oma:mo:acme-unknown:1.0/x/", MOData: { x: { A: 1 } } }], 404, /no such MO/],
				["a 24 KiB Name", [cardAccount("cardsrv", url("?v=3"), { Name: "n".repeat(24 * 1024) })], 506, /storage is full/],
			];
			for (const [what, items, status, message] of refusals) {
				r = await bench.boot(flash, plain(items));
				assert.equal(r.code, REFUSED, `${what}: ${r.stdout}`);
				assert.match(r.stdout, new RegExp(`card bootstrap: refused with status ${status}: .*${message.source}.*; nothing changed`), what);
				assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url()} factory=${url()}`, what);
			}
			r = await bench.boot(flash, plain(good, ["--session", "cardsrv"]));
			assert.match(r.stdout, /card bootstrap: unchanged/);
			assert.equal(r.code, 0, r.stdout);
			assert.equal(server.sessions.length, 2);
		});
	});

	it("a power cut at a sample of the flash operations of a card bootstrap leaves the old accounts or the new ones, and the next start converges", async () => {
		// nobody listens on port 1: the BootstrapComplete sessions fail at once (logged, exit 0)
		const url = (query = "") => `https://127.0.0.1:1/dm${query}`;
		const factory = ["--factory-json", cardDocument([cardAccount("factory", url())])];
		const start = bench.flash("cut-start.bin");
		let r: Run = await bench.boot(start, { document: cardDocument([cardAccount("cardsrv", url()), cardAccount("oldsrv", url())]), args: factory });
		assert.equal(r.code, 0, r.stderr + r.stdout);
		const old = accountsAfterCard(r.stdout), fresh = `cardsrv=${url("?card=2")} factory=${url()} newsrv=${url()}`;
		const next: CardBoot = { document: cardDocument([cardAccount("cardsrv", url("?card=2")), cardAccount("newsrv", url())]) };
		const uicc = await bench.uicc(next);
		try {
			const flash = bench.flash("cut.bin");
			const stride = Number(process.env["CARD_SWEEP_STRIDE"] ?? 2);
			let cuts = 0, sawOld = 0, sawNew = 0;
			for (let cut = 1; ; cut += stride) {
				copyFileSync(start, flash);
				r = await bench.onCard(uicc, flash, { ...next, xsdm: ["--powercut", String(cut)] });
				if (r.code === 0) break;   // the whole start took fewer operations than this
				assert.equal(r.code, 86, `cut ${cut}: ${r.stderr}${r.stdout}`);
				cuts++;
				const seen = await bench.onCard(uicc, flash, { ...next, args: ["--card-policy", "off"] });
				assert.equal(seen.code, 0, seen.stderr);
				const accounts = accountsAfterCard(seen.stdout);
				assert.ok(accounts === old || accounts === fresh, `cut at operation ${cut}: accounts ${accounts}`);
				if (accounts === old) sawOld++; else sawNew++;
				const again = await bench.onCard(uicc, flash, next);
				assert.equal(again.code, 0, again.stderr);
				assert.match(again.stdout, /card bootstrap: (accounts cardsrv newsrv|unchanged)$/m);
				assert.equal(accountsAfterCard(again.stdout), fresh, `cut ${cut}: the next start converges`);
			}
			assert.equal(accountsAfterCard(r.stdout), fresh, "uncut, the start applies the new card");
			assert.ok(cuts >= 5 && sawOld > 0, `${cuts} cuts: ${sawOld} left the old accounts, ${sawNew} the new ones`);
			console.log(`      ${cuts} cut points (one every ${stride} operations) on xsdm: ${sawOld} old, ${sawNew} new`);
		} finally {
			await uicc.stop();
		}
	}, 120000);
});
