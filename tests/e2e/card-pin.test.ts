// A PIN-protected DM bootstrap object (G.2.4 / G.3.4) end to end: dm-device --card-pin on xsdm, the
// UICC simulator with a private bootstrap object on a pty (through SCP03: the PIN crosses the line
// encrypted), dm-server over TLS-PSK. The right PIN reads; no PIN, a wrong one or a blocked PIN
// change nothing and say why (tries left), the wrong PIN is presented once, a blocked one never;
// the PIN is in no line the device prints.
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { CARD_PSK, accountsAfterCard, cardAccount, cardBench, cardDocument } from "./card-device.js";
import { assert, describe, it } from "../harness/index.js";

const bench = cardBench("card-pin-");
const PIN = "73915824", WRONG = "60606060";
const UNREAD = 3;
/** VERIFY carrying a PIN on the line: channel 1 under SCP03 (class 05), Lc 18 = the padded PIN
    encrypted (16) and the C-MAC (8); the retry-counter query carries the C-MAC alone (Lc 08) */
const presented = (peer: string[]): number => peer.filter((l) => /^apdu 0520000118/.test(l)).length;

function assertNoPin(text: string): void {
	for (const pin of [PIN, WRONG]) {
		assert.ok(!text.includes(pin), `the PIN ${pin === PIN ? "" : "(wrong) "}is in no line the device printed`);
		assert.ok(!text.toLowerCase().includes(Buffer.from(pin).toString("hex")), "nor its bytes in hex");
	}
}

describe("card PIN end to end (dm-device --card-pin ↔ UICC simulator ↔ dm-server)", () => {
	it("no PIN, a wrong PIN, a blocked PIN change nothing; the right PIN reads; the PIN is never printed", async () => {
		const server = new DmServer({ psk: CARD_PSK });
		const port = await server.listen();
		const url = `https://127.0.0.1:${port}/dm`;
		try {
			const flash = bench.flash("pin.bin");
			const factory = ["--factory-json", cardDocument([cardAccount("factory", url)])];
			const document = cardDocument([cardAccount("cardsrv", url)]);
			const uicc = ["--pin", PIN];

			let r = await bench.boot(flash, { document, uicc, args: factory });
			assert.equal(r.code, UNREAD, r.stdout + r.stderr);
			assert.match(r.stdout, /card bootstrap: not read: .*give the card PIN/);
			assert.equal(accountsAfterCard(r.stdout), `factory=${url}`);
			assert.equal(presented(r.peer), 0);

			r = await bench.boot(flash, { document, uicc, args: ["--card-pin", WRONG] });
			assert.equal(r.code, UNREAD, r.stdout + r.stderr);
			assert.match(r.stdout, /card bootstrap: not read: .*wrong card PIN, not retried: 2 tries left/);
			assert.equal(accountsAfterCard(r.stdout), `factory=${url}`, "nothing changed");
			assert.deepEqual(r.peer.filter((l) => l.startsWith("pin ")), ["pin wrong 2"], "presented once, not retried");
			assertNoPin(r.stdout + r.stderr);

			r = await bench.boot(flash, { document, uicc: [...uicc, "--pin-tries", "0"], args: ["--card-pin", PIN] });
			assert.equal(r.code, UNREAD, r.stdout + r.stderr);
			assert.match(r.stdout, /card bootstrap: not read: .*PIN is blocked/);
			assert.equal(presented(r.peer), 0, "a blocked PIN is not presented");
			assert.equal(accountsAfterCard(r.stdout), `factory=${url}`);
			assertNoPin(r.stdout + r.stderr);

			r = await bench.boot(flash, { document, uicc, args: ["--card-pin", PIN] });
			assert.equal(r.code, 0, r.stdout + r.stderr);
			assert.match(r.stdout, /card bootstrap: accounts cardsrv$/m);
			assert.equal(accountsAfterCard(r.stdout), `cardsrv=${url} factory=${url}`);
			assert.ok(r.peer.includes("pin ok"), r.peer.join("\n"));
			assert.ok(!r.peer.some((l) => l.toLowerCase().includes(Buffer.from(PIN).toString("hex"))), "under SCP03 the PIN crosses the line encrypted");
			assertNoPin(r.stdout + r.stderr);
			assert.equal(server.sessions.length, 1, "the card's account gets its BootstrapComplete session");
		} finally {
			await server.close();
		}
	});
});
