// Development and test peers for the client's TLS-PSK: a Node tls server and an openssl s_server,
// both echoing on loopback, both telling which connections resumed a session. The key material is
// made by the caller; a certificate (for the RSA-PSK suites) is made here with openssl, once per
// directory.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { constants } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpensslServer } from "./openssl-server.js";

export interface PskPeer {
	port: number;
	/** one entry per connection that completed a handshake: did it resume? */
	resumed: boolean[];
	close(): Promise<void>;
}

export interface PskPeerOptions {
	identity: string;
	key: Buffer;
	/** OpenSSL cipher names, e.g. "PSK-AES128-GCM-SHA256" */
	ciphers: string;
	/** resume by session ID (a server-side cache) instead of RFC 5077 tickets */
	sessionIds?: boolean;
	/** for the RSA-PSK suites: key and certificate files */
	certificate?: { key: string; cert: string };
}

/** A self-signed RSA certificate for RSA-PSK, made with openssl in a fresh temporary directory. */
export function makeRsaCertificate(dir = mkdtempSync(join(tmpdir(), "psk-cert-"))): { key: string; cert: string } {
	const key = join(dir, "server.key"), cert = join(dir, "server.crt");
	if (!existsSync(cert)) {
		const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"], { encoding: "utf8" });
		if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
	}
	return { key, cert };
}

/** OpenSSL names of the suites that need a server certificate. */
export const needsCertificate = (cipher: string): boolean => cipher.startsWith("RSA-PSK");

export async function nodePskServer(o: PskPeerOptions): Promise<PskPeer> {
	const { readFileSync } = await import("node:fs");
	const resumed: boolean[] = [];
	const cache = new Map<string, Buffer>();
	const server: Server = createServer({
		pskCallback: (_socket: TLSSocket, identity: string) => (identity === o.identity ? o.key : null),
		ciphers: o.ciphers,
		minVersion: "TLSv1.2",
		maxVersion: "TLSv1.2",
		dhparam: "auto",
		...(o.sessionIds ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
		...(o.certificate ? { key: readFileSync(o.certificate.key), cert: readFileSync(o.certificate.cert) } : {}),
	}, (socket) => {
		resumed.push(socket.isSessionReused());
		socket.on("error", () => undefined);
		socket.pipe(socket);
	});
	server.on("tlsClientError", () => undefined);
	if (o.sessionIds) {
		server.on("newSession", (id: Buffer, data: Buffer, done: () => void) => { cache.set(id.toString("hex"), data); done(); });
		server.on("resumeSession", (id: Buffer, done: (e: Error | null, data: Buffer | null) => void) => done(null, cache.get(id.toString("hex")) ?? null));
	}
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	return {
		port: (server.address() as { port: number }).port,
		resumed,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/**
 * openssl s_server -rev (it echoes each line reversed). Resumption shows in its -state trace: a
 * resumed handshake writes ChangeCipherSpec without reading a ClientKeyExchange.
 */
export async function opensslPskServer(o: PskPeerOptions & { extra?: string[] }): Promise<PskPeer & { output: () => string }> {
	const server = await startOpensslServer((port) => {
		const args = ["s_server", "-accept", String(port), "-4", "-psk", o.key.toString("hex"), "-psk_identity", o.identity,
			"-cipher", o.ciphers, "-rev", "-state", ...(o.extra ?? ["-tls1_2"])];
		if (o.certificate) args.push("-cert", o.certificate.cert, "-key", o.certificate.key);
		else args.push("-nocert");
		if (o.sessionIds) args.push("-no_ticket");
		return args;
	});
	// each handshake's trace ends at its "CONNECTION ESTABLISHED"
	const resumed = (): boolean[] => server.output().split("CONNECTION ESTABLISHED").slice(0, -1).map((part) => !/read client key exchange/i.test(part));
	return {
		port: server.port,
		get resumed() { return resumed(); },
		output: server.output,
		close: server.close,
	};
}
