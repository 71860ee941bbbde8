// The whole smartcard bootstrap (8.1, Appendix G, H): the UICC simulator on a pty carries a DM
// account for the development DM server; dm-device on xsdm reads it through SCP03, applies it, and
// opens a BootstrapComplete session over TLS-PSK, which dm-server records. A second start with the
// same card writes nothing and opens no session; a card without the account removes it (DM-BOOT-012).
// The faults (card gone, keys wrong, documents refused, power cuts) are in card-faults.test.ts.
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { CARD_PSK, cardAccounts, cardBench } from "./card-device.js";
import { assert, describe, it } from "../harness/index.js";

const bench = cardBench("card-bootstrap-");

describe("smartcard bootstrap end to end (UICC simulator ↔ xsdm ↔ dm-server)", () => {
	it("applies the card's account through SCP03 and opens a BootstrapComplete session; an unchanged card costs nothing; a dropped account goes", async () => {
		const server = new DmServer({ psk: CARD_PSK });
		const port = await server.listen();
		try {
			const flash = bench.flash("flash.bin");
			let r = await bench.boot(flash, { document: cardAccounts(port, ["cardsrv"]) });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /card bootstrap: accounts cardsrv/);
			assert.ok(r.peer.includes("scp03 authenticated 33"), "read through the secure channel");
			assert.equal(server.sessions.length, 1);
			assert.equal(server.sessions[0]!.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");
			assert.equal(server.sessions[0]!.devId, "IMEI:356938035643809");
			assert.deepEqual(server.sessions[0]!.violations, []);
			assert.ok(!server.wire.some((w) => w.includes(CARD_PSK.key)), "the PSK never crosses the wire");

			r = await bench.boot(flash, { document: cardAccounts(port, ["cardsrv"]) });
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /card bootstrap: unchanged/);
			assert.equal(server.sessions.length, 1, "no new session for an unchanged card");

			r = await bench.boot(flash, { document: cardAccounts(port, []) });
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /card bootstrap: accounts \(none\)/);
			assert.equal(server.sessions.length, 1);
			const gone = await bench.device(flash, ["--session", "cardsrv"]);
			assert.equal(gone.code, 1);
			assert.match(gone.stdout, /no DM account with SrvID cardsrv/);
		} finally {
			await server.close();
		}
	});
});
