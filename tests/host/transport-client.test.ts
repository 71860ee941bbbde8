// The transport's HttpClient (the contract of modules/http) on xsdm against Node http
// and https (TLS-PSK) servers on loopback: streamed request bodies both framings, response bodies
// read with back-pressure, one keep-alive connection per origin, a reconnect after the server
// closed it that resumes the TLS session (the server's own isSessionReused says so), host names
// through the host's resolver, plain http refused outside development mode, redirects, and every
// failure as a TransportError of the right kind.
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { after, assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

const servers: { close(): unknown }[] = [];
after(() => { for (const s of servers) s.close(); });

const enum Failure { Connect = 1, Tls = 2, Timeout = 3, Closed = 4, Malformed = 5, Refused = 6 }
interface Line { thrown?: string; unread?: boolean; abandoned?: string; status?: number; body?: string; pieces?: number; largest?: number; location?: string; error?: string; name?: string; failure?: Failure }

async function run(spec: object, timeoutMs = 30000): Promise<Line[]> {
	const r = await runXsdm(compiled("tests/xs/transport/client.ts"), [JSON.stringify(spec)], { timeoutMs });
	assert.equal(r.code, 0, r.stderr + r.stdout);
	return r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
}

function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
	servers.push(server);
	return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

function collect(req: IncomingMessage): Promise<string> {
	return new Promise((resolve) => { let s = ""; req.setEncoding("latin1"); req.on("data", (d: string) => { s += d; }); req.on("end", () => resolve(s)); });
}

interface Seen { method: string; url: string; te?: string; length?: string; body: number; socket: number }

/** An echo server that records each request: method, framing, body size, which connection. */
function recorder(seen: Seen[], sockets: Map<unknown, number>) {
	return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
		const body = await collect(req);
		seen.push({ method: req.method!, url: req.url!, body: body.length, socket: sockets.get(req.socket)!, ...(req.headers["transfer-encoding"] ? { te: req.headers["transfer-encoding"] } : {}), ...(req.headers["content-length"] ? { length: req.headers["content-length"] } : {}) });
		// the server ends the kept-alive connection shortly after this response (TLS: with close_notify)
		if (req.url!.endsWith("?close")) res.on("finish", () => setTimeout(() => req.socket.end(), 50));
		if (req.url === "/auth" && req.headers.authorization !== `Basic ${Buffer.from("dev:pw").toString("base64")}`) { res.writeHead(401, { "WWW-Authenticate": "Basic realm=\"repo\"" }).end(); return; }
		if (req.url!.startsWith("/big")) { for (let i = 0; i < 40; i++) res.write("0123456789".repeat(100)); res.end(); return; }
		if (req.url === "/moved") { res.writeHead(302, { Location: "/here" }).end("see /here"); return; }
		if (req.url === "/away") { res.writeHead(302, { Location: "https://elsewhere.example/x" }).end(); return; }
		if (req.url === "/nowhere") { res.writeHead(307).end(); return; }
		res.end(`${req.method} ${req.url} ${body.length}:${body.slice(0, 20)}`);
	};
}

