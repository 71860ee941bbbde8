// TLS-PSK from xsdm (modules/transport over mbedTLS) against real servers on loopback: every PSK
// suite of 9.2.2 against openssl s_server and against Node's tls, each time a full handshake then
// a resumed one (the server's own flag says so), resumption by session ID as well as by ticket,
// and the refusals: wrong key, unknown identity, a TLS 1.0-only server, a suite not in 9.2.2.
import { randomBytes } from "node:crypto";
import { after, assert, describe, it } from "../harness/index.js";
import { makeRsaCertificate, needsCertificate, nodePskServer, opensslPskServer, type PskPeer } from "../../hosts/sim/peers/tls-psk.js";
import { compiled, runXsdm, type RunOptions } from "./xsdm.js";

const SUITES: [iana: string, openssl: string][] = [
	["TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"],
	["TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256"],
	["TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256"],
	["TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256"],
	["TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256"],
	["TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256"],
	["TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"],
];
const identity = "device-7";
const key = randomBytes(32);
const certificate = makeRsaCertificate();
const peers: PskPeer[] = [];
after(async () => { for (const p of peers) await p.close(); });

interface Outcome { suite?: string; version?: string; resumed?: boolean; echoed?: number; error?: string }

async function client(port: number, o: { identity?: string; key?: Buffer; suites?: string; size?: number; connections?: number; run?: RunOptions } = {}): Promise<{ code: number | null; outcomes: Outcome[]; stderr: string }> {
	const r = await runXsdm(compiled("tests/xs/transport/tls-echo.ts"), [String(port), o.identity ?? identity, (o.key ?? key).toString("hex"), o.suites ?? "all", String(o.size ?? 3000), String(o.connections ?? 1)], o.run ?? { timeoutMs: 20000 });
	const outcomes = r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Outcome);
	return { code: r.code, outcomes, stderr: r.stderr };
}

const ianaToMbed = (iana: string): string => iana.replace(/_/g, "-");

// s_server -rev answers a line longer than two records with decode_error: 2000 bytes there, 9000 with Node
const OPENSSL_SIZE = 2000, NODE_SIZE = 9000;

function assertFullThenResumed(r: { code: number | null; outcomes: Outcome[]; stderr: string }, iana: string, peer: PskPeer, size: number): void {
	assert.equal(r.code, 0, JSON.stringify(r.outcomes) + r.stderr);
	assert.equal(r.outcomes.length, 2);
	for (const o of r.outcomes) {
		assert.equal(o.suite, ianaToMbed(iana));
		assert.equal(o.version, "TLSv1.2");
		assert.equal(o.echoed, size);
	}
	assert.equal(r.outcomes[0]!.resumed, false, "the first connection makes a full handshake");
	assert.equal(r.outcomes[1]!.resumed, true, "the client saw the second one resume");
	assert.deepEqual(peer.resumed, [false, true], "the server resumed the second connection");
}

describe("TLS-PSK from xsdm: every suite of 9.2.2 against openssl s_server and Node", () => {
	for (const [iana, openssl] of SUITES) {
		const cert = needsCertificate(openssl) ? { certificate } : {};
		it(`${iana} with openssl s_server: echoes ${OPENSSL_SIZE} bytes, then resumes by ticket`, async () => {
			const peer = await opensslPskServer({ identity, key, ciphers: openssl, ...cert });
			peers.push(peer);
			assertFullThenResumed(await client(peer.port, { connections: 2, size: OPENSSL_SIZE }), iana, peer, OPENSSL_SIZE);
		});
		it(`${iana} with Node tls: echoes ${NODE_SIZE} bytes, then resumes by ticket`, async () => {
			const peer = await nodePskServer({ identity, key, ciphers: openssl, ...cert });
			peers.push(peer);
			assertFullThenResumed(await client(peer.port, { connections: 2, size: NODE_SIZE }), iana, peer, NODE_SIZE);
		});
	}
});

describe("TLS-PSK session resumption", () => {
	it("resumes by session ID when Node issues no tickets", async () => {
		const peer = await nodePskServer({ identity, key, ciphers: "PSK-AES128-GCM-SHA256", sessionIds: true });
		peers.push(peer);
		const r = await client(peer.port, { connections: 3, size: 100 });
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.outcomes.map((o) => o.resumed), [false, true, true]);
		assert.deepEqual(peer.resumed, [false, true, true]);
	});
	it("resumes by session ID when openssl issues no tickets", async () => {
		const peer = await opensslPskServer({ identity, key, ciphers: "ECDHE-PSK-AES128-CBC-SHA256", sessionIds: true });
		peers.push(peer);
		assertFullThenResumed(await client(peer.port, { connections: 2, size: OPENSSL_SIZE }), "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", peer, OPENSSL_SIZE);
	});
	it("resumes on the 32-bit host too", async () => {
		const peer = await nodePskServer({ identity, key, ciphers: "DHE-PSK-AES128-GCM-SHA256" });
		peers.push(peer);
		assertFullThenResumed(await client(peer.port, { connections: 2, size: NODE_SIZE, run: { width: 32, timeoutMs: 60000 } }), "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", peer, NODE_SIZE);
	}, 60000);
});

describe("TLS-PSK refusals say what to check, and never show the key", () => {
	const refused = (r: { code: number | null; outcomes: Outcome[] }, pattern: RegExp): void => {
		assert.equal(r.code, 3, JSON.stringify(r.outcomes));
		assert.equal(r.outcomes.length, 1);
		const error = r.outcomes[0]!.error ?? "";
		assert.ok(pattern.test(error), error);
		assert.ok(!error.toLowerCase().includes(key.toString("hex").slice(0, 8)), "no key bytes in the error");
	};
	for (const kind of ["openssl", "node"] as const) {
		const start = (o: { ciphers: string }): Promise<PskPeer> => (kind === "openssl" ? opensslPskServer({ identity, key, ...o }) : nodePskServer({ identity, key, ...o })).then((p) => { peers.push(p); return p; });
		it(`refuses a wrong key (${kind})`, async () => {
			const peer = await start({ ciphers: "PSK-AES128-GCM-SHA256" });
			refused(await client(peer.port, { key: randomBytes(32) }), /TLS handshake failed: .*(check the PSK identity and key|integrity)/);
		});
		// s_server only warns about an unexpected identity and goes on with its one key
		if (kind === "node") it(`refuses an identity the server does not know (${kind})`, async () => {
			const peer = await start({ ciphers: "PSK-AES128-CBC-SHA256" });
			refused(await client(peer.port, { identity: "someone-else" }), /TLS handshake failed: .*(PSK|alert)/);
		});
		it(`refuses a server whose only suite is not in 9.2.2 (${kind})`, async () => {
			const peer = await start({ ciphers: "PSK-CHACHA20-POLY1305" });
			refused(await client(peer.port), /TLS handshake failed: the server sent alert 40 \(handshake_failure\)/);
		});
	}
	// the suites of 9.2.2 do not exist below TLS 1.2, so such a server finds nothing in common
	it("refuses a TLS 1.0-only server", async () => {
		const peer = await opensslPskServer({ identity, key, ciphers: "PSK-AES128-CBC-SHA@SECLEVEL=0", extra: ["-tls1"] });
		peers.push(peer);
		refused(await client(peer.port), /TLS handshake failed: .*(protocol_version|handshake_failure\).*TLS 1\.2)/);
	});
	it("refuses to offer a suite outside 9.2.2", async () => {
		const r = await client(1, { suites: "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" });
		assert.equal(r.code, 1);
		assert.ok(/not one of section 9\.2\.2's/.test(r.stderr), r.stderr);
	});
});
