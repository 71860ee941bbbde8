// X.509 mode of the transport (9.2.2, interpretation 11) on xsdm against Node https on loopback,
// with a PKI made by openssl at test time: each of the six suites, the server verified against the
// account's trust anchors and for the URL's host name, a client certificate when the account has
// one, resumption; an unknown CA, an expired certificate, a wrong host name, a suite outside 9.2.2
// and a server below TLS 1.2 all refused as TLS failures that say why.
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { makeTestPki, opensslX509Server } from "../../hosts/sim/peers/x509-pki.js";
import { X509_SUITES } from "../../modules/transport/suites.js";
import { after, assert, describe, it } from "../harness/index.js";
import { compiled, runXsdm } from "./xsdm.js";

const pki = makeTestPki();
const servers: Server[] = [];
after(() => { for (const s of servers) s.close(); });

const enum Failure { Connect = 1, Tls = 2 }
interface Line { status?: number; body?: string; error?: string; failure?: Failure }

async function run(spec: object): Promise<Line[]> {
	const r = await runXsdm(compiled("tests/xs/transport/client.ts"), [JSON.stringify(spec)], { timeoutMs: 30000 });
	assert.equal(r.code, 0, r.stderr + r.stdout);
	return r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
}

interface Peer { port: number; resumed: boolean[]; ciphers: string[]; protocols: (string | null)[]; clients: (string | undefined)[] }

/** An https server with an RSA and a P-256 certificate, saying which suite each request came over and who the client was. */
async function peer(o: Partial<ServerOptions> & { certs?: "both" | "expired" } = {}): Promise<Peer> {
	const p: Peer = { port: 0, resumed: [], ciphers: [], protocols: [], clients: [] };
	const certs = o.certs === "expired" ? { cert: pki.expired.cert, key: pki.expired.key } : { cert: [pki.serverRsa.cert, pki.serverEc.cert], key: [pki.serverRsa.key, pki.serverEc.key] };
	const server = createHttpsServer({ ...certs, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", dhparam: "auto", ...o } as ServerOptions, (req: IncomingMessage, res: ServerResponse) => {
		const socket = req.socket as TLSSocket;
		p.ciphers.push(socket.getCipher().standardName);
		p.protocols.push(socket.getProtocol());
		const peerCert = socket.getPeerCertificate();
		p.clients.push(peerCert && peerCert.subject ? String(peerCert.subject.CN) : undefined);
		res.end(`x509 ${req.url}`);
		if (req.url!.endsWith("?close")) res.on("finish", () => setTimeout(() => socket.end(), 50));
	});
	server.on("secureConnection", (s: TLSSocket) => p.resumed.push(s.isSessionReused()));
	server.on("tlsClientError", () => undefined);
	servers.push(server);
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
	p.port = (server.address() as { port: number }).port;
	return p;
}

const trust = (issued = pki.ca) => ({ trust: [issued.certDer.toString("hex")] });

