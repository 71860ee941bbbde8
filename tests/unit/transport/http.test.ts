// The HTTP/1.1 pieces without IO, on both engines: the response parser fed whole, split at every
// byte boundary and byte by byte (same events each time), its typed refusals, the request head
// writer, and Basic/Digest against RFC 7617/7616's own examples.
import { basicAuthorization, digestAuthorization, parseDigestChallenge } from "../../../modules/transport/http/auth.js";
import { HttpConnection, type RequestBody, type SocketCallbacks } from "../../../modules/transport/http/connection.js";
import { HttpError, HttpErrorKind } from "../../../modules/transport/http/error.js";
import { chunkPrefix, requestHead } from "../../../modules/transport/http/request.js";
import { ResponseParser, type ResponseHead } from "../../../modules/transport/http/response-parser.js";
import { asciiBytes, latin1Bytes, latin1BytesReference, latin1Text, latin1TextReference } from "../../../modules/bytes/index.js";
import { FakeClock } from "../../harness/fake-clock.js";
import { assert, describe, it } from "../../harness/index.js";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

interface Seen { head?: ResponseHead; body: string; ended: number; used: number }

function parse(pieces: Uint8Array[], close = false, method = "GET"): Seen {
	const seen: Seen = { body: "", ended: 0, used: 0 };
	const p = new ResponseParser({
		onHead: (h) => { seen.head = h; },
		onBody: (b) => { seen.body += text(b); },
		onEnd: () => { seen.ended++; },
	}, { headBytes: 512, headers: 8 });
	p.reset(method);
	for (const piece of pieces) seen.used += p.feed(piece);
	if (close) p.end();
	return seen;
}

/** Every way of cutting the response in two, and byte by byte: each must give the same result as whole. */
function everySplit(response: string, close = false, method = "GET"): Seen {
	const bytes = ascii(response);
	const whole = parse([bytes], close, method);
	for (let cut = 0; cut <= bytes.length; cut++) {
		const split = parse([bytes.subarray(0, cut), bytes.subarray(cut)], close, method);
		assert.deepEqual(split, whole, `cut at ${cut}`);
	}
	const bytewise = parse(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)), close, method);
	assert.deepEqual(bytewise, whole, "byte by byte");
	return whole;
}

function refused(response: string, kind: HttpErrorKind, pattern: RegExp, close = false): void {
	const bytes = ascii(response);
	for (const pieces of [[bytes], Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))]) {
		let error: unknown;
		try { parse(pieces, close); } catch (e) { error = e; }
		assert.ok(error instanceof HttpError, `${String(error)} for ${JSON.stringify(response)}`);
		assert.equal((error as HttpError).kind, kind, (error as HttpError).message);
		assert.ok(pattern.test((error as HttpError).message), (error as HttpError).message);
	}
}

