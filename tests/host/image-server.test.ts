// The firmware image server peer (hosts/sim/peers/image-server.ts): byte ranges as RFC 9110 14
// has them and the faults a FUMO download test needs, checked with Node's https client, then with
// our transport on xsdm (the client a device downloads with).
import { request } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { ImageServer, parseRange } from "../../hosts/sim/peers/image-server.js";
import { makeTestPki } from "../../hosts/sim/peers/x509-pki.js";
import { after, assert, before, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

const pki = makeTestPki();
// printable bytes so that the XS client's text body compares directly; 70 000 bytes spans several TLS records
const image = Buffer.from(Array.from({ length: 70000 }, (_, i) => 0x21 + ((i * 7 + (i >> 8)) % 90)));
const server = new ImageServer({ certificate: { cert: pki.serverEc.cert, key: pki.serverEc.key }, files: { "/fw/1.1.bin": image } });
let port = 0;

interface Got { status: number; headers: IncomingHttpHeaders; body: Buffer; aborted: boolean }

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Got> {
	return new Promise((resolve, reject) => {
		const req = request({ host: "127.0.0.1", port, path, method, headers, ca: pki.ca.cert, servername: "localhost", agent: false }, (res) => {
			const parts: Buffer[] = [];
			let aborted = false;
			res.on("data", (d: Buffer) => parts.push(d));
			res.on("aborted", () => { aborted = true; });
			res.on("error", () => { aborted = true; });
			res.on("close", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts), aborted: aborted || !res.complete }));
		});
		req.on("error", reject);
		req.end();
	});
}

describe("image server peer: byte ranges and faults (Node's https client)", () => {
	before(async () => { port = await server.listen(); });

	it("parses one byte range: a-b, a-, -n, past the end, and refuses what is not one range", () => {
		assert.deepEqual(parseRange("bytes=0-99", 1000), [0, 100]);
		assert.deepEqual(parseRange("bytes=900-", 1000), [900, 1000]);
		assert.deepEqual(parseRange("bytes=-100", 1000), [900, 1000]);
		assert.deepEqual(parseRange("bytes=-5000", 1000), [0, 1000]);
		assert.deepEqual(parseRange("bytes=990-2000", 1000), [990, 1000]);
		assert.equal(parseRange("bytes=1000-", 1000), "unsatisfiable");
		assert.equal(parseRange("bytes=-0", 1000), "unsatisfiable");
		assert.equal(parseRange("bytes=0-1,5-6", 1000), undefined);
		assert.equal(parseRange("items=0-1", 1000), undefined);
		assert.equal(parseRange("bytes=9-3", 1000), undefined);
	});

	it("serves the whole file (200, Accept-Ranges, a strong ETag) and 404 for a missing path", async () => {
		const whole = await get("/fw/1.1.bin");
		assert.equal(whole.status, 200);
		assert.equal(whole.headers["accept-ranges"], "bytes");
		assert.match(String(whole.headers.etag), /^"[0-9a-f]{32}"$/);
		assert.ok(whole.body.equals(image));
		assert.equal((await get("/fw/none.bin")).status, 404);
	});

	it("answers a range 206 with Content-Range, a suffix range, and a range past the end 416 with the size", async () => {
		const mid = await get("/fw/1.1.bin", { Range: "bytes=1000-1999" });
		assert.equal(mid.status, 206);
		assert.equal(mid.headers["content-range"], `bytes 1000-1999/${image.length}`);
		assert.ok(mid.body.equals(image.subarray(1000, 2000)));
		const tail = await get("/fw/1.1.bin", { Range: "bytes=69000-" });
		assert.equal(tail.headers["content-range"], `bytes 69000-69999/${image.length}`);
		assert.ok(tail.body.equals(image.subarray(69000)));
		const suffix = await get("/fw/1.1.bin", { Range: "bytes=-10" });
		assert.ok(suffix.body.equals(image.subarray(image.length - 10)));
		const beyond = await get("/fw/1.1.bin", { Range: `bytes=${image.length}-` });
		assert.equal(beyond.status, 416);
		assert.equal(beyond.headers["content-range"], `bytes */${image.length}`);
		assert.equal(beyond.body.length, 0);
	});

	it("honours If-Range with the current ETag and sends the whole file for a stale one", async () => {
		const etag = String((await get("/fw/1.1.bin", {}, "HEAD")).headers.etag);
		const fresh = await get("/fw/1.1.bin", { Range: "bytes=10-19", "If-Range": etag });
		assert.equal(fresh.status, 206);
		const stale = await get("/fw/1.1.bin", { Range: "bytes=10-19", "If-Range": "\"0000\"" });
		assert.equal(stale.status, 200);
		assert.ok(stale.body.equals(image));
	});

	it("without Range support answers every range with 200 and the whole file, and no Accept-Ranges", async () => {
		server.set({ ranges: false });
		try {
			const r = await get("/fw/1.1.bin", { Range: "bytes=1000-1999" });
			assert.equal(r.status, 200);
			assert.equal(r.headers["accept-ranges"], undefined);
			assert.ok(r.body.equals(image));
		} finally { server.set({ ranges: true }); }
	});

	it("cuts a transfer at a file offset once: the bytes before it arrive, the connection drops, and a Range request from there gets the rest", async () => {
		server.set({ cutAt: { offset: 33333 } });
		const cut = await get("/fw/1.1.bin");
		assert.equal(cut.status, 200);
		assert.ok(cut.aborted, "the response ended before its Content-Length");
		assert.ok(cut.body.equals(image.subarray(0, 33333)), `got ${cut.body.length} bytes`);
		const rest = await get("/fw/1.1.bin", { Range: `bytes=${cut.body.length}-` });
		assert.equal(rest.status, 206);
		assert.ok(!rest.aborted);
		assert.ok(Buffer.concat([cut.body, rest.body]).equals(image));
		const r = server.requests.slice(-2);
		assert.deepEqual(r.map((q) => [q.cut, q.sent]), [[true, 33333], [false, image.length - 33333]]);
	});

	it("cuts n times, or every response after N bytes, and answers 404 to everything when told", async () => {
		server.set({ cutAt: { offset: 100, times: 2 } });
		assert.ok((await get("/fw/1.1.bin")).aborted);
		assert.ok((await get("/fw/1.1.bin", { Range: "bytes=50-" })).aborted);
		assert.ok(!(await get("/fw/1.1.bin", { Range: "bytes=50-" })).aborted, "the third is whole");
		server.set({ cutAt: undefined, cutEvery: 500 });
		for (const from of [0, 500, 1000]) {
			const r = await get("/fw/1.1.bin", { Range: `bytes=${from}-` });
			assert.ok(r.aborted);
			assert.ok(r.body.equals(image.subarray(from, from + 500)));
		}
		server.set({ cutEvery: undefined, notFound: true });
		assert.equal((await get("/fw/1.1.bin")).status, 404);
		server.set({ notFound: false });
	});

	it("sends slowly when told: chunks with a delay between them", async () => {
		server.set({ slow: { chunkBytes: 1000, delayMs: 40 } });
		const t0 = Date.now();
		const r = await get("/fw/1.1.bin", { Range: "bytes=0-4999" });
		server.set({ slow: undefined });
		assert.ok(r.body.equals(image.subarray(0, 5000)));
		assert.ok(Date.now() - t0 >= 4 * 40, `took ${Date.now() - t0} ms (4 delays before the last chunk)`);
	});
});

