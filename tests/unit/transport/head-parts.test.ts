// The response parser's status line and token lists, and the request's origin form, written out
// instead of regular expressions (modules/bytes/pattern.ts says why): each held to the expression
// it replaced, kept here as the reference, over the cases a head can bring.
import { listsToken, parseStatusLine } from "../../../modules/transport/http/response-parser.js";
import { resumptionPays } from "../../../modules/transport/suites.js";
import { isIpv4, schemeOf } from "../../../modules/http/url.js";
import { isSpace } from "../../../modules/bytes/index.js";
import { isNodeName, xName } from "../../../modules/dm/uri/client-uri.js";
import { isAbsoluteHttp } from "../../../modules/dm/uri/server-uri.js";
import { isHttpUrl, originOf } from "../../../modules/dm/session/session.js";
import { qValue } from "../../../modules/dm/commands/mime.js";
import { assert, describe, it } from "../../harness/index.js";

const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?$/;
const CLOSE = /(^|,)\s*close\s*(,|$)/i, CHUNKED = /(^|,)\s*chunked\s*$/i;
const PLAIN_PSK = /^TLS[-_]PSK[-_]WITH[-_]/;

describe("transport: head parts without regular expressions", () => {
	it("reads a status line as the expression did, Latin-1 reasons included", () => {
		const lines = ["HTTP/1.1 200 OK", "HTTP/1.0 404 Not Found", "HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.1 200  two", "HTTP/1.1 200\tOK",
			"HTTP/1.2 200 OK", "HTTP/2 200", "http/1.1 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20x OK", "HTTP/1.1  200 OK",
			"HTTP/1.1 200 O\tK", "HTTP/1.1 200 caf\xe9", "HTTP/1.1 200 a\x7fb", "HTTP/1.1 200 a\x1fb", "HTTP/1.1 200 a\x00", "HTTP/1.1 200 \xff\x80",
			"HTTP/1.1 200 a\rb", " HTTP/1.1 200 OK", "HTTP/1.1 200 OK ", "", "HTTP/1.", "HTTP/1.1 ", "HTTP/1.1 99"];
		for (let c = 0; c < 0x100; c++) lines.push(`HTTP/1.1 204 ${String.fromCharCode(c)}`, `HTTP/1.1 2${String.fromCharCode(c)}4`);
		for (const line of lines) {
			// XS's expressions take U+0000..U+0008 in a reason (the class [^\x00-\x08...] does not
			// exclude them there, its C strings end at a NUL) where the RFC refuses them: held to the RFC
			if (/[\x00-\x08]/.test(line.slice(13))) { assert.equal(parseStatusLine(line), undefined, JSON.stringify(line)); continue; }
			const m = STATUS_LINE.exec(line), got = parseStatusLine(line);
			assert.deepEqual(got, m ? { minor: Number(m[1]), status: Number(m[2]), reason: m[3] ?? "" } : undefined, JSON.stringify(line));
		}
	});

	it("finds a token in a header's list as the expressions did", () => {
		const values = ["close", "Close", " CLOSE ", "keep-alive, close", "close,keep-alive", "closed", "enclose", "x close", "close;q", ",close,", "",
			"chunked", "gzip, chunked", "chunked, gzip", " Chunked\t", "\tclose\t,", "close\u00a0", "\u2028close", "clo se", "chunked,", ",chunked"];
		for (const v of values) {
			assert.equal(listsToken(v, "close"), CLOSE.test(v), `close in ${JSON.stringify(v)}`);
			assert.equal(listsToken(v, "chunked", true), CHUNKED.test(v), `chunked last in ${JSON.stringify(v)}`);
		}
	});

	it("tells a plain PSK suite as the expression did", () => {
		for (const s of ["TLS_PSK_WITH_AES_128_CCM_8", "TLS-PSK-WITH-AES-128-GCM-SHA256", "TLS_PSK-WITH_X", "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
			"TLS_DHE_PSK_WITH_AES_128_CCM", "TLS_PSK_WITH", "TLS_PSK_WITH_", "tls_psk_with_x", "TLS.PSK_WITH_X", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"])
			assert.equal(resumptionPays(s), !PLAIN_PSK.test(s), s);
	});
});

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

describe("http: URL parts without regular expressions", () => {
	it("reads a scheme as the expression did", () => {
		for (const t of ["https://a", "HTTP://a", "h://", "a+b.c-d://x", "1http://a", "://a", "http:/a", "http//a", "ht tp://a", "http:://a", "a/b://c",
			"\u00e9://a", "x://y://z", "", "https:", "[://", "@://", "`://", "{://", "Z9://"])
			assert.equal(schemeOf(t), SCHEME.exec(t)?.[1], JSON.stringify(t));
	});

	it("tells a dotted-decimal IPv4 address as the expression did", () => {
		const hosts = ["127.0.0.1", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.1.1.1", "1.1.1", "1.1.1.1.1", "1..1.1", "1.1.1.", ".1.1.1", "a.b.c.d",
			"1.1.1.1a", "+1.1.1.1", "1.1.1.-1", "199.249.200.100", "300.1.1.1", "1e2.1.1.1", " 1.1.1.1", "1.1.1.1 ", "000.1.1.1", "10.010.1.1", ""];
		for (let o = 0; o < 300; o++) hosts.push(`10.${o}.0.1`);
		for (const h of hosts) assert.equal(isIpv4(h), IPV4.test(h), JSON.stringify(h));
	});
});

const NODE_NAME = /^(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})+$/, X_NAME = /^\(([A-Za-z])\)$/;

describe("dm/uri: node names without regular expressions", () => {
	it("tells a node name and an x-name as the expressions did", () => {
		const names = ["a", "Name", "a-b.c_d~e", "%41", "%4a%4B", "%", "%4", "%4g", "%%41", "a%41b", "a b", "a/b", "", "é", "%C3%A9", "(x)", "(X)", "(1)",
			"(xy)", "x)", "(x", "((x))", "(é)", "(_)", "[x]", "*", "a%2", "~%7e"];
		for (let c = 0x20; c < 0x80; c++) names.push(String.fromCharCode(c), `(${String.fromCharCode(c)})`, `%${String.fromCharCode(c)}0`);
		for (const n of names) {
			assert.equal(isNodeName(n), NODE_NAME.test(n), `node name ${JSON.stringify(n)}`);
			assert.equal(xName(n), X_NAME.exec(n)?.[1], `x-name ${JSON.stringify(n)}`);
		}
	});
});

const ORIGIN = /^https?:\/\/[^/?#]+/i, HTTP_URL = /^https?:\/\/[^\s/?#]+/i, ABSOLUTE_HTTP = /^https?:\/\/[^\s/?#]+([/?#][^\s]*)?$/i;
const Q_PARAM = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i;

describe("dm: URL and Accept checks without regular expressions", () => {
	it("finds an origin, tells an http(s) URL and an absolute one as the expressions did", () => {
		const urls = ["https://dm.example.com/x", "HTTP://a", "http://a b/c", "https://", "https:///x", "https://?q", "https://#f", "http://a?b#c",
			"ftp://a", "https:/a", "http//a", "http:// a", "http://\ta/", "https://a/b c", "https://a\u00a0/b", "Https://A:443/", "xhttp://a", "",
			"https://a/\u2028", "http://[::1]:80/", "hTTpS://h#", "http://a\n"];
		for (const u of urls) {
			assert.equal(originOf(u), (ORIGIN.exec(u)?.[0] ?? u).toLowerCase(), `origin of ${JSON.stringify(u)}`);
			assert.equal(isHttpUrl(u), HTTP_URL.test(u), `http URL ${JSON.stringify(u)}`);
			assert.equal(isAbsoluteHttp(u), ABSOLUTE_HTTP.test(u), `absolute ${JSON.stringify(u)}`);
		}
	});

	it("reads a q parameter as the expression did", () => {
		for (const p of ["q=1", "q=0", "Q=0.5", "q = 0.25", "q=\t0.125", "q=0.1234", "q=1.", "q=2", "q=0.a", "q", "q=", "qq=1", " q=1", "q=1 ", "level=1",
			"q=01", "q=1.000", "q=.5", "q =1", "q\t=\t1"])
			assert.equal(qValue(p), Q_PARAM.exec(p)?.[1], JSON.stringify(p));
	});
});

describe("bytes: isSpace", () => {
	it("is \\s, for every UTF-16 code unit", () => {
		for (let code = 0; code < 0x10000; code++) assert.equal(isSpace(code), /\s/.test(String.fromCharCode(code)), code.toString(16));
	});
});
