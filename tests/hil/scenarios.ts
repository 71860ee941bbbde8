// The e2e scenarios the hardware-in-the-loop runner drives on any target: each one scripts
// dm-server, asks the target's device for a client-initiated session with it, and judges the run
// from what the server recorded (never from the device's own console alone).
import assert from "node:assert/strict";
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import type { DmServer, Psk, ServerOptions } from "../../hosts/sim/peers/dm-server/server.js";

export const PSK = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
export const DEVID = "IMEI:493005100592800";
export const SRVID = "dms1";

/** The UICC's account (8.1, Appendix G): its own SrvID and PSK, read through SCP03 with the card's static keys. */
export const CARD = {
	srvId: "cardsrv",
	name: "card server",
	psk: { identity: "card-device", key: Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex") },
	/** ENC:MAC:DEK (AES-128), the card's and the device's */
	keys: "404142434445464748494a4b4c4d4e4f:505152535455565758595a5b5c5d5e5f:606162636465666768696a6b6c6d6e6f",
};

/** A UICC (hosts/sim/peers/uicc on a pty) the device reads at start instead of a factory account. */
export interface CardSetup {
	/** the dmmo+json document in its EF DM_Bootstrap, for the server on that port */
	document(port: number): string;
	/** the SCP03 static keys ENC:MAC:DEK the card offers and the device holds (policy secure) */
	keys: string;
}

export interface Scenario {
	name: string;
	/** the server's script; PORT in a command's argument becomes the server's port */
	server: Partial<ServerOptions>;
	/** the PSK the server knows (default PSK, the factory account's) */
	psk?: Psk;
	/** the account the device's session is asked for (default SRVID) */
	srvId?: string;
	/** the device starts with no factory account and reads this card at start */
	card?: CardSetup;
	/** the device's exit status the scenario expects */
	exit: number;
	/** throws (an AssertionError) when the server's record is not what the spec asks */
	check(server: DmServer, deviceOutput: string): void;
}

/** The one DevInfo instance in a GET's MOData, whatever its MIID (a factory file names it; a device
    that writes its own facts calls it DevInfo). */
const devInfo = (moData: Record<string, unknown>): Record<string, string> => {
	const instances = Object.values(moData);
	assert.equal(instances.length, 1, `one DevInfo instance, not ${Object.keys(moData).join(", ")}`);
	return instances[0] as Record<string, string>;
};

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", SESSIONINFO = "urn:oma:mo:oma-sessioninfomo:1.0", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
const NEW_NAME = "renamed by HGET";

const noSecret = (server: DmServer, psk: Psk = PSK): void => {
	const wire = Buffer.concat(server.wire);
	assert.equal(wire.indexOf(psk.key), -1, "the PSK left the device");
	assert.equal(wire.indexOf(Buffer.from(psk.key.toString("base64"))), -1, "the PSK (base64) left the device");
};

const BOOTSTRAP_COMPLETE = "urn:oma:at:dm:2.0:BootstrapComplete", CLIENT_INITIATED = "urn:oma:at:dm:2.0:ClientInitiatedMgmt";

/** The card's document: its DM account at the server on that port, with the card's PSK and rights. */
function cardDocument(port: number): string {
	return JSON.stringify([{ ClientURI: `${DMACC}/${CARD.srvId}/`, MOData: { [CARD.srvId]: {
		SrvID: CARD.srvId, SrvURI: `https://127.0.0.1:${port}/dm`, Name: CARD.name,
		Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC } },
		Auth: { Trsp: { Data: Buffer.from(CARD.psk.identity).toString("base64"), Secret: CARD.psk.key.toString("base64") } },
	} } }]);
}

