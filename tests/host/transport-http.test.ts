// The HTTP/1.1 client on xsdm against Node servers on loopback: Content-Length and chunked both
// ways, keep-alive on one connection, a response trickled one byte per write, Basic and Digest
// answering a 401, a close mid-body, a server that never answers, oversized headers, and the same
// over TLS-PSK.
import { createHash, randomBytes } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import { createServer as createHttpsServer } from "node:https";
import { after, assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

const servers: { close(): unknown }[] = [];
after(() => { for (const s of servers) s.close(); });

interface Line { status?: number; headers?: [string, string][]; body?: string; error?: string; kind?: number }

async function run(port: number, spec: object): Promise<Line[]> {
	const r = await runXsdm(compiled("tests/xs/transport/http-client.ts"), [String(port), JSON.stringify(spec)], { timeoutMs: 20000 });
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

describe("HTTP/1.1 client on xsdm against Node http", () => {
	it("keeps one connection alive across requests, bodies framed by length and chunked both ways", async () => {
		const sockets = new Set<unknown>();
		const seen: { method: string; te?: string; length?: string; body: string; devId?: string }[] = [];
		const port = await listen(createHttpServer(async (req: IncomingMessage, res: ServerResponse) => {
			sockets.add(req.socket);
			const body = await collect(req);
			seen.push({ method: req.method!, body, ...(req.headers["transfer-encoding"] ? { te: req.headers["transfer-encoding"] } : {}), ...(req.headers["content-length"] ? { length: req.headers["content-length"] } : {}), ...(req.headers["omadm-devid"] ? { devId: req.headers["omadm-devid"] as string } : {}) });
			if (req.url === "/chunked") { res.write("part one, "); res.write("part two"); res.end(); }
			else res.end(`echo:${body}`);
		}));
		const lines = await run(port, { requests: [
			{ method: "POST", target: "/dm", headers: [["OMADM-DevID", "IMEI:493005100592800"], ["Content-Type", "application/vnd.oma.dm.initiation+json"]], body: "{\"package\":1}" },
			{ method: "GET", target: "/chunked" },
			{ method: "PUT", target: "/up", body: "x".repeat(100), chunked: true },
		] });
		assert.deepEqual(lines.map((l) => [l.status, l.body]), [[200, "echo:{\"package\":1}"], [200, "part one, part two"], [200, `echo:${"x".repeat(100)}`]]);
		assert.equal(seen[0]!.length, "13");
		assert.equal(seen[0]!.devId, "IMEI:493005100592800");
		assert.equal(seen[2]!.te, "chunked");
		assert.equal(sockets.size, 1, "one TCP connection for all three");
	});

	it("parses a response the server trickles one byte per write", async () => {
		const response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n";
		const port = await listen(createNetServer((s: Socket) => {
			s.once("data", async () => {
				s.setNoDelay(true);
				for (const c of response) { s.write(c); await new Promise((r) => setTimeout(r, 2)); }
			});
		}));
		const [line] = await run(port, { requests: [{ method: "GET", target: "/" }] });
		assert.equal(line!.body, "wikipedia");
	});

	it("answers a Basic challenge once, and gives a second 401 to the caller", async () => {
		const auths: (string | undefined)[] = [];
		const port = await listen(createHttpServer((req, res) => {
			auths.push(req.headers.authorization);
			const ok = req.headers.authorization === `Basic ${Buffer.from("dev:s3cret").toString("base64")}`;
			res.writeHead(ok ? 200 : 401, ok ? {} : { "WWW-Authenticate": "Basic realm=\"dm\"" }).end(ok ? "welcome" : "no");
		}));
		const good = await run(port, { user: "dev", password: "s3cret", requests: [{ method: "GET", target: "/" }] });
		assert.deepEqual(good.map((l) => [l.status, l.body]), [[200, "welcome"]]);
		assert.equal(auths[0], undefined);
		const bad = await run(port, { user: "dev", password: "wrong", requests: [{ method: "GET", target: "/" }] });
		assert.equal(bad[0]!.status, 401);
		assert.ok(!JSON.stringify(bad).includes("wrong"), "the password appears nowhere");
	});

	it("answers a Digest challenge (qop=auth, MD5) that Node checks itself", async () => {
		const realm = "dm@example", password = "Circle of Life", nonce = randomBytes(12).toString("hex");
		const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
		const port = await listen(createHttpServer(async (req, res) => {
			const body = await collect(req);
			const a = req.headers.authorization ?? "";
			const p = Object.fromEntries([...a.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
			const expected = md5(`${md5(`${p.username}:${realm}:${password}`)}:${nonce}:${p.nc}:${p.cnonce}:auth:${md5(`${req.method}:${p.uri}`)}`);
			if (a.startsWith("Digest ") && p.response === expected && p.uri === req.url) res.end(`ok:${body}`);
			else res.writeHead(401, { "WWW-Authenticate": `Digest realm="${realm}", qop="auth", nonce="${nonce}", opaque="xyz"` }).end("denied");
		}));
		const lines = await run(port, { user: "Mufasa", password, requests: [{ method: "POST", target: "/dm?s=1", body: "package" }] });
		assert.deepEqual(lines.map((l) => [l.status, l.body]), [[200, "ok:package"]]);
	});

	it("reports a close mid-body as a typed error", async () => {
		const port = await listen(createNetServer((s: Socket) => s.once("data", () => s.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"))));
		const [line] = await run(port, { requests: [{ method: "GET", target: "/" }] });
		assert.equal(line!.kind, 3);
		assert.ok(/mid-body/.test(line!.error!), line!.error);
	});

	it("gives up on a server that never answers", async () => {
		const port = await listen(createNetServer(() => undefined));
		const started = Date.now();
		const [line] = await run(port, { timeout: 300, requests: [{ method: "GET", target: "/" }] });
		assert.equal(line!.kind, 4);
		assert.ok(/no answer .* within 300 ms/.test(line!.error!), line!.error);
		assert.ok(Date.now() - started >= 300);
	});

	it("refuses oversized response headers", async () => {
		const port = await listen(createNetServer((s: Socket) => s.once("data", () => s.end(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(5000)}\r\n\r\n`))));
		const [line] = await run(port, { requests: [{ method: "GET", target: "/" }] });
		assert.equal(line!.kind, 2);
	});

	it("runs the same exchange over TLS-PSK (Node https with pskCallback), kept alive", async () => {
		const key = randomBytes(32);
		const sockets = new Set<unknown>();
		const server = createHttpsServer({ pskCallback: (_s: unknown, id: string) => (id === "dev-psk" ? key : null), ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } as object, async (req, res) => {
			sockets.add(req.socket);
			res.end(`secure:${await collect(req)}`);
		});
		const port = await listen(server as unknown as Server);
		const lines = await run(port, { psk: { identity: "dev-psk", key: key.toString("hex") }, requests: [
			{ method: "POST", target: "/dm", body: "a".repeat(5000) },
			{ method: "POST", target: "/dm", body: "second", chunked: true },
		] });
		assert.deepEqual(lines.map((l) => [l.status, l.body?.length]), [[200, 5007], [200, 13]]);
		assert.equal(sockets.size, 1);
	});
});
