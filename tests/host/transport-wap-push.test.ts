// The WAP push listener (Appendix E.1) on xsdm, fed by the development server's own sender
// (hosts/sim/peers/dm-server: notify, wapPush) over UDP on loopback: signed notifications reach
// screenPackage0 intact, and malformed or foreign datagrams are dropped and counted while the
// listener goes on.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { notificationBytes, notify } from "../../hosts/sim/peers/dm-server/notify.js";
import { sendDatagram, wapPush } from "../../hosts/sim/peers/dm-server/wap-push.js";
import { assert, describe, it } from "../harness/index.js";
import { compiled, root, xsdm64 } from "./xsdm.js";

async function freeUdpPort(): Promise<number> {
	const s = createSocket("udp4");
	await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
	const port = s.address().port;
	await new Promise<void>((r) => s.close(() => r()));
	return port;
}

describe("WAP push listener on xsdm", () => {
	it("hands the sender's notifications to screenPackage0 and counts every dropped datagram", async () => {
		const secret = randomBytes(16), port = await freeUdpPort();
		const sends: (() => Promise<unknown>)[] = [
			() => notify({ serverId: "dm-server", notificationId: 5, secret, port, host: "127.0.0.1" }),
			() => notify({ serverId: "dm-server", notificationId: 5, secret, port, host: "127.0.0.1" }),
			() => notify({ serverId: "dm-server", notificationId: 6, secret: randomBytes(16), port, host: "127.0.0.1" }),
			() => sendDatagram(Buffer.from("GET / HTTP/1.1\r\n\r\n"), port),
			() => sendDatagram(Buffer.alloc(0), port),
			() => sendDatagram(Buffer.from([0x01, 0x06, 0x03, 0xd7, 0xaf, 0x87, 0x20]), port),
			() => sendDatagram(Buffer.from([0x01, 0x06, 0x03, 0xd8, 0xaf, 0x88, 0x20]), port),
			() => sendDatagram(Buffer.from([0x01, 0x07, 0x03, 0xd8, 0xaf, 0x87, 0x20]), port),
			() => sendDatagram(Buffer.from([0x01, 0x06, 0x31, 0xd8, 0xaf, 0x87, ...Buffer.alloc(60, 0x41)]), port),
			() => sendDatagram(wapPush(notificationBytes({ serverId: "dm-server", notificationId: 7, secret })).subarray(0, 4), port),
			() => sendDatagram(wapPush(Uint8Array.from([0xee, 0x00])), port),
			() => notify({ serverId: "dm-server", notificationId: 8, secret, port, host: "127.0.0.1" }),
		];
		const child = spawn(xsdm64, [compiled("tests/xs/transport/wap-listener.ts"), String(port), secret.toString("hex"), String(sends.length)], { cwd: root });
		let stdout = "", stderr = "";
		child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
		const killer = setTimeout(() => child.kill("SIGKILL"), 15000);
		// listened for from the start: the listener may exit before the last send's pause ends
		const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
		const ready = new Promise<boolean>((resolve) => child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; if (stdout.includes("ready\n")) resolve(true); }));
		assert.ok(await Promise.race([ready, closed.then(() => false)]), `the listener ended before it was ready:\n${stderr}${stdout}`);
		for (const send of sends) { await send(); await new Promise((r) => setTimeout(r, 10)); }
		const code = await closed;
		clearTimeout(killer);
		assert.equal(code, 0, stderr + stdout);
		const lines = stdout.trim().split("\n").slice(1).map((l) => JSON.parse(l) as Record<string, unknown>);
		const summary = lines.pop() as { counts: { received: number; delivered: number; handlerFailed: number; dropped: Record<string, number> }; dropped: number };
		assert.deepEqual(lines, [
			{ accept: true, serverId: "dm-server", notificationId: 5 },
			{ accept: false, reason: "duplicate" },
			{ accept: false, reason: "bad-digest" },
			{ accept: false, reason: "malformed" },
			{ accept: true, serverId: "dm-server", notificationId: 8 },
		]);
		assert.equal(summary.counts.received, 12);
		assert.equal(summary.counts.delivered, 4);
		assert.equal(summary.counts.handlerFailed, 1);
		assert.equal(summary.dropped, 7);
		// Malformed: random, empty, cut; NotPush; HeadersTooLong; ContentType; ApplicationId
		assert.equal(summary.counts.dropped["3"], 1, "headers over 48 bytes");
		assert.equal(summary.counts.dropped["4"], 1, "content type");
		assert.equal(summary.counts.dropped["5"], 1, "application id");
	});
});