describe("HTTP response parser", () => {
	it("reads a Content-Length body split anywhere", () => {
		const r = everySplit("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oma.dm.request+json\r\nContent-Length: 11\r\n\r\n{\"a\":[1,2]}");
		assert.equal(r.head!.status, 200);
		assert.equal(r.head!.reason, "OK");
		assert.deepEqual(r.head!.headers, [["content-type", "application/vnd.oma.dm.request+json"], ["content-length", "11"]]);
		assert.equal(r.body, "{\"a\":[1,2]}");
		assert.equal(r.ended, 1);
		assert.equal(r.head!.keepAlive, true);
	});
	it("reads a chunked body with extensions and trailers split anywhere", () => {
		const r = everySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\nA\r\n, world..!\r\n0\r\nX-Trailer: 1\r\n\r\n");
		assert.equal(r.body, "hello, world..!");
		assert.equal(r.ended, 1);
	});
	it("stops at the end of its response and leaves the next one's bytes", () => {
		const r = parse([ascii("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n")]);
		assert.equal(r.ended, 1);
		assert.equal(r.used, "HTTP/1.1 204 No Content\r\n\r\n".length);
	});
	it("skips 100 Continue", () => {
		const r = everySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
		assert.equal(r.head!.status, 201);
		assert.equal(r.body, "ok");
	});
	it("reads a body that runs until the close, and then keeps nothing alive", () => {
		const r = everySplit("HTTP/1.1 200 OK\r\n\r\nuntil the end", true);
		assert.equal(r.body, "until the end");
		assert.equal(r.ended, 1);
		assert.equal(r.head!.keepAlive, false);
	});
	it("gives a HEAD response no body, and honours Connection: close and HTTP/1.0", () => {
		assert.equal(parse([ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")], false, "HEAD").ended, 1);
		assert.equal(parse([ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")]).head!.keepAlive, false);
		assert.equal(parse([ascii("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")]).head!.keepAlive, false);
	});
	it("refuses what is not HTTP, with typed errors", () => {
		refused("HTTP/2 200 OK\r\n\r\n", HttpErrorKind.Malformed, /status line/);
		refused("HTTP/1.1 20 OK\r\n\r\n", HttpErrorKind.Malformed, /status line/);
		refused("HTTP/1.1 200 OK\nContent-Length: 0\n\n", HttpErrorKind.Malformed, /CR LF/);
		refused("HTTP/1.1 200 OK\r\nbad header\r\n\r\n", HttpErrorKind.Malformed, /not a header field/);
		refused("HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", HttpErrorKind.Malformed, /folding/);
		refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HttpErrorKind.Malformed, /not a number/);
		refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HttpErrorKind.Malformed, /two different/);
		refused("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", HttpErrorKind.Malformed, /ambiguous/);
		refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", HttpErrorKind.Malformed, /only chunked/);
		refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", HttpErrorKind.Malformed, /no hex digit/);
		refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", HttpErrorKind.Malformed, /not followed by CR LF/);
		refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\n", HttpErrorKind.TooLarge, /8 hex digits/);
		refused("HTTP/1.1 101 Switching Protocols\r\n\r\n", HttpErrorKind.Malformed, /101/);
	});
	it("bounds the head: bytes and header count", () => {
		refused(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(600)}\r\n\r\n`, HttpErrorKind.TooLarge, /exceed 512 bytes/);
		refused(`HTTP/1.1 200 OK\r\n${"A: b\r\n".repeat(9)}\r\n`, HttpErrorKind.TooLarge, /more than 8/);
	});
	it("says where a close cut the response", () => {
		refused("", HttpErrorKind.Closed, /before any response/, true);
		refused("HTTP/1.1 200 OK\r\nContent-Le", HttpErrorKind.Closed, /in the response headers/, true);
		refused("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", HttpErrorKind.Closed, /mid-body/, true);
		refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", HttpErrorKind.Closed, /mid-body/, true);
	});
	it("reads Latin-1 header bytes and long lines as the byte-at-a-time reference does", () => {
		const r = everySplit(`HTTP/1.1 200 \u00e9t\u00e9\r\nX-A: caf\u00e9 \u00ff\r\nX-Long: ${"v".repeat(400)}\r\nContent-Length: 0\r\n\r\n`);
		assert.equal(r.head!.reason, "\u00e9t\u00e9");
		assert.deepEqual(r.head!.headers[0], ["x-a", "caf\u00e9 \u00ff"]);
		assert.equal(r.head!.headers[1]![1], "v".repeat(400));
		const bytes = Uint8Array.from({ length: 700 }, (_, i) => (i * 37 + 1) & 0xff);
		for (const [from, to] of [[0, 0], [0, 1], [3, 259], [0, 256], [0, 257], [1, 700], [0, 513]] as const) assert.equal(latin1Text(bytes, from, to), latin1TextReference(bytes, from, to), `${from}..${to}`);
		// bytes XS's UTF-8 reader would take otherwise: a valid sequence (C3 A9), a NUL, a view at an offset
		for (const b of [[0x41, 0xc3, 0xa9, 0x42], [0x41, 0x00, 0x42], [0x61, 0x62, 0x63]]) {
			const padded = new Uint8Array([0x20, ...b, 0x20]).subarray(1, b.length + 1);
			assert.equal(latin1Text(padded, 0, padded.length), latin1TextReference(padded, 0, padded.length), JSON.stringify(b));
		}
	});
	it("takes a head of exactly its byte budget, and not one byte more", () => {
		const fill = (n: number): string => `HTTP/1.1 204 No Content\r\nX: ${"a".repeat(n)}\r\n\r\n`;
		const base = fill(0).length;
		assert.equal(everySplit(fill(512 - base)).head!.status, 204);
		refused(fill(513 - base), HttpErrorKind.TooLarge, /exceed 512 bytes/);
	});
	it("stays failed", () => {
		const p = new ResponseParser({ onHead: () => undefined, onBody: () => undefined, onEnd: () => undefined });
		assert.throws(() => p.feed(ascii("nonsense\r\n")), /status line/);
		assert.throws(() => p.feed(ascii("HTTP/1.1 200 OK\r\n")), /status line/);
	});
});

describe("HTTP request head", () => {
	it("writes the request line, Host, the caller's headers and the framing", () => {
		const head = requestHead({ method: "POST", target: "/dm?x=1", host: "dm.example.com:443", headers: [["OMADM-DevID", "IMEI:493005100592800"], ["Content-Type", "application/vnd.oma.dm.initiation+json"]], length: 12 });
		assert.equal(text(head), "POST /dm?x=1 HTTP/1.1\r\nHost: dm.example.com:443\r\nOMADM-DevID: IMEI:493005100592800\r\nContent-Type: application/vnd.oma.dm.initiation+json\r\nContent-Length: 12\r\n\r\n");
		assert.equal(text(requestHead({ method: "PUT", target: "/r", host: "h", length: "chunked" })), "PUT /r HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
		assert.equal(text(chunkPrefix(300)), "12c\r\n");
	});
	it("encodes text as the one-character-at-a-time reference does, Latin-1 included", () => {
		for (const t of ["", "GET / HTTP/1.1\r\n", "caf\u00e9", "\u00ff\u0080x", "x".repeat(300)]) assert.deepEqual(Array.from(latin1Bytes(t)), Array.from(latin1BytesReference(t)), JSON.stringify(t));
		for (const t of ["", "\u0001 ~\u007f", "DevID", "x".repeat(300)]) assert.deepEqual(Array.from(asciiBytes(t)), Array.from(latin1BytesReference(t)), `ASCII ${JSON.stringify(t)}`);
		assert.equal(text(requestHead({ method: "GET", target: "/", host: "h", headers: [["X", "caf\u00e9"]] })), "GET / HTTP/1.1\r\nHost: h\r\nX: caf\u00e9\r\n\r\n");
	});
	it("refuses header injection and framing headers set by hand", () => {
		assert.throws(() => requestHead({ method: "GET", target: "/", host: "h", headers: [["X", "a\r\nInjected: 1"]] }), /control character/);
		assert.throws(() => requestHead({ method: "GET", target: "/a b", host: "h" }), /no spaces/);
		assert.throws(() => requestHead({ method: "GET", target: "/", host: "h", headers: [["Content-Length", "5"]] }), /set by the client/);
		assert.throws(() => requestHead({ method: "G T", target: "/", host: "h" }), /token/);
	});
});

describe("HTTP authentication", () => {
	it("Basic as RFC 7617 shows it", () => {
		assert.equal(basicAuthorization({ user: "Aladdin", password: "open sesame" }), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
		assert.equal(basicAuthorization({ user: "test", password: "123\u00a3" }), "Basic dGVzdDoxMjPCow==");
	});
	const rfc7616 = (algorithm: string): string => `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
	const mufasa = { user: "Mufasa", password: "Circle of Life" };
	const cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	it("Digest MD5 as RFC 7616 3.9.1 shows it", () => {
		const ch = parseDigestChallenge(rfc7616("MD5"))!;
		assert.equal(ch.qopAuth, true);
		const value = digestAuthorization(mufasa, ch, "GET", "/dir/index.html", cnonce);
		assert.ok(value.includes("response=\"8ca523f5e9506fed4657c9700eebdbec\""), value);
		assert.ok(value.includes("nc=00000001") && value.includes("opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""), value);
	});
	it("Digest SHA-256 as RFC 7616 3.9.1 shows it", () => {
		const value = digestAuthorization(mufasa, parseDigestChallenge(rfc7616("SHA-256"))!, "GET", "/dir/index.html", cnonce);
		assert.ok(value.includes("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""), value);
	});
	it("refuses challenges it cannot answer, and tells Basic from Digest", () => {
		assert.equal(parseDigestChallenge("Basic realm=\"x\""), undefined);
		assert.throws(() => parseDigestChallenge("Digest realm=\"x\""), /without realm or nonce/);
		assert.throws(() => parseDigestChallenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"), /not supported/);
		assert.throws(() => parseDigestChallenge("Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\""), /no "auth"/);
		assert.throws(() => parseDigestChallenge("Digest realm=\"x\" nonce"), /does not parse/);
	});
});

/** The writes a request makes on a socket that grants `writable` bytes, its body pulled from `pieces`
    (undefined: nothing yet, the test calls bodyReady()). */
function writesOf(length: number | "chunked", pieces: (string | undefined)[], writable = 4096): { writes: string[]; ready: () => void } {
	const writes: string[] = [];
	let callbacks: SocketCallbacks | undefined;
	const connection = new HttpConnection({ host: "h", timers: new FakeClock(), connect: (c) => { callbacks = c; return { read: () => undefined, write: (b) => { writes.push(text(b)); }, close: () => undefined }; } });
	const body: RequestBody = { length, pull: (into) => {
		const next = pieces.shift();
		if (next === undefined) return pieces.length ? undefined : 0;
		assert.ok(next.length <= into.length, "a piece fits the pull");
		into.set(ascii(next));
		return next.length;
	} };
	connection.request({ method: "POST", target: "/dm", body }, { onHead: () => undefined, onBody: () => undefined, onEnd: () => undefined, onError: (e) => { throw e; } });
	callbacks!.onWritable(writable);
	return { writes, ready: () => connection.bodyReady() };
}

describe("HTTP request writes", () => {
	const head = (framing: string): string => `POST /dm HTTP/1.1\r\nHost: h\r\n${framing}\r\n\r\n`;
	it("sends the head with the body's first piece in one write, chunked and by length", () => {
		assert.deepEqual(writesOf("chunked", ["hello", "!"]).writes, [`${head("Transfer-Encoding: chunked")}5\r\nhello\r\n`, "1\r\n!\r\n", "0\r\n\r\n"]);
		assert.deepEqual(writesOf(6, ["hello!"]).writes, [`${head("Content-Length: 6")}hello!`]);
		assert.deepEqual(writesOf("chunked", []).writes, [`${head("Transfer-Encoding: chunked")}`, "0\r\n\r\n"]);
		assert.deepEqual(writesOf(0, []).writes, [`${head("Content-Length: 0")}`]);
	});
	it("holds the head until the producer has bytes, then sends both together", () => {
		const w = writesOf("chunked", [undefined, "abc"]);
		assert.deepEqual(w.writes, []);
		w.ready();
		assert.deepEqual(w.writes, [`${head("Transfer-Encoding: chunked")}3\r\nabc\r\n`, "0\r\n\r\n"]);
	});
	it("sends a head too big to share the piece alone, then the body as before", () => {
		const big = "x".repeat(1100);
		const writes: string[] = [];
		let callbacks: SocketCallbacks | undefined;
		const connection = new HttpConnection({ host: "h", timers: new FakeClock(), connect: (c) => { callbacks = c; return { read: () => undefined, write: (b) => { writes.push(text(b)); }, close: () => undefined }; } });
		let sent = false;
		connection.request({ method: "POST", target: "/dm", headers: [["X", big]], body: { length: 2, pull: (into) => { if (sent) return 0; sent = true; into.set(ascii("ok")); return 2; } } }, { onHead: () => undefined, onBody: () => undefined, onEnd: () => undefined, onError: (e) => { throw e; } });
		callbacks!.onWritable(4096);
		assert.deepEqual(writes, [`POST /dm HTTP/1.1\r\nHost: h\r\nX: ${big}\r\nContent-Length: 2\r\n\r\n`, "ok"]);
	});
});
