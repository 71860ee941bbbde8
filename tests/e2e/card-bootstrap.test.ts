// The whole smartcard bootstrap (8.1, Appendix G, H): the UICC simulator on a pty carries a DM
// account for the development DM server; dm-device on xsdm reads it through SCP03, applies it, and
// opens a BootstrapComplete session over TLS-PSK, which dm-server records. A second start with the
// same card writes nothing and opens no session; a card without the account removes it (DM-BOOT-012).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { startUicc } from "../host/uicc-peer.js";
import { compiled, runXsdm } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";

const psk = { identity: "card-device", key: Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex") };
const KEYS = "404142434445464748494a4b4c4d4e4f:505152535455565758595a5b5c5d5e5f:606162636465666768696a6b6c6d6e6f";
const DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2";

const dir = mkdtempSync(join(tmpdir(), "card-bootstrap-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function cardDocument(port: number, accounts: string[]): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:356938035643809", Man: "Acme", Mod: "M1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
		...accounts.map((id) => ({ ClientURI: `${DMACC}/${id}/`, MOData: { [id]: {
			SrvID: id, SrvURI: `https://127.0.0.1:${port}/dm`, Name: "card server", Perm: { "1": { MOID: DEVINFO } },
			Auth: { Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") } },
		} } })),
	]);
}

async function boot(flash: string, document: string): Promise<{ code: number | null; stdout: string; stderr: string; peer: string[] }> {
	const file = join(dir, `card-${Date.now()}.json`);
	writeFileSync(file, document);
	const uicc = await startUicc(["--bootstrap", file, "--scp03", KEYS]);
	try {
		const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--card", `${uicc.slave}:${uicc.fifo}:3g`, "--card-keys", KEYS, "--log", "text"],
			{ options: ["--flash", flash, "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
		return { ...r, peer: uicc.lines };
	} finally {
		await uicc.stop();
	}
}

describe("smartcard bootstrap end to end (UICC simulator ↔ xsdm ↔ dm-server)", () => {
	it("applies the card's account through SCP03 and opens a BootstrapComplete session; an unchanged card costs nothing; a dropped account goes", async () => {
		const server = new DmServer({ psk });
		const port = await server.listen();
		try {
			const flash = join(dir, "flash.bin");
			let r = await boot(flash, cardDocument(port, ["cardsrv"]));
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.match(r.stdout, /card bootstrap: accounts cardsrv/);
			assert.ok(r.peer.includes("scp03 authenticated 33"), "read through the secure channel");
			assert.equal(server.sessions.length, 1);
			assert.equal(server.sessions[0]!.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");
			assert.equal(server.sessions[0]!.devId, "IMEI:356938035643809");
			assert.deepEqual(server.sessions[0]!.violations, []);
			assert.ok(!server.wire.some((w) => w.includes(psk.key)), "the PSK never crosses the wire");

			r = await boot(flash, cardDocument(port, ["cardsrv"]));
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /card bootstrap: unchanged/);
			assert.equal(server.sessions.length, 1, "no new session for an unchanged card");

			r = await boot(flash, cardDocument(port, []));
			assert.equal(r.code, 0, r.stderr);
			assert.match(r.stdout, /card bootstrap: accounts \(none\)/);
			assert.equal(server.sessions.length, 1);
			const gone = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--session", "cardsrv"], { options: ["--flash", flash], timeoutMs: 30000 });
			assert.equal(gone.code, 1);
			assert.match(gone.stdout, /no DM account with SrvID cardsrv/);
		} finally {
			await server.close();
		}
	});
});