export const SCENARIOS: Scenario[] = [
	{
		name: "I.1 GET DevInfo (multipart), HPOST FwV, END",
		server: {
			omadmAccept: "text/plain, application/dmmo+json;q=0.5",
			sessions: [[
				[["GET", "urn:oma:mo:oma-dm-devinfo:1.0//"]],
				[["HPOST", "https://127.0.0.1:PORT/camera_state?DevID=[DevID]", "urn:oma:mo:oma-dm-devinfo:1.2//FwV"], ["END"]],
			] as Command[][]],
		},
		exit: 0,
		check(server) {
			const s = server.sessions[0];
			assert.ok(s, "no session reached the server");
			assert.deepEqual(s.violations, []);
			assert.equal(s.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");	// the factory account's first session (8)
			const p3 = s.received[1];
			assert.ok(p3 && p3.kind === "package3", "no Package#3");
			assert.deepEqual(p3.body.Status, [{ sc: 200 }]);
			// a board says its own DevID (the chip's MAC) and FwV (its image): judged against what it sent
			const info = devInfo(p3.results[0]![0]!.MOData);
			assert.equal(info.DevID, s.devId, "DevInfo/DevID is not the OMADM-DevID the session came with");
			const post = server.repositoryRequests.find((q) => q.path === "/camera_state");
			assert.ok(post, "no HPOST reached the repository");
			assert.equal(post.method, "POST");
			assert.equal(post.body.toString(), info.FwV, "the HPOST did not carry DevInfo/FwV");
			assert.equal(post.devId, s.devId, "the HPOST's [DevID] was not substituted");
			assert.equal(s.received.length, 2, "END: no further package");
			noSecret(server);
		},
	},
	{
		name: "HGET of a leaf from the repository, GET it back; an unknown MOID and a secret are 404",
		server: {
			repository: { "/name": { status: 200, contentType: "text/plain", body: NEW_NAME } },
			sessions: [[
				[["HGET", "https://127.0.0.1:PORT/name?DevID=[DevID]", `${DMACC}/${SRVID}/Name`]],
				[["GET", `${DMACC}/${SRVID}/Name`], ["GET", `${SESSIONINFO}//`], ["GET", "urn:oma:mo:invalid-moid:1.0//"], ["GET", `${DMACC}/${SRVID}/Auth/Trsp/Secret`]],
			] as Command[][]],
		},
		exit: 0,
		check(server) {
			const s = server.sessions[0];
			assert.ok(s, "no session reached the server");
			assert.deepEqual(s.violations, []);
			const first = s.received[1];
			assert.ok(first && first.kind === "package3", "no Package#3 after the HGET");
			assert.equal(first.body.Status[0]!.sc, 200, "the HGET's status");
			const get = server.repositoryRequests.find((q) => q.path === "/name");
			assert.ok(get && get.method === "GET", "no HGET reached the repository");
			assert.equal(get.devId, s.devId, "the HGET's [DevID] was not substituted");
			const p3 = s.received[2];
			assert.ok(p3 && p3.kind === "package3", "no second Package#3");
			assert.deepEqual(p3.body.Status.map((x) => x.sc), [200, 200, 404, 404], "an unknown MOID and a No-Get secret are 404 (interpretation 7)");
			assert.equal(JSON.stringify(p3.results[0]![0]!.MOData).includes(NEW_NAME), true, "GET does not return the value HGET wrote");
			noSecret(server);
		},
	},
	{
		name: "CONT moves the rest of the session to another URI",
		server: { sessions: [[[["CONT", "https://127.0.0.1:PORT/dm2"]], [["GET", `${DEVINFO}//Man`]]] as Command[][]] },
		exit: 0,
		check(server) {
			const s = server.sessions[0];
			assert.ok(s, "no session reached the server");
			assert.deepEqual(s.violations, []);
			assert.equal(s.received.length, 3, "Package#1, the CONT's Package#3, the GET's Package#3");
			const last = s.received[2];
			assert.ok(last && last.kind === "package3" && last.body.Status[0]!.sc === 200, "the GET after CONT was not answered 200");
			noSecret(server);
		},
	},
	{
		name: "card bootstrap: the UICC's account through SCP03, its BootstrapComplete session, then a session with it",
		card: { document: cardDocument, keys: CARD.keys },
		psk: CARD.psk,
		srvId: CARD.srvId,
		server: { sessions: [
			[[["GET", `${DMACC}/${CARD.srvId}/Name`], ["GET", `${DMACC}/${CARD.srvId}/SrvURI`]]],
			[[["GET", `${DEVINFO}//DevID`]]],
		] as Command[][][] },
		exit: 0,
		check(server, output) {
			// only the card's PSK opens this server: a session at all says the account came from the card
			assert.equal(server.sessions.length, 2, "the BootstrapComplete session the card's account owes (8), then the one asked for");
			const [bootstrap, asked] = server.sessions as [DmServer["sessions"][0], DmServer["sessions"][0]];
			assert.deepEqual(bootstrap.violations, []);
			assert.equal(bootstrap.trigger, BOOTSTRAP_COMPLETE);
			const p3 = bootstrap.received[1];
			assert.ok(p3 && p3.kind === "package3", "no Package#3 in the BootstrapComplete session");
			assert.deepEqual(p3.body.Status.map((x) => x.sc), [200, 200], "the card's account is in the tree");
			const read = JSON.stringify(p3.results);
			assert.ok(read.includes(CARD.name), `the account's Name is the card's: ${read}`);
			assert.match(read, /https:\/\/127\.0\.0\.1:\d+\/dm/, "the account's SrvURI is the card's");
			assert.deepEqual(asked.violations, []);
			assert.equal(asked.trigger, CLIENT_INITIATED);
			const last = asked.received[1];
			assert.ok(last && last.kind === "package3" && last.body.Status[0]!.sc === 200, "the session with the card's account was not answered 200");
			assert.equal(asked.devId, bootstrap.devId, "one device");
			noSecret(server, CARD.psk);
			// the card's keys and PSK never reach the device's log either
			const text = output.toLowerCase();
			for (const secret of [...CARD.keys.split(":"), CARD.psk.key.toString("hex")]) assert.ok(!text.includes(secret.slice(0, 12)), "a secret in the device's output");
		},
	},
];

/** The server's script with its own port filled in (known only once it listens). */
export function withPort(server: DmServer, port: number): void {
	for (const s of server["options"].sessions ?? []) for (const p of s) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
}

/** The factory bootstrap (8.2) a target's device gets: DevInfo, one account for the server, its rights. */
export function factory(port: number): string {
	const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0", SESSIONINFO = "urn:oma:mo:oma-sessioninfomo:1.0";
	const grant = (moid: string, miid: string, ar: number) => ({
		ClientURI: `${DACMO}/${encodeURIComponent(moid)}/`,
		MOData: { [moid]: { [miid]: { dms: { Permissions: { "1": { MAID: `serverid:${SRVID}`, AR: ar } } } } } },
	});
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: DEVID, Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "" } } },
		{ ClientURI: `${DMACC}/${SRVID}/`, MOData: { [SRVID]: {
			SrvID: SRVID, SrvURI: `https://127.0.0.1:${port}/dm`, Name: "dev server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC }, "3": { MOID: SESSIONINFO } },
			Auth: { Trsp: { Data: Buffer.from(PSK.identity).toString("base64"), Secret: PSK.key.toString("base64") } },
		} } },
		grant(DEVINFO, "devinfo", 1),
		grant(DMACC, SRVID, 3),
		grant(SESSIONINFO, "session", 1),
	]);
}
