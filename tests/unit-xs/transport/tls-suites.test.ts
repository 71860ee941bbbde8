// The TLS engine keeps the offered suites its mbedTLS has built in: mbedTLS 4 (ESP-IDF v6) lacks
// DHE-PSK, RSA-PSK and the RSA/DHE-RSA X.509 suites of 9.2.2, and the same list must serve it.
import { assert, describe, it } from "../../harness/index.js";

const construct = native("xs_tls_constructor");
class Engine extends Native("xs_tls_destructor") {
	constructor(options: object) {
		super();
		construct.call(this, options);
	}
}
const psk = { identity: "dev", key: new Uint8Array(16).fill(7) };

describe("TLS engine suites", () => {
	it("drops a suite this mbedTLS lacks and keeps the rest", () => {
		assert.ok(new Engine({ suites: [0xfefe, 0x00a8], psk }) instanceof Engine);
	});
	it("refuses a list with no suite built in, naming them", () => {
		assert.throws(() => new Engine({ suites: [0xfefe, 0xfefd], psk }), /no cipher suite offered is built into this mbedTLS: choose others \(fefe fefd\)/);
	});
});