describe("transport HttpClient on xsdm: plain http (development mode)", () => {
	it("GET, PUT and POST with streamed bodies on one keep-alive connection, chunked and by length", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, requests: [
			{ method: "GET", url: `${base}/a?x=1#frag` },
			{ method: "PUT", url: `${base}/put`, body: "p", repeat: 30000, piece: 700 },
			{ method: "POST", url: `${base}/post`, body: "q", repeat: 5000, piece: 333, length: true },
		] });
		assert.deepEqual(lines.map((l) => l.body), ["GET /a?x=1 0:", `PUT /put 30000:${"p".repeat(20)}`, `POST /post 5000:${"q".repeat(20)}`]);
		assert.deepEqual(seen.map((s) => [s.method, s.te, s.length, s.body]), [["GET", undefined, undefined, 0], ["PUT", "chunked", undefined, 30000], ["POST", undefined, "5000", 5000]]);
		assert.deepEqual(seen.map((s) => s.socket), [0, 0, 0], "one connection for the three");
	});

	it("reads a 40 KB response through a 512-byte buffer, the socket left unread while the reader is slow", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const [line] = await run({ development: true, highWater: 512, requests: [{ method: "GET", url: `http://127.0.0.1:${port}/big`, readDelayMs: 1 }] });
		assert.equal(line!.body, "0123456789".repeat(4000));
		assert.ok(line!.largest! <= 1024, `pieces of at most one socket read, got ${line!.largest}`);
	});

	it("pull() hands the body over as read() does, in lent pieces of at most one socket read, with the same bytes", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, highWater: 512, requests: [
			{ method: "GET", url: `${base}/big`, pull: true },
			{ method: "GET", url: `${base}/big`, readDelayMs: 1 },
			{ method: "PUT", url: `${base}/up`, body: "p", repeat: 3000, pull: true },
			{ method: "GET", url: `${base}/after` },
		] });
		assert.equal(lines[0]!.body, "0123456789".repeat(4000));
		assert.equal(lines[0]!.body, lines[1]!.body, "the reference path reads the same body");
		assert.ok(lines[0]!.largest! <= 1024, `pieces of at most one socket read, got ${lines[0]!.largest}`);
		assert.equal(lines[2]!.body, `PUT /up 3000:${"p".repeat(20)}`);
		assert.equal(lines[3]!.body, "GET /after 0:", "the connection carries the next request");
		assert.deepEqual(seen.map((x) => x.socket), [0, 0, 0, 0], "one keep-alive connection");
	});

	it("a taker that throws rejects pull() with its error, and read() gets the rest of the body after the pieces it took", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, requests: [
			{ method: "GET", url: `${base}/big`, pull: true, throwAfter: 3 },
			{ method: "GET", url: `${base}/big`, pull: true, throwAfter: 0 },
			{ method: "GET", url: `${base}/after` },
		] });
		assert.equal(lines[0]!.thrown, "taker threw at piece 3");
		assert.equal(lines[0]!.body, "0123456789".repeat(4000), "nothing lost or repeated across the throw (the lent piece was copied for read())");
		assert.equal(lines[1]!.thrown, "taker threw at piece 0");
		assert.equal(lines[1]!.body, "0123456789".repeat(4000));
		assert.equal(lines[2]!.body, "GET /after 0:");
		assert.deepEqual(seen.map((x) => x.socket), [0, 0, 0], "one keep-alive connection");
	});

	it("resolves a host name through the host's resolver (getaddrinfo)", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const lines = await run({ development: true, requests: [{ method: "GET", url: `http://localhost:${port}/named` }, { method: "GET", url: `http://no-such-host.invalid:${port}/` }] });
		assert.equal(lines[0]!.body, "GET /named 0:");
		assert.equal(lines[1]!.failure, Failure.Connect, JSON.stringify(lines[1]));
		assert.ok(/no-such-host\.invalid/.test(lines[1]!.error!));
	});

	it("reconnects when the server closed the kept-alive connection", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const lines = await run({ development: true, requests: [
			{ method: "GET", url: `http://127.0.0.1:${port}/1?close` },
			{ method: "POST", url: `http://127.0.0.1:${port}/2`, body: "after the close", waitMs: 600 },
		] });
		assert.deepEqual(lines.map((l) => l.status), [200, 200]);
		assert.deepEqual(seen.map((s) => s.socket), [0, 1]);
	});

	it("answers a 401 with the origin's credentials, running the body producer again for the retry", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const origin = `http://127.0.0.1:${port}`;
		const [line] = await run({ development: true, origins: { [origin]: { user: "dev", password: "pw" } }, requests: [{ method: "POST", url: `${origin}/auth`, body: "r", repeat: 3000, piece: 256 }] });
		assert.equal(line!.body, `POST /auth 3000:${"r".repeat(20)}`);
		assert.deepEqual(seen.map((x) => [x.url, x.body]), [["/auth", 3000], ["/auth", 3000]], "the refused request's body and the retry's, both whole");
	});

	it("abandons an unread response when the next request to its origin starts, and goes on on a new connection", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, requests: [{ method: "GET", url: `${base}/big`, unread: true }, { method: "GET", url: `${base}/next` }] });
		assert.deepEqual(lines.map((l) => l.status), [200, 200, undefined]);
		assert.equal(lines[1]!.body, "GET /next 0:");
		assert.equal(lines[2]!.failure, Failure.Closed);
		assert.ok(/abandoned: a new request to http:\/\/127\.0\.0\.1:\d+ was made before this response was read/.test(lines[2]!.abandoned!), lines[2]!.abandoned);
		assert.deepEqual(seen.map((x) => x.socket), [0, 1], "the half-read connection is not reused");
	});

	it("fails a request whose producer writes other than its bodyLength, without harm to the next", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, requests: [
			{ method: "PUT", url: `${base}/short`, body: "s", repeat: 10, claim: 20 },
			{ method: "PUT", url: `${base}/long`, body: "l", repeat: 30, claim: 20 },
			{ method: "PUT", url: `${base}/right`, body: "r", repeat: 20, claim: 20 },
		] });
		assert.deepEqual(lines.map((l) => l.name), ["RangeError", "RangeError", undefined], JSON.stringify(lines));
		assert.ok(/wrote 10 bytes, bodyLength says 20/.test(lines[0]!.error!), lines[0]!.error);
		assert.ok(/more than bodyLength \(20\)/.test(lines[1]!.error!), lines[1]!.error);
		assert.equal(lines[2]!.body, `PUT /right 20:${"r".repeat(20)}`);
		assert.deepEqual(seen.map((x) => x.url), ["/right"], "the server never saw a whole request with a wrong length");
	});

	it("refuses plain http outside development mode, without connecting", async () => {
		let connections = 0;
		const port = await listen(createNetServer((s: Socket) => { connections++; s.destroy(); }));
		const [line] = await run({ requests: [{ method: "GET", url: `http://127.0.0.1:${port}/` }] });
		assert.equal(line!.failure, Failure.Refused);
		assert.ok(/plain http .* refused: use https/.test(line!.error!), line!.error);
		assert.equal(connections, 0);
	});

	it("follows a GET redirect within its origin, hands back one to another origin, refuses one without Location", async () => {
		const seen: Seen[] = [], sockets = new Map<unknown, number>();
		const port = await listen(createHttpServer(recorder(seen, sockets)));
		const base = `http://127.0.0.1:${port}`;
		const lines = await run({ development: true, requests: [
			{ method: "GET", url: `${base}/moved` },
			{ method: "GET", url: `${base}/away` },
			{ method: "GET", url: `${base}/nowhere` },
			{ method: "POST", url: `${base}/moved`, body: "not replayed" },
		] });
		assert.deepEqual([lines[0]!.status, lines[0]!.body], [200, "GET /here 0:"]);
		assert.deepEqual([lines[1]!.status, lines[1]!.location], [302, "https://elsewhere.example/x"]);
		assert.equal(lines[2]!.failure, Failure.Malformed);
		assert.ok(/307 redirect .* without a Location/.test(lines[2]!.error!), lines[2]!.error);
		assert.equal(lines[3]!.status, 302, "a POST is not redirected");
		assert.deepEqual(seen.map((s) => s.url), ["/moved", "/here", "/away", "/nowhere", "/moved"]);
	});

	it("gives up on a server that never answers (Timeout), and on one that sends no HTTP (Malformed)", async () => {
		const silent = await listen(createNetServer(() => undefined));
		const garbage = await listen(createNetServer((s: Socket) => s.once("data", () => s.end("SSH-2.0-OpenSSH_9.2\r\n\r\n"))));
		const refused = await listen(createNetServer(() => undefined));
		servers.pop()!.close();
		await new Promise((r) => setTimeout(r, 50));
		const started = Date.now();
		const lines = await run({ development: true, timeout: 400, requests: [
			{ method: "GET", url: `http://127.0.0.1:${silent}/` },
			{ method: "POST", url: `http://127.0.0.1:${garbage}/`, body: "x" },
			{ method: "GET", url: `http://127.0.0.1:${refused}/` },
		] });
		assert.deepEqual(lines.map((l) => l.failure), [Failure.Timeout, Failure.Malformed, Failure.Connect], JSON.stringify(lines));
		assert.ok(lines.every((l) => l.name === "TransportError"));
		assert.ok(Date.now() - started >= 400);
	});
});

