// A DM account whose SrvURI names its server by an IPv6 literal (RFC 3986 "[::1]"): 6.2 keeps the
// host's brackets (they are the URI's syntax, not a parameter to substitute), the transport
// connects over IPv6, and TLS-PSK and the session run as over IPv4.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import { compiled, runXsdm, type Run } from "../host/xsdm.js";
import { after, assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-v6", key: Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex") };
const DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function factory(srvUri: string): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "v6-device", Man: "Vendor", Mod: "M", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
		{ ClientURI: `${DMACC}/v6/`, MOData: { v6: {
			SrvID: "v6", SrvURI: srvUri, Name: "IPv6 server",
			Perm: { "1": { MOID: DEVINFO } },
			Auth: { Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") } },
		} } },
		{ ClientURI: `${DACMO}/${encodeURIComponent(DEVINFO)}/`, MOData: { [DEVINFO]: { devinfo: { dms: { Permissions: { "1": { MAID: "serverid:v6", AR: 1 } } } } } } },
	]);
}

/** One client-initiated session of a device whose account names `srvUri`; the server reads DevID. */
async function sessionWith(server: DmServer, srvUri: string): Promise<Run> {
	const dir = mkdtempSync(join(tmpdir(), "dm-endpoint-"));
	dirs.push(dir);
	const r = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--factory-json", factory(srvUri), "--session", "v6", "--log", "json"],
		{ options: ["--flash", join(dir, "flash.bin"), "--flash-size", String(256 * 1024), "--flash-block", "4096"], timeoutMs: 60000 });
	assert.equal(r.code, 0, r.stdout + r.stderr);
	assert.equal(server.sessions.length, 1);
	const p3 = server.sessions[0]!.received.find((x) => x.kind === "package3");
	assert.ok(p3 && p3.kind === "package3", "the device answered the GET");
	assert.equal(JSON.stringify(p3.results).includes("v6-device"), true, JSON.stringify(p3.results));
	return r;
}

describe("e2e: where the DM server is", () => {
	it("runs a session with https://[::1]:PORT/dm over TLS-PSK, and the server reads DevInfo", async () => {
		const server = new DmServer({ psk, sessions: [[[["GET", `${DEVINFO}//DevID`]]]] });
		const port = await server.listen(0, "::1");
		try {
			await sessionWith(server, `https://[::1]:${port}/dm`);
		} finally {
			await server.close();
		}
	});

	it("follows a 308 from the DM server's endpoint once, and the rest of the session goes to the new one", async () => {
		const server = new DmServer({ psk, sessions: [[[["GET", `${DEVINFO}//DevID`]]]], moved: { "/old": { status: 308, location: "/dm/v2" } } });
		const port = await server.listen();
		try {
			const r = await sessionWith(server, `https://127.0.0.1:${port}/old`);
			const posts = server.wire.map((w) => w.toString("latin1").split(" ").slice(0, 2).join(" "));
			assert.deepEqual(posts, ["POST /old", "POST /dm/v2", "POST /dm/v2"]);
			assert.match(r.stdout, /"event":"redirected","status":308,"url":"https:\/\/127\.0\.0\.1:\d+\/dm\/v2"/);
			assert.equal(server.connections.length, 1, "one TLS connection: the move stays on the account's own origin");
		} finally {
			await server.close();
		}
	});
});