describe("image server peer with our transport on xsdm", () => {
	before(async () => { if (!port) port = await server.listen(); });
	after(() => server.close());

	async function xs(requests: object[]): Promise<{ status?: number; body?: string; error?: string; failure?: number; headers?: Record<string, string | null> }[]> {
		const origin = `https://localhost:${port}`;
		const spec = { origins: { [origin]: { x509: { trust: [pki.ca.certDer.toString("hex")] } } }, requests: requests.map((r) => ({ ...r, url: `${origin}${(r as { url: string }).url}` })) };
		const r = await runXsdm(compiled("tests/xs/transport/client.ts"), [JSON.stringify(spec)], { timeoutMs: 30000 });
		assert.equal(r.code, 0, r.stderr + r.stdout);
		return r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
	}

	it("downloads a range (206, Content-Range), the rest after a cut (the transport reports the cut as a failure), and reads a 416", async () => {
		server.set({ cutAt: { offset: 40000 } });
		const show = ["Content-Range", "Accept-Ranges"];
		const [ranged, cut, rest, beyond] = await xs([
			{ method: "GET", url: "/fw/1.1.bin", headers: [["Range", "bytes=100-299"]], show },
			{ method: "GET", url: "/fw/1.1.bin" },
			{ method: "GET", url: "/fw/1.1.bin", headers: [["Range", "bytes=40000-"]], show },
			{ method: "GET", url: "/fw/1.1.bin", headers: [["Range", "bytes=70000-"]], show },
		]);
		assert.equal(ranged!.status, 206, JSON.stringify(ranged).slice(0, 300));
		assert.equal(ranged!.body, image.subarray(100, 300).toString("latin1"));
		assert.deepEqual(ranged!.headers, { "Content-Range": `bytes 100-299/${image.length}`, "Accept-Ranges": "bytes" });
		assert.ok(cut!.error !== undefined, `the cut transfer failed: ${JSON.stringify(cut).slice(0, 200)}`);
		assert.equal(rest!.status, 206);
		assert.equal(rest!.body, image.subarray(40000).toString("latin1"));
		assert.equal(beyond!.status, 416);
		assert.equal(beyond!.headers!["Content-Range"], `bytes */${image.length}`);
		const served = server.requests.slice(-4).map((q) => [q.status, q.cut]);
		assert.deepEqual(served, [[206, false], [200, true], [206, false], [416, false]]);
	});
});