describe("transport HttpClient on xsdm: https with TLS-PSK", () => {
	const key = randomBytes(32);
	const identity = "urn:dev:psk-1";

	async function pskServer() {
		const seen: Seen[] = [], sockets = new Map<unknown, number>(), resumed: boolean[] = [];
		const server = createHttpsServer({ pskCallback: (_s: unknown, id: string) => (id === identity ? key : null), ciphers: "PSK-AES128-GCM-SHA256:DHE-PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2", dhparam: "auto" } as object, recorder(seen, sockets));
		server.on("secureConnection", (s: TLSSocket) => resumed.push(s.isSessionReused()));
		server.on("tlsClientError", () => undefined);
		const port = await listen(server as unknown as Server);
		return { port, seen, resumed, origin: `https://127.0.0.1:${port}` };
	}

	it("keeps one connection for several requests, then resumes the TLS session on the reconnect", async () => {
		const s = await pskServer();
		const lines = await run({ origins: { [s.origin]: { psk: { identity, key: key.toString("hex") } } }, requests: [
			{ method: "POST", url: `${s.origin}/dm`, body: "{\"pkg\":1}", length: true },
			{ method: "PUT", url: `${s.origin}/up`, body: "u", repeat: 20000, piece: 1500 },
			{ method: "GET", url: `${s.origin}/big?close`, readDelayMs: 1 },
			{ method: "POST", url: `${s.origin}/dm`, body: "{\"pkg\":3}", waitMs: 300 },
		] });
		assert.deepEqual(lines.map((l) => l.status), [200, 200, 200, 200], JSON.stringify(lines));
		assert.equal(lines[1]!.body, `PUT /up 20000:${"u".repeat(20)}`);
		assert.equal(lines[2]!.body!.length, 40000);
		assert.deepEqual(s.seen.map((x) => x.socket), [0, 0, 0, 1], "three on the first connection, the fourth after the server closed it");
		assert.deepEqual(s.resumed, [false, true], "the reconnect resumed the session (server's isSessionReused)");
	});

	it("pull() over TLS: the same body as read(), the connection kept for the next request", async () => {
		const s = await pskServer();
		const lines = await run({ origins: { [s.origin]: { psk: { identity, key: key.toString("hex") } } }, requests: [
			{ method: "GET", url: `${s.origin}/big`, pull: true },
			{ method: "GET", url: `${s.origin}/big` },
			{ method: "GET", url: `${s.origin}/big`, pull: true, throwAfter: 5 },
			{ method: "POST", url: `${s.origin}/dm`, body: "{\"pkg\":3}", pull: true },
		] });
		assert.deepEqual(lines.map((l) => l.status), [200, 200, 200, 200], JSON.stringify(lines));
		assert.equal(lines[0]!.body, "0123456789".repeat(4000));
		assert.equal(lines[1]!.body, lines[0]!.body);
		assert.equal(lines[2]!.body, lines[0]!.body);
		assert.equal(lines[3]!.body, `POST /dm 9:{"pkg":3}`);
		assert.deepEqual(s.seen.map((x) => x.socket), [0, 0, 0, 0]);
	});

	it("resumes only where it pays when asked (\"when-it-pays\"): after DHE-PSK, not after plain PSK", async () => {
		for (const [suite, resumed] of [["TLS_PSK_WITH_AES_128_GCM_SHA256", [false, false, false]], ["TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", [false, true, true]]] as const) {
			const s = await pskServer();
			const lines = await run({ origins: { [s.origin]: { psk: { identity, key: key.toString("hex") }, suites: [suite], resume: "when-it-pays" } }, requests: [
				{ method: "GET", url: `${s.origin}/one?close` },
				{ method: "GET", url: `${s.origin}/two?close`, waitMs: 300 },
				{ method: "GET", url: `${s.origin}/three`, waitMs: 300 },
			] });
			assert.deepEqual(lines.map((l) => l.status), [200, 200, 200], JSON.stringify(lines));
			assert.deepEqual(s.resumed, resumed, suite);
		}
	});

	it("reaches an origin named by host name (resolved, sent as SNI), and resumes there too", async () => {
		const s = await pskServer();
		const origin = `https://localhost:${s.port}`;
		const lines = await run({ origins: { [origin]: { psk: { identity, key: key.toString("hex") } } }, requests: [
			{ method: "GET", url: `${origin}/one?close` },
			{ method: "GET", url: `${origin}/two`, waitMs: 300 },
		] });
		assert.deepEqual(lines.map((l) => l.body), ["GET /one?close 0:", "GET /two 0:"]);
		assert.deepEqual(s.resumed, [false, true]);
	});

	it("reports a wrong key as a TLS failure and an origin without credentials as one too, never naming the key", async () => {
		const s = await pskServer();
		const wrong = randomBytes(32).toString("hex");
		const lines = await run({ origins: { [s.origin]: { psk: { identity, key: wrong } } }, requests: [
			{ method: "GET", url: `${s.origin}/` },
			{ method: "GET", url: `https://127.0.0.2:${s.port}/` },
		] });
		assert.deepEqual(lines.map((l) => l.failure), [Failure.Tls, Failure.Tls], JSON.stringify(lines));
		assert.ok(/no TLS credentials for https:\/\/127\.0\.0\.2/.test(lines[1]!.error!), lines[1]!.error);
		assert.ok(!JSON.stringify(lines).includes(wrong) && !JSON.stringify(lines).includes(key.toString("hex")));
	});

	it("a malformed response over TLS is a Malformed TransportError", async () => {
		const tls = await import("node:tls");
		const server = tls.createServer({ pskCallback: () => key, ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } as object, (sock) => {
			sock.on("error", () => undefined);
			sock.once("data", () => sock.end("HTTP/1.1 200 OK\r\nContent-Length: nine\r\n\r\nbody"));
		});
		const port = await listen(server as unknown as Server);
		const origin = `https://127.0.0.1:${port}`;
		const [line] = await run({ origins: { [origin]: { psk: { identity, key: key.toString("hex") } } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(line!.failure, Failure.Malformed, JSON.stringify(line));
	});
});
