// embedded:io/socket/tcp on xsdm against real Node servers on loopback: byte-exact echo with flow
// control, refusal, the peer closing or resetting mid-stream, close() inside each callback, and the
// API contract (errors, read forms, receivers) that modules share with the Moddable SDK.
import { createServer, type Server, type Socket } from "node:net";
import { spawn, spawnSync } from "node:child_process";
import { after, assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm, xsdm64 } from "./xsdm.js";

const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

function listen(onConnection: (s: Socket) => void, host = "127.0.0.1"): Promise<number> {
	return new Promise((resolve) => {
		// xsdm closes or resets connections on purpose: that is no error of the server's
		const server = createServer((s) => { s.on("error", () => undefined); onConnection(s); });
		servers.push(server);
		server.listen(0, host, () => resolve((server.address() as { port: number }).port));
	});
}

/** A port nothing listens on: a server's, once it is closed. */
async function refusedPort(): Promise<number> {
	const port = await listen(() => undefined);
	await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
	return port;
}

function runValgrind(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn("valgrind", ["-q", "--error-exitcode=9", xsdm64, compiled(args[0]!), ...args.slice(1)], { stdio: ["ignore", "pipe", "pipe"] });
		let stdout = "", stderr = "";
		child.stdout.on("data", (d) => { stdout += d; });
		child.stderr.on("data", (d) => { stderr += d; });
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

const pattern = (i: number): number => (i * 31 + (i >> 8)) & 0xff;
const SEND_BUFFER = 16384;

/** An echo server that also checks, on its side, that it received the pattern byte-exact. */
function echoServer(pauseMs: number): { port: Promise<number>; received: () => number; mismatch: () => number } {
	let received = 0, mismatch = -1;
	const port = listen((s) => {
		s.on("data", (d: Buffer) => {
			for (let i = 0; i < d.length; i++) if (mismatch < 0 && d[i] !== pattern(received + i)) mismatch = received + i;
			received += d.length;
		});
		s.pause();
		setTimeout(() => { s.pipe(s); s.resume(); }, pauseMs);
	});
	return { port, received: () => received, mismatch: () => mismatch };
}

describe("TCP socket on xsdm", () => {
	const cases: [size: number, width: 32 | 64, pauseMs: number][] = [[1, 64, 0], [1000, 64, 0], [200000, 64, 0], [1 << 20, 64, 0], [2 << 20, 64, 300], [1 << 20, 32, 0], [1 << 20, 32, 300]];
	for (const [size, width, pauseMs] of cases) {
		it(`echoes ${size} bytes byte-exact through a Node server${pauseMs ? " that stalls first" : ""} (${width}-bit)`, async () => {
			const server = echoServer(pauseMs);
			const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(await server.port), String(size)], { width, timeoutMs: 60000 });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			const m = /^echoed (\d+) grants=(\d+) readable=(\d+) at150=(-?\d+)$/.exec(r.stdout.trim());
			assert.ok(m, r.stdout);
			assert.equal(Number(m[1]), size);
			assert.equal(server.received(), size, "the server received every byte once");
			assert.equal(server.mismatch(), -1, "the server received the pattern");
			const grants = Number(m[2]), at150 = Number(m[4]);
			// each grant is at most the send buffer, so a big transfer needs many of them
			assert.ok(grants >= Math.ceil(size / SEND_BUFFER), `${grants} grants for ${size} bytes`);
			// while the peer stalls, the kernel fills, then the send buffer, and the grants stop:
			// the writer is held back instead of queueing everything
			if (pauseMs) assert.ok(at150 < size, `${at150} of ${size} bytes written 150 ms into a 300 ms stall`);
		}, 90000);
	}

	it("connects to an IPv6 literal (a ServerURI's [::1] host) over IPv6", async () => {
		let peer = "";
		const port = await listen((s) => { peer = s.remoteAddress ?? ""; s.pipe(s); }, "::1");
		const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(port), "5000", "::1"]);
		assert.equal(r.code, 0, r.stderr + r.stdout);
		assert.match(r.stdout, /^echoed 5000 /);
		assert.equal(peer, "::1");
	});

	it("reports a refused connection through onError, and nothing else", async () => {
		const r = await runXsdm(compiled("tests/xs/host/tcp-echo.ts"), [String(await refusedPort()), "10"]);
		assert.equal(r.code, 3, r.stderr);
		assert.equal(r.stdout.trim(), "error after sending 0 and receiving 0");
	});

	const sendThenEnd = (s: Socket): void => { s.once("data", () => { s.write(Buffer.alloc(1000, 0x41)); s.end(); }); };
	const sendThenReset = (s: Socket): void => { s.once("data", () => { s.write(Buffer.alloc(1000, 0x41), () => setTimeout(() => s.resetAndDestroy(), 50)); }); };
	const after = ["write after error: Error: not ready: the connection is gone (see onError, then close)", "read after close: SyntaxError: socket closed: make a new TCP to connect again"];

	it("delivers what the peer sent before its orderly close, then onError", async () => {
		const r = await runXsdm(compiled("tests/xs/host/tcp-peer-close.ts"), [String(await listen(sendThenEnd)), "eager"]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.stdout.trim().split("\n"), ["readable 1000", "read 1000", "error", ...after]);
	});

	it("holds onError back until the buffered bytes are read, also outside a callback", async () => {
		const r = await runXsdm(compiled("tests/xs/host/tcp-peer-close.ts"), [String(await listen(sendThenEnd)), "lazy"]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.stdout.trim().split("\n"), ["readable 1000", "read 1000", "error", ...after]);
	});

	it("never reports the close while the program leaves bytes unread", async () => {
		const r = await runXsdm(compiled("tests/xs/host/tcp-peer-close.ts"), [String(await listen(sendThenEnd)), "none"]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.stdout.trim().split("\n"), ["readable 1000", "no error while data is unread"]);
	});

	it("reports a reset by the peer through onError", async () => {
		const r = await runXsdm(compiled("tests/xs/host/tcp-peer-close.ts"), [String(await listen(sendThenReset)), "eager"]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.stdout.trim().split("\n"), ["readable 1000", "read 1000", "error", ...after]);
	});

	for (const where of ["onWritable", "onReadable", "onError"]) {
		it(`lets ${where} close its own socket; nothing is called after`, async () => {
			let peerSawClose: Promise<void> = Promise.resolve();
			const port = where === "onError" ? await refusedPort() : await listen((s) => {
				peerSawClose = new Promise((resolve) => s.on("close", () => resolve()));
				s.pipe(s);
			});
			const r = await runXsdm(compiled("tests/xs/host/tcp-close-in-callback.ts"), [String(port), where]);
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.deepEqual(r.stdout.trim().split("\n"), [`closed in ${where}`, "quiet"]);
			await peerSawClose;   // close() really closed the connection (the test times out otherwise)
		});
	}

	// A callback that closes its own socket must not free the record under the pass that called it;
	// without the use count this runs "fine" and only a memory checker sees the reads after free.
	// valgrind is no dependency of the project: where it is missing these cases are not registered.
	if (spawnSync("valgrind", ["--version"]).status === 0) {
		for (const where of ["onWritable", "onReadable", "onError"]) {
			it(`under valgrind, closing in ${where} touches no freed memory`, async () => {
				const port = where === "onError" ? await refusedPort() : await listen((s) => s.pipe(s));
				const r = await runValgrind(["tests/xs/host/tcp-close-in-callback.ts", String(port), where]);
				assert.equal(r.code, 0, r.stderr + r.stdout);
				assert.deepEqual(r.stdout.trim().split("\n"), [`closed in ${where}`, "quiet"]);
			}, 60000);
		}
	}

	it("keeps the API contract of the SDK's TCP (errors, read forms, receivers, target)", async () => {
		// two parts 30 ms apart: the script reads nothing on the first onReadable and must get a second
		const port = await listen((s) => s.on("data", (d: Buffer) => {
			if (d.toString().includes("ping")) { s.write("HTTP/1.1 "); setTimeout(() => s.write("200 OK\r\n"), 30); }
		}));
		for (const width of [64, 32] as const) {
			const r = await runXsdm(compiled("tests/xs/host/tcp-api.ts"), [String(port)], { width });
			assert.equal(r.code, 0, r.stderr + r.stdout);
			assert.equal(r.stdout.trim(), "api ok");
		}
	});
});
