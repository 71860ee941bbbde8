// The transport's figures (issue 7): full vs resumed TLS-PSK handshake CPU time on xsdm, bytes on
// the wire of one empty DM round trip, and what one open TLS connection costs on the 32-bit host,
// XS heap and mbedTLS's own heap apart. Peers are Node TLS servers on loopback (tickets on).
import { randomBytes } from "node:crypto";
import { createServer, type TLSSocket } from "node:tls";
import { nodePskServer } from "../hosts/sim/peers/tls-psk.js";
import { makeTestPki } from "../hosts/sim/peers/x509-pki.js";
import { resumptionPays } from "../modules/transport/suites.js";
import { compiled, runXsdm } from "../tests/host/xsdm.js";

const identity = "bench-device";
const key = randomBytes(32);

/** Suites whose full handshakes differ most: no key exchange, finite-field DH, elliptic-curve DH. */
const HANDSHAKE_SUITES: readonly (readonly [iana: string, openssl: string])[] = [
	["TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"],
	["TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"],
	["TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256"],
];

async function xs(args: string[], width: 32 | 64 = 64): Promise<Record<string, number>> {
	const r = await runXsdm(compiled("bench/xs/tls.ts"), args, { width, timeoutMs: 300000 });
	if (r.code !== 0) throw new Error(`bench/xs/tls ${args[0]} failed:\n${r.stderr}`);
	return JSON.parse(r.stdout.trim()) as Record<string, number>;
}

/** Answers every request with the smallest valid HTTP/1.1 200; closes after one whose target ends in ?close. */
async function emptyDmServer(): Promise<{ port: number; close(): void }> {
	const server = createServer({ pskCallback: (_s: TLSSocket, id: string) => (id === identity ? key : null), ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } as object, (socket) => {
		let text = "";
		socket.on("error", () => undefined);
		socket.setEncoding("latin1").on("data", (d: string) => {
			text += d;
			for (let end = text.indexOf("\r\n\r\n"); end >= 0; end = text.indexOf("\r\n\r\n")) {
				const head = text.slice(0, end);
				text = text.slice(end + 4);
				socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
				if (/^\S+ \S*\?close /.test(head)) socket.end();
			}
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
	return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

/** Issue 18 part 4's table: per suite, bytes on the wire and CPU of a new and of a resumed
    handshake, and whether resuming pays (transport's resumptionPays, which the device follows per account). */
function printHandshakeTable(figures: Record<string, number>): void {
	const rows = [...HANDSHAKE_SUITES.map(([iana]) => iana), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"].map((iana) => {
		const name = iana.replace(/^TLS_/, "").replace(/_WITH_AES_128_/, "_").toLowerCase();
		const f = (k: string): string => String(Math.round(figures[`tls_${name}_${k}`] ?? NaN));
		return `${iana.padEnd(42)} ${f("full_handshake_bytes").padStart(9)} ${f("resumed_handshake_bytes").padStart(9)} ${f("full_handshake_cpu_us").padStart(9)} ${f("resumed_handshake_cpu_us").padStart(9)}  ${resumptionPays(iana) ? "resume" : "new"}`;
	});
	console.log(["TLS 1.2 handshakes on xsdm (medians): suite, bytes new, bytes resumed, CPU µs new, CPU µs resumed, the device's choice", ...rows].join("\n"));
}

export async function tlsFigures(): Promise<Record<string, number>> {
	const figures: Record<string, number> = {};
	const hex = key.toString("hex");
	for (const [iana, openssl] of HANDSHAKE_SUITES) {
		const peer = await nodePskServer({ identity, key, ciphers: openssl });
		try {
			Object.assign(figures, await xs(["handshake", String(peer.port), identity, hex, iana, "30"]));
		} finally {
			await peer.close();
		}
	}
	// X.509: the server's P-256 certificate verified against the CA (ECDSA), then ECDHE
	const pki = makeTestPki();
	const x509 = createServer({ cert: pki.serverEc.cert, key: pki.serverEc.key, ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }, (s) => { s.on("error", () => undefined); s.resume(); });
	x509.on("tlsClientError", () => undefined);
	await new Promise<void>((r) => x509.listen(0, "127.0.0.1", () => r()));
	try {
		Object.assign(figures, await xs(["handshake", String((x509.address() as { port: number }).port), "x509:", pki.ca.certDer.toString("hex"), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "30"]));
	} finally {
		x509.close();
	}
	printHandshakeTable(figures);
	const dm = await emptyDmServer();
	try {
		Object.assign(figures, await xs(["wire", String(dm.port), identity, hex]));
		Object.assign(figures, await xs(["client-heap", String(dm.port), identity, hex], 32));
	} finally {
		dm.close();
	}
	const echo = await nodePskServer({ identity, key, ciphers: "PSK-AES128-GCM-SHA256" });
	try {
		Object.assign(figures, await xs(["heap", String(echo.port), identity, hex], 32));
	} finally {
		await echo.close();
	}
	return figures;
}
