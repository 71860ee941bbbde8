// A short run of the ClientURI fuzz (npm run fuzz runs 10^6 on Node, 10^4 on XS).
import { fuzzClientUri } from "../../fuzz/client-uri.js";
import { assert, describe, engine, it } from "../../harness/index.js";

describe("ClientURI fuzz over the tree with access control", () => {
	it(`parses and resolves ${engine === "xs" ? 500 : 5000} generated ClientURIs: only 400/403/404 escape`, () => {
		const s = fuzzClientUri(engine === "xs" ? 500 : 5000, 7);
		assert.ok(s.accepted > 0 && (s.refused[400] ?? 0) > 0 && (s.refused[404] ?? 0) > 0, JSON.stringify(s));
	});
});
