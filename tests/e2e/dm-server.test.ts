// The development DM server on its own, driven by Node's TLS-PSK client: what it sends, what it
// records, and that it refuses what the spec says a server refuses (so that the e2e tests, which
// use it as the device's peer, fail when the device breaks the protocol).
import { createSocket } from "node:dgram";
import { Agent, request, type RequestOptions } from "node:https";
import { signPackage0, verifyPackage0 } from "../../modules/dm/codec/package0-digest.js";
import { decodePackage0 } from "../../modules/dm/codec/package0.js";
import { DmServer, type ServerOptions } from "../../hosts/sim/peers/dm-server/server.js";
import { notify } from "../../hosts/sim/peers/dm-server/notify.js";
import { uintvar } from "../../hosts/sim/peers/dm-server/wap-push.js";
import { assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVID = "IMEI:493005100592800";

interface Reply { status: number; type: string | undefined; body: string }

function client(identity = psk.identity, key = psk.key): (method: string, path: string, type: string | undefined, body: string | Buffer, headers?: Record<string, string>) => Promise<Reply> {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	return (method, path, type, body, headers = { "OMADM-DevID": DEVID }) => new Promise((resolve, reject) => {
		const req = request({
			host: "127.0.0.1", port: currentPort, path, method, agent,
			headers: { ...(type ? { "Content-Type": type } : {}), ...headers },
			ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2",
			pskCallback: () => ({ identity, psk: key }),
			checkServerIdentity: () => undefined,
		} as RequestOptions, (res) => {
			const chunks: Buffer[] = [];
			res.on("data", (c: Buffer) => chunks.push(c));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body: Buffer.concat(chunks).toString() }));
		});
		req.on("error", reject);
		req.end(body);
	});
}

let currentPort = 0;
async function withServer(options: Partial<ServerOptions>, body: (server: DmServer) => Promise<void>): Promise<void> {
	const server = new DmServer({ psk, ...options });
	currentPort = await server.listen();
	try {
		await body(server);
	} finally {
		await server.close();
	}
}

const P1 = "application/vnd.oma.dm.initiation+json", P3 = "application/vnd.oma.dm.response+json";
const clientInitiated = JSON.stringify({ Alert: [{ AlertType: "urn:oma:at:dm:2.0:ClientInitiatedMgmt" }] });

