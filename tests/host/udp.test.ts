// UDP on xsdm (embedded:io/socket/udp) against a Node dgram socket on loopback, both directions.
import { createSocket } from "node:dgram";
import { spawn } from "node:child_process";
import { assert, describe, it } from "../harness/index.js";
import { compiled, xsdm32, xsdm64 } from "./xsdm.js";

async function roundTrip(binary: string, count: number): Promise<void> {
	const peer = createSocket("udp4");
	await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", () => resolve()));
	const peerPort = peer.address().port;
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
	const allFromDevice = new Promise<void>((resolve) => peer.on("message", (msg, rinfo) => {
		const text = msg.toString();
		if (text.startsWith("echo:")) echoes.push(text);
		else {
			assert.equal(rinfo.port, devicePort, "the datagram comes from the port the device reported");
			fromDevice.push(text);
		}
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
}

describe("UDP socket on xsdm", () => {
	it("sends datagrams in order and receives them with the sender's address and port (64-bit)", () => roundTrip(xsdm64, 20));
	it("does the same on the 32-bit build", () => roundTrip(xsdm32, 5));
});
