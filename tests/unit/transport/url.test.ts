// Absolute http(s) URLs as the transport client reads them, on both engines: the parts it connects
// to and sends, origins that group connections, Location references, and the refusals.
import { parseUrl, resolveLocation } from "../../../modules/http/index.js";
import { assert, describe, it } from "../../harness/index.js";

describe("parseUrl", () => {
	it("splits an https URL with a host name and default port", () => {
		const u = parseUrl("HTTPS://DM.Example.com/omadm?session=1#ignored");
		assert.deepEqual([u.scheme, u.host, u.port, u.target, u.origin, u.authority, u.numeric], ["https", "dm.example.com", 443, "/omadm?session=1", "https://dm.example.com:443", "dm.example.com", false]);
	});

	it("keeps a non-default port in the Host header and recognises numeric addresses", () => {
		const u = parseUrl("http://127.0.0.1:8080");
		assert.deepEqual([u.port, u.target, u.authority, u.numeric, u.origin], [8080, "/", "127.0.0.1:8080", true, "http://127.0.0.1:8080"]);
		const v6 = parseUrl("https://[::1]:4443/x");
		assert.deepEqual([v6.host, v6.authority, v6.numeric, v6.origin], ["::1", "[::1]:4443", true, "https://[::1]:4443"]);
		assert.equal(parseUrl("http://h?q=1").target, "/?q=1");
		assert.equal(parseUrl("http://h:80/").origin, parseUrl("http://h/").origin, "the default port written out is the same origin");
	});

	it("takes 256.1.1.1 for a name, not an address", () => {
		assert.equal(parseUrl("http://10.0.0.256/").numeric, false);
	});

	for (const [text, why] of [
		["ftp://h/", /scheme ftp/], ["//h/x", /not an absolute URL/], ["http:/h", /not an absolute URL/],
		["https://user:secret@h/", /user information/], ["http://h:0/", /port/], ["http://h:70000/", /port/], ["http://h:8a/", /port/],
		["http:///x", /host/], ["http://h_x/", /neither a host name/], ["http://h/a b", /percent-encode/], ["http://[::1/", /closing \]/],
		["http://[zz]/", /IPv6/],
	] as const) {
		it(`refuses ${text}`, () => {
			assert.throws(() => parseUrl(text), (e: unknown) => e instanceof TypeError && why.test((e as Error).message) && !(e as Error).message.includes("secret"));
		});
	}
});

describe("resolveLocation", () => {
	const base = parseUrl("https://dm.example.com:8443/a/b");
	it("reads a path-absolute Location on the same origin", () => {
		const u = resolveLocation("/c?d=1", base);
		assert.deepEqual([u.origin, u.target], [base.origin, "/c?d=1"]);
	});
	it("reads an absolute Location on another origin", () => {
		assert.equal(resolveLocation("http://other/x", base).origin, "http://other:80");
	});
	it("refuses relative and scheme-relative references", () => {
		assert.throws(() => resolveLocation("c", base), TypeError);
		assert.throws(() => resolveLocation("//evil/x", base), TypeError);
	});
});