function multipart(boundary: string, parts: { name?: string; type: string; body: string }[]): Buffer {
	const text = parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data${p.name === undefined ? "" : `; name="${p.name}"`}\r\nContent-Type: ${p.type}\r\n\r\n${p.body}\r\n`).join("") + `--${boundary}--\r\n`;
	return Buffer.from(text);
}

describe("dev DM server (hosts/sim/peers/dm-server)", () => {
	it("runs a scripted session over TLS-PSK and records what the client sent (Appendix F results)", () => withServer({
		sessions: [[[["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"], ["DELETE", "urn:oma:mo:oma-dm-dmacc:1.2/x/Ext"]]]],
		omadmAccept: "application/dmmo+json",
	}, async (server) => {
		const post = client();
		let r = await post("POST", "/dm", P1, clientInitiated);
		assert.equal(r.status, 200);
		assert.equal(r.type, "application/vnd.oma.dm.request+json");
		assert.deepEqual(JSON.parse(r.body), { CMD: [["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"], ["DELETE", "urn:oma:mo:oma-dm-dmacc:1.2/x/Ext"]] });
		const dmmo = JSON.stringify([{ ClientURI: "urn:oma:mo:oma-dm-devinfo:1.2//DevID", MOData: { DevID: DEVID } }]);
		r = await post("POST", "/dm", "multipart/form-data; boundary=b0undary", multipart("b0undary", [
			{ type: P3, body: JSON.stringify({ Status: [{ sc: 200 }, { sc: 404 }] }) },
			{ name: "0", type: "application/dmmo+json", body: dmmo },
		]));
		assert.equal(r.status, 200, r.body);
		assert.deepEqual(JSON.parse(r.body), { CMD: [["END"]] }, "past its script a session gets END");
		const s = server.sessions[0]!;
		assert.equal(s.trigger, "urn:oma:at:dm:2.0:ClientInitiatedMgmt");
		assert.deepEqual(s.violations, []);
		assert.equal(s.received.length, 2);
		const p3 = s.received[1]!;
		assert.ok(p3.kind === "package3" && p3.results[0]![0]!.MOData.DevID === DEVID);
		assert.ok(s.over);
		assert.ok(server.wire.some((w) => w.includes("OMADM-DevID: IMEI:493005100592800")), "the raw requests are kept for scanning");
	}));

	it("refuses a client with the wrong PSK identity or key at the handshake", () => withServer({}, async () => {
		await assert.rejects(client("someone-else")("POST", "/dm", P1, clientInitiated));
		await assert.rejects(client(psk.identity, Buffer.alloc(16, 7))("POST", "/dm", P1, clientInitiated));
	}));

	const refusals: [string, (post: ReturnType<typeof client>) => Promise<Reply>, RegExp][] = [
		["a Package#1 without a session alert", (post) => post("POST", "/dm", P1, "{}"), /exactly one/],
		["a ServerInitiatedMgmt alert without NOTIFICATION-ID", (post) => post("POST", "/dm", P1, JSON.stringify({ Alert: [{ AlertType: "urn:oma:at:dm:2.0:ServerInitiatedMgmt" }] })), /NOTIFICATION-ID/],
		["a package without OMADM-DevID", (post) => post("POST", "/dm", P1, clientInitiated, {}), /OMADM-DevID/],
		["a Package#1 that is not JSON", (post) => post("POST", "/dm", P1, "{\"Alert\": ["), /not JSON/],
		["a Package#3 without a session", (post) => post("POST", "/dm", P3, JSON.stringify({ Status: [] })), /without a session/],
		["a package sent with GET", (post) => post("GET", "/dm", undefined, ""), /POST/],
	];
	for (const [what, send, message] of refusals) {
		it(`answers 400 to ${what}`, () => withServer({}, async () => {
			const r = await send(client());
			assert.equal(r.status, 400);
			assert.match(r.body, message);
		}));
	}

	const badPackage3: [string, string | Buffer, string, RegExp][] = [
		["too few statuses", JSON.stringify({ Status: [{ sc: 200 }] }), P3, /1 statuses for the 2 commands/],
		["a status code outside Appendix C", JSON.stringify({ Status: [{ sc: 204 }, { sc: 299 }] }), P3, /299/],
		["bare numbers (interpretation 1)", JSON.stringify({ Status: [204, 200] }), P3, /must be an object/],
		["a GET answered 200 without its data", JSON.stringify({ Status: [{ sc: 200 }, { sc: 200 }] }), P3, /multipart/],
		["a multipart part for a GET that failed", multipart("xx", [{ type: P3, body: JSON.stringify({ Status: [{ sc: 404 }, { sc: 200 }] }) }, { name: "0", type: "application/dmmo+json", body: "[]" }]), "multipart/form-data; boundary=xx", /do not match/],
		["a wrong content type", JSON.stringify({ Status: [{ sc: 200 }, { sc: 200 }] }), "application/json", /not "application\/json"/],
	];
	for (const [what, body, type, message] of badPackage3) {
		it(`answers 400 to a Package#3 with ${what}, and ends the session`, () => withServer({ sessions: [[[["GET", "urn:oma:mo:oma-dm-devinfo:1.2//"], ["DELETE", "urn:oma:mo:oma-dm-devinfo:1.2//Ext"]]]] }, async (server) => {
			const post = client();
			assert.equal((await post("POST", "/dm", P1, clientInitiated)).status, 200);
			const r = await post("POST", "/dm", type, body);
			assert.equal(r.status, 400);
			assert.match(r.body, message);
			assert.equal(server.sessions[0]!.violations.length, 1);
			const after = await post("POST", "/dm", P3, JSON.stringify({ Status: [{ sc: 204 }, { sc: 200 }] }));
			assert.equal(after.status, 400, "no package after the session ended");
		}));
	}

	it("follows CONT to another path, and refuses a Package#3 after END", () => withServer({
		sessions: [[[["CONT", "https://127.0.0.1/dm-next"]], [["END"]]]],
	}, async (server) => {
		const post = client();
		await post("POST", "/dm", P1, clientInitiated);
		const r = await post("POST", "/dm-next", P3, JSON.stringify({ Status: [{ sc: 200 }] }));
		assert.deepEqual(JSON.parse(r.body), { CMD: [["END"]] });
		assert.equal((await post("POST", "/dm-next", P3, JSON.stringify({ Status: [{ sc: 200 }] }))).status, 400);
		assert.deepEqual(server.sessions[0]!.violations, ["a package after the session ended (END sent, or aborted)"]);
	}));

	it("serves the data repository and records PUT and POST bodies", () => withServer({
		repository: { "/new_secret": { contentType: "text/plain", body: "AB123CES121XX90TPOWQESEFSE33" }, "/refuse": { status: 415 } },
	}, async (server) => {
		const http = client();
		const got = await http("GET", "/new_secret?DevID=x", undefined, "", {});
		assert.deepEqual([got.status, got.type, got.body], [200, "text/plain", "AB123CES121XX90TPOWQESEFSE33"]);
		assert.equal((await http("GET", "/nothing", undefined, "", {})).status, 404);
		assert.equal((await http("PUT", "/state", "application/dmmo+json", "[]", {})).status, 200);
		assert.equal((await http("POST", "/refuse", "text/plain", "true", {})).status, 415);
		assert.deepEqual(server.repositoryRequests.map((q) => [q.method, q.path, q.contentType, q.body.toString()]), [
			["GET", "/new_secret", undefined, ""], ["GET", "/nothing", undefined, ""], ["PUT", "/state", "application/dmmo+json", "[]"], ["POST", "/refuse", "text/plain", "true"],
		]);
	}));

	it("sends a signed Package#0 as a WAP push datagram (Appendix E.1)", async () => {
		const socket = createSocket("udp4");
		await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
		const received = new Promise<Buffer>((resolve) => socket.once("message", (m) => resolve(m)));
		const secret = Buffer.from("notification secret"), authData = Buffer.from("nonce");
		const sent = await notify({ serverId: "DMS_ID1", notificationId: 0x1234, secret, authData, requestMos: true, port: socket.address().port });
		const datagram = await received;
		socket.close();
		// TID, Push (0x06), headers length 3, content type 0x58 and X-Wap-Application-Id 0x07 as short integers
		assert.deepEqual([...datagram.subarray(0, 6)], [0x34, 0x06, 3, 0xd8, 0xaf, 0x87]);
		const body = new Uint8Array(datagram.subarray(6));
		assert.deepEqual([...body], [...sent]);
		const n = decodePackage0(body);
		assert.deepEqual([n.serverId, n.notificationId, n.requestMos], ["DMS_ID1", 0x1234, true]);
		assert.ok(verifyPackage0(body, secret, authData, n), "the digest verifies with the account's secret");
		assert.ok(!verifyPackage0(signPackage0(body, Buffer.from("other"), authData), secret, authData), "and not with another");
	});

	it("encodes WSP uintvars most significant group first", () => {
		assert.deepEqual([...uintvar(0)], [0]);
		assert.deepEqual([...uintvar(0x7f)], [0x7f]);
		assert.deepEqual([...uintvar(0x80)], [0x81, 0x00]);
		assert.deepEqual([...uintvar(0x3fff)], [0xff, 0x7f]);
	});
});
