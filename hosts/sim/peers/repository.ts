// A data repository on an origin of its own: the HTTPS server a DM server's HGET/HPUT/HPOST names
// when the data is not on the DM server (5.3.x, interpretation 19). X.509 with a certificate from
// a test CA (x509-pki.ts), TLS 1.2 (or TLS 1.1 only, to try DM-SEC-006), optionally HTTP Basic or
// Digest (RFC 7617, RFC 7616 with qop=auth) in front of every path. It records every byte a client
// sent before TLS touched it (a recording relay in front of the TLS server), so a test can prove
// what never reached this origin, and each request it decrypted.
import { createHash, randomBytes } from "node:crypto";
import { createServer as createHttpsServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createConnection, createServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";

export interface RepositoryAuth {
	scheme: "Basic" | "Digest";
	user: string;
	password: string;
	/** Digest's hash (default SHA-256) */
	algorithm?: "MD5" | "SHA-256";
}

export interface RepositoryOptions {
	certificate: { cert: string; key: string };
	/** path → what a GET returns (text/plain); PUT and POST bodies are recorded and stored */
	files?: Record<string, string>;
	auth?: RepositoryAuth;
	/** serve TLS 1.1 only (with its AES-128 CBC SHA-1 suites), as an old server would */
	tls11Only?: boolean;
}

export interface RepositoryRequest {
	method: string;
	path: string;
	/** the Authorization header as received (a test checks its scheme, never prints it) */
	authorization: string | undefined;
	/** answered 401 */
	challenged: boolean;
	/** every header line and the body, as received */
	raw: Buffer;
}

export class Repository {
	readonly requests: RepositoryRequest[] = [];
	/** every byte each client connection sent, TLS records included */
	readonly connections: Buffer[][] = [];
	private readonly https: Server;
	private readonly relay: NetServer;
	private readonly sockets = new Set<Socket>();
	private readonly nonces = new Set<string>();

	constructor(private readonly o: RepositoryOptions) {
		this.https = createHttpsServer({
			...o.certificate,
			...(o.tls11Only
				// OpenSSL 3 allows TLS 1.1 at security level 0 only
				? { minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0" }
				: { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }),
		}, (req, res) => void this.handle(req, res));
		this.https.keepAliveTimeout = 30000;
		this.relay = createServer((client) => this.accept(client));
	}

	/** Listens on loopback; returns the port clients use (the relay's). */
	async listen(host = "127.0.0.1"): Promise<number> {
		await new Promise<void>((resolve) => this.https.listen(0, "127.0.0.1", () => resolve()));
		await new Promise<void>((resolve) => this.relay.listen(0, host, () => resolve()));
		return (this.relay.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		this.https.closeAllConnections();
		await Promise.all([
			new Promise<void>((resolve) => this.relay.close(() => resolve())),
			new Promise<void>((resolve) => this.https.close(() => resolve())),
		]);
	}

	/** Everything clients sent, all connections together. */
	received(): Buffer {
		return Buffer.concat(this.connections.flat());
	}

	private accept(client: Socket): void {
		const record: Buffer[] = [];
		this.connections.push(record);
		const server = createConnection({ host: "127.0.0.1", port: (this.https.address() as AddressInfo).port });
		for (const s of [client, server]) {
			this.sockets.add(s);
			s.on("close", () => this.sockets.delete(s));
			s.on("error", () => { client.destroy(); server.destroy(); });
		}
		client.on("data", (b: Buffer) => { record.push(b); server.write(b); });
		server.on("data", (b: Buffer) => client.write(b));
		client.on("end", () => server.end());
		server.on("end", () => client.end());
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const body = Buffer.concat(chunks);
		const head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${req.rawHeaders.map((v, i) => (i % 2 ? `${v}\r\n` : `${v}: `)).join("")}\r\n`;
		const path = (req.url ?? "/").split("?")[0]!;
		const authorization = req.headers.authorization;
		const record: RepositoryRequest = { method: req.method ?? "", path, authorization, challenged: false, raw: Buffer.concat([Buffer.from(head, "latin1"), body]) };
		this.requests.push(record);
		if (this.o.auth && !this.authorized(req.method ?? "", req.url ?? "/", authorization)) {
			record.challenged = true;
			res.writeHead(401, { "WWW-Authenticate": this.challenge(), "Content-Type": "text/plain" }).end("credentials needed\n");
			return;
		}
		const files = this.o.files ?? {};
		if (req.method === "GET") {
			const file = files[path];
			if (file === undefined) res.writeHead(404).end();
			else res.writeHead(200, { "Content-Type": "text/plain" }).end(file);
		}
		else if (req.method === "PUT" || req.method === "POST") {
			files[path] = body.toString("utf8");
			res.writeHead(200).end();
		}
		else res.writeHead(405).end();
	}

	private challenge(): string {
		const a = this.o.auth!;
		if (a.scheme === "Basic") return `Basic realm="repository", charset="UTF-8"`;
		const nonce = randomBytes(16).toString("hex");
		this.nonces.add(nonce);
		return `Digest realm="repository", qop="auth", algorithm=${a.algorithm ?? "SHA-256"}, nonce="${nonce}", opaque="o1"`;
	}

	private authorized(method: string, uri: string, header: string | undefined): boolean {
		const a = this.o.auth!;
		if (header === undefined) return false;
		if (a.scheme === "Basic") return header === `Basic ${Buffer.from(`${a.user}:${a.password}`).toString("base64")}`;
		const m = /^Digest\s+(.*)$/i.exec(header);
		if (!m) return false;
		const p = new Map<string, string>();
		for (const x of m[1]!.matchAll(/([a-z]+)=(?:"([^"]*)"|([^\s,]+))/gi)) p.set(x[1]!.toLowerCase(), x[2] ?? x[3]!);
		const algorithm = a.algorithm ?? "SHA-256";
		const H = (s: string): string => createHash(algorithm === "MD5" ? "md5" : "sha256").update(s).digest("hex");
		const nonce = p.get("nonce") ?? "";
		if (!this.nonces.has(nonce) || p.get("username") !== a.user || p.get("uri") !== uri || p.get("qop") !== "auth" || (p.get("algorithm") ?? "MD5").toUpperCase() !== algorithm) return false;
		const expected = H(`${H(`${a.user}:repository:${a.password}`)}:${nonce}:${p.get("nc")}:${p.get("cnonce")}:auth:${H(`${method}:${uri}`)}`);
		return p.get("response") === expected;
	}
}
