// xsdm's count of mbedTLS's own heap (hosts/sim/src/mbedtls-memory.c), which the benchmarks report
// apart from XS's: a secure socket's mbedTLS context shows up while it lives and is all given back
// when it closes; XS's own allocations never show.
import TCP from "embedded:io/socket/tcp";
import { tlsMemory } from "embedded:sim/host";
import { SecureSocket } from "../../../modules/transport/index.js";
import { assert, describe, it } from "../../harness/index.js";

describe("mbedTLS heap count", () => {
	it("sees a TLS context's record buffers while it is open, and nothing left after close", () => {
		const before = tlsMemory();
		assert.equal(before.lost, 0);
		const socket = new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk: { identity: "dev", key: new Uint8Array(16).fill(1) } }, onError() { /* refused: closed below */ } });
		const open = tlsMemory();
		// mbedtls_ssl_setup allocates the input and output record buffers (16 KiB of content each by default)
		assert.ok(open.current - before.current > 2 * 16384, `counted ${open.current - before.current} bytes`);
		assert.ok(open.blocks > before.blocks);
		socket.close();
		assert.equal(tlsMemory().current, before.current);
	});

	it("counts nothing for XS allocations", () => {
		const before = tlsMemory().current;
		const big: Uint8Array[] = [];
		for (let i = 0; i < 50; i++) big.push(new Uint8Array(4096));
		assert.equal(tlsMemory().current, before);
		assert.equal(big.length, 50);
	});
});
