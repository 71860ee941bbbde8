// TCP on xsdm (embedded:io/socket/tcp) against a real Node server on loopback.
import { createServer, type Server, type Socket } from "node:net";
import { after, assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

function listen(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
	return new Promise((resolve) => {
		// xsdm may close or reset a connection on purpose: that is not the server's error
		const server = createServer((s) => { s.on("error", () => undefined); onConnection(s); });
		server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port }));
	});
}

const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

describe("TCP socket on xsdm", () => {
	for (const [size, width] of [[1, 64], [1000, 64], [200000, 64], [1 << 20, 64], [100000, 32]] as const) {
		it(`echoes ${size} bytes byte-exact through a Node server (${width}-bit)`, async () => {
			const { server, port } = await listen((s) => s.pipe(s));
			servers.push(server);
			const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(port), String(size)], { width, timeoutMs: 60000 });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(r.stdout.trim(), `echoed ${size}`);
		});
	}

	it("reports a refused connection through onError", async () => {
		const { server, port } = await listen(() => undefined);
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(port), "10"]);
		assert.equal(r.code, 3, r.stderr);
		assert.equal(r.stdout.trim(), "error after sending 0 and receiving 0");
	});

	it("reports the peer closing mid-stream through onError", async () => {
		const { server, port } = await listen((s) => { s.once("data", (d) => { s.write(d.subarray(0, 5)); s.end(); }); });
		servers.push(server);
		const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(port), "50000"]);
		assert.equal(r.code, 3, r.stderr);
		assert.ok(/error after sending \d+ and receiving 5/.test(r.stdout), r.stdout);
	});

	it("lets onReadable close the socket, and calls nothing after", async () => {
		const { server, port } = await listen((s) => s.pipe(s));
		servers.push(server);
		const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(port), "1000", "1"]);
		assert.equal(r.code, 0, r.stderr);
		assert.ok(/^closed in onReadable with \d+ bytes pending$/.test(r.stdout.trim()), r.stdout);
	});
});