describe("X.509 mode on xsdm against Node https", () => {
	for (const suite of X509_SUITES) {
		it(`${suite.name}: verifies the server and exchanges over it`, async () => {
			const p = await peer();
			const origin = `https://localhost:${p.port}`;
			const [line] = await run({ origins: { [origin]: { x509: trust(), suites: [suite.name] } }, requests: [{ method: "GET", url: `${origin}/dm` }] });
			assert.equal(line!.body, "x509 /dm", JSON.stringify(line));
			assert.deepEqual(p.ciphers, [suite.name]);
		});
	}

	it("resumes the session on a reconnect", async () => {
		const p = await peer();
		const origin = `https://localhost:${p.port}`;
		const lines = await run({ origins: { [origin]: { x509: trust() } }, requests: [{ method: "GET", url: `${origin}/a?close` }, { method: "GET", url: `${origin}/b`, waitMs: 300 }] });
		assert.deepEqual(lines.map((l) => l.status), [200, 200], JSON.stringify(lines));
		assert.deepEqual(p.resumed, [false, true]);
	});

	it("presents the account's client certificate when the server asks, and none when it has none", async () => {
		const p = await peer({ requestCert: true, rejectUnauthorized: false, ca: [pki.ca.cert] });
		const origin = `https://localhost:${p.port}`;
		const withCert = await run({ origins: { [origin]: { x509: { ...trust(), cert: pki.client.certDer.toString("hex"), key: pki.client.keyDer.toString("hex") } } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(withCert[0]!.status, 200, JSON.stringify(withCert));
		const without = await run({ origins: { [origin]: { x509: trust() } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(without[0]!.status, 200, JSON.stringify(without));
		assert.deepEqual(p.clients, ["IMEI:493005100592800", undefined]);
		assert.ok(!JSON.stringify(withCert).includes(pki.client.keyDer.toString("hex").slice(0, 32)));
	});

	it("refuses a server whose certificate chains to no trust anchor of the account", async () => {
		const p = await peer();
		const origin = `https://localhost:${p.port}`;
		const [line] = await run({ origins: { [origin]: { x509: trust(pki.otherCa) } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(line!.failure, Failure.Tls, JSON.stringify(line));
		assert.ok(/not signed by a trust anchor/.test(line!.error!), line!.error);
		assert.deepEqual(p.ciphers, [], "no request reached the server");
	});

	it("refuses an expired server certificate", async () => {
		const p = await peer({ certs: "expired" });
		const origin = `https://localhost:${p.port}`;
		const [line] = await run({ origins: { [origin]: { x509: trust() } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(line!.failure, Failure.Tls, JSON.stringify(line));
		assert.ok(/expired/.test(line!.error!), line!.error);
	});

	it("refuses a certificate for another host name than the URL's", async () => {
		const p = await peer();
		const origin = `https://127.0.0.1:${p.port}`;
		const [line] = await run({ origins: { [origin]: { x509: trust() } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(line!.failure, Failure.Tls, JSON.stringify(line));
		assert.ok(/not for the host name/.test(line!.error!), line!.error);
	});

	it("refuses a server that offers only a suite outside 9.2.2, and one below TLS 1.2", async () => {
		const outside = await peer({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
		const old = await peer({ minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
		const a = `https://localhost:${outside.port}`, b = `https://localhost:${old.port}`;
		const lines = await run({ origins: { [a]: { x509: trust() }, [b]: { x509: trust() } }, requests: [{ method: "GET", url: `${a}/` }, { method: "GET", url: `${b}/` }] });
		assert.deepEqual(lines.map((l) => l.failure), [Failure.Tls, Failure.Tls], JSON.stringify(lines));
		for (const l of lines) assert.ok(/no cipher suite of section 9\.2\.2 in common/.test(l.error!), l.error);
	});

	it("accepts a TLS 1.1 server only when the account allows it (interpretation 8), never TLS 1.0", async () => {
		const sha1 = "ECDHE-ECDSA-AES128-SHA:DHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0";
		const v11 = await peer({ minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: sha1 });
		const v10 = await peer({ minVersion: "TLSv1", maxVersion: "TLSv1", ciphers: sha1 });
		const a = `https://localhost:${v11.port}`, b = `https://localhost:${v10.port}`;
		const lines = await run({ origins: { [a]: { x509: { ...trust(), tls11: true } }, [b]: { x509: { ...trust(), tls11: true } } }, requests: [{ method: "GET", url: `${a}/` }, { method: "GET", url: `${b}/` }] });
		assert.equal(lines[0]!.status, 200, JSON.stringify(lines));
		assert.deepEqual(v11.protocols, ["TLSv1.1"]);
		assert.equal(v11.ciphers[0], "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
		assert.equal(lines[1]!.failure, Failure.Tls, JSON.stringify(lines[1]));
		assert.deepEqual(v10.protocols, []);
	});

	it("still lets a TLS 1.2 server use only the suites of 9.2.2 when TLS 1.1 is allowed", async () => {
		const sha1First = "AES128-SHA:AES128-SHA256";
		const follows = await peer({ ciphers: sha1First, honorCipherOrder: false });
		const insists = await peer({ ciphers: sha1First, honorCipherOrder: true });
		const a = `https://localhost:${follows.port}`, b = `https://localhost:${insists.port}`;
		const lines = await run({ origins: { [a]: { x509: { ...trust(), tls11: true } }, [b]: { x509: { ...trust(), tls11: true } } }, requests: [{ method: "GET", url: `${a}/` }, { method: "GET", url: `${b}/` }] });
		assert.equal(lines[0]!.status, 200, JSON.stringify(lines));
		assert.deepEqual([follows.protocols[0], follows.ciphers[0]], ["TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA256"], "the client's order puts 9.2.2 first");
		assert.equal(lines[1]!.failure, Failure.Tls, "a TLS 1.2 server that insists on SHA-1 is refused");
		assert.ok(/chose a version or cipher suite the client did not offer/.test(lines[1]!.error!), lines[1]!.error);
		assert.deepEqual(insists.ciphers, []);
	});

	it("refuses trust anchors that are not certificates before connecting", async () => {
		const p = await peer();
		const origin = `https://localhost:${p.port}`;
		const [line] = await run({ origins: { [origin]: { x509: { trust: ["30030201ff"] } } }, requests: [{ method: "GET", url: `${origin}/` }] });
		assert.equal(line!.failure, Failure.Tls, JSON.stringify(line));
		assert.ok(/trustAnchors: not DER certificates/.test(line!.error!), line!.error);
		assert.deepEqual(p.resumed, []);
	});
});

/** OpenSSL's names of the six suites. */
const OPENSSL_NAMES: Readonly<Record<string, string>> = {
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
	TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: "DHE-RSA-AES128-GCM-SHA256",
	TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
	TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: "ECDHE-ECDSA-AES128-SHA256",
	TLS_DHE_RSA_WITH_AES_128_CBC_SHA256: "DHE-RSA-AES128-SHA256",
	TLS_RSA_WITH_AES_128_CBC_SHA256: "AES128-SHA256",
};

describe("X.509 mode on xsdm against openssl s_server -www", () => {
	for (const suite of X509_SUITES) {
		const name = OPENSSL_NAMES[suite.name]!;
		it(`${suite.name}: a full handshake, then a resumed one after the server closed`, async () => {
			const server = await opensslX509Server(pki, name);
			try {
				const origin = `https://localhost:${server.port}`;
				const lines = await run({ origins: { [origin]: { x509: trust() } }, requests: [{ method: "GET", url: `${origin}/` }, { method: "GET", url: `${origin}/` }] });
				assert.deepEqual(lines.map((l) => l.status), [200, 200], JSON.stringify(lines).slice(0, 400));
				// the server's own page says how each connection was made
				assert.ok(lines[0]!.body!.includes(`New, TLSv1.2, Cipher is ${name}`), lines[0]!.body!.slice(0, 400));
				assert.ok(lines[1]!.body!.includes(`Reused, TLSv1.2, Cipher is ${name}`), lines[1]!.body!.slice(0, 400));
			} finally {
				await server.close();
			}
		});
	}
});
