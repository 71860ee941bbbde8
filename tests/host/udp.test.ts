// embedded:io/socket/udp on xsdm against a Node dgram socket on loopback: datagrams both ways in
// order with the right sender, onReadable counting queued datagrams as the SDK does, and the API
// contract (argument order, errors, closed sockets).
import { createSocket, type Socket } from "node:dgram";
import { spawn } from "node:child_process";
import { assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm, xsdm32, xsdm64 } from "./xsdm.js";

async function peerSocket(): Promise<{ peer: Socket; port: number }> {
	const peer = createSocket("udp4");
	await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", () => resolve()));
	return { peer, port: peer.address().port };
}

async function roundTrip(binary: string, count: number): Promise<void> {
	const { peer, port: peerPort } = await peerSocket();
	const fromDevice: string[] = [];
	const echoes: string[] = [];
	let devicePort = 0;
	const child = spawn(binary, [compiled("tests/xs/host/udp-echo.ts"), String(peerPort), String(count)], { stdio: ["ignore", "pipe", "pipe"] });
	let stderr = "";
	child.stderr.on("data", (d) => { stderr += d; });
	const gotPort = new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => {
		const m = /port (\d+)/.exec(d.toString());
		if (m) { devicePort = Number(m[1]); resolve(); }
	}));
	const done = new Promise<number | null>((resolve) => child.on("close", resolve));
	const senders = new Set<string>();
	const allFromDevice = new Promise<void>((resolve) => peer.on("message", (msg, rinfo) => {
		senders.add(`${rinfo.address}:${rinfo.port}`);
		const text = msg.toString();
		if (text.startsWith("echo:")) echoes.push(text);
		else fromDevice.push(text);
		if (fromDevice.length === count) resolve();
	}));
	await gotPort;
	await allFromDevice;
	for (let i = 0; i < count; i++) peer.send(`ping ${i}`, devicePort, "127.0.0.1");
	const code = await done;
	await new Promise((r) => setTimeout(r, 50));
	peer.close();
	assert.equal(code, 0, stderr);
	assert.deepEqual(fromDevice, Array.from({ length: count }, (_, i) => `datagram ${i}`));
	assert.deepEqual(echoes, Array.from({ length: count }, (_, i) => `echo:ping ${i}:127.0.0.1:${peerPort}`));
	assert.deepEqual([...senders], [`127.0.0.1:${devicePort}`], "every datagram comes from the port the device reported");
}

describe("UDP socket on xsdm", () => {
	it("sends datagrams in order and receives them with the sender's address and port (64-bit)", () => roundTrip(xsdm64, 20));
	it("does the same on the 32-bit build", () => roundTrip(xsdm32, 5));

	it("counts queued datagrams in onReadable, as the SDK does, and reads them in order", async () => {
		const { peer, port } = await peerSocket();
		const count = 5;
		peer.on("message", (msg, rinfo) => {
			if (msg.toString() === "ready") for (let i = 0; i < count; i++) peer.send(`d${i}`, rinfo.port, "127.0.0.1");
		});
		const r = await runXsdm(compiled("tests/xs/host/udp-queue.ts"), [String(port), String(count)]);
		peer.close();
		assert.equal(r.code, 0, r.stderr);
		const lines = r.stdout.trim().split("\n");
		const counts = /^counts ([\d,]+)$/.exec(lines[0]!)![1]!.split(",").map(Number);
		assert.equal(counts[counts.length - 1], count, "the last onReadable counts every queued datagram");
		assert.ok(counts.every((c, i) => i === 0 || c > counts[i - 1]!), `counts grow: ${counts.join(",")}`);
		assert.deepEqual(lines.slice(1), [...Array.from({ length: count }, (_, i) => `got d${i} from 127.0.0.1:${port}`), "then undefined"]);
	});

	it("keeps the API contract of the SDK's UDP (argument order, errors, closed socket)", async () => {
		for (const width of [64, 32] as const) {
			const r = await runXsdm(compiled("tests/xs/host/udp-api.ts"), [], { width });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(r.stdout.trim(), "api ok");
		}
	});
});
