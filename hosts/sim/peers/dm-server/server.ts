// The development DM server: the peer of the end-to-end tests and of `npm start`, and what users
// try their devices against. HTTPS with TLS-PSK (or X.509; plain HTTP only when asked, for
// development), one DM endpoint per server URI, a scenario of Package#2s per session, a data
// repository for HGET/HPUT/HPOST/SUB, and a record of everything a client sent. It holds clients
// to the spec (packages.ts) and answers a violation with HTTP 400, which ends the session (5.6).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { MIME, SESSION_ALERTS, Violation, checkPackage1, checkPackage3, checkResults, splitMultipart, type Command, type MoData, type Package1, type Package3 } from "./packages.js";

/** The PSK cipher suites of 9.2.2 that need no server certificate, in OpenSSL's names. */
export const PSK_SUITES = ["PSK-AES128-GCM-SHA256", "DHE-PSK-AES128-GCM-SHA256", "PSK-AES128-CBC-SHA256", "DHE-PSK-AES128-CBC-SHA256", "ECDHE-PSK-AES128-CBC-SHA256"];

/** how long a session whose connection closed before END may go on over another connection */
export const CUT_GRACE_MS = 1000;

export interface RepositoryEntry { status?: number; contentType?: string; body?: string | Buffer }

export interface Psk { identity: string; key: Buffer }

export interface ServerOptions {
	/** TLS-PSK credentials the server accepts (Auth/Trsp of the device's account); a fleet gives one per device */
	psk?: Psk | readonly Psk[];
	/** the PSK suites it accepts, in OpenSSL's names (default PSK_SUITES: plain PSK first) */
	pskCiphers?: readonly string[];
	/** X.509 instead of (or beside) PSK */
	certificate?: { cert: string | Buffer; key: string | Buffer };
	/** X.509 mutual authentication (9.3.2): a client must present a certificate issued by this CA (PEM) */
	clientCa?: string | Buffer;
	/** plain HTTP: development only (DESIGN.md interpretation 12) */
	plain?: boolean;
	/** the Package#2s of each session in turn; a session past its list, or past the list of sessions, gets END */
	sessions?: Command[][][];
	/** the OMADM-Accept header sent with every Package#2 (5.5), when set */
	omadmAccept?: string;
	/** data repository: path → what a GET returns; PUT and POST bodies are recorded (and stored) */
	repository?: Record<string, RepositoryEntry>;
	/** the path of the DM endpoint (default /dm) */
	dmPath?: string;
	/** a DM endpoint that moved: a package POSTed to the path is answered with the status and
	    Location (whose path becomes a DM endpoint too) */
	moved?: Record<string, { status: number; location: string }>;
	/** told of each thing as it happens (`npm start` prints a line for each); more through DmServer.observe() */
	observe?(e: ServerEvent): void;
	/** the Package#2 for a session past its script (the console's queued actions); none: END */
	next?(session: Session): Command[] | undefined;
	/** most sessions, requests and connections kept in the record (oldest dropped first); default all */
	keep?: number;
}

/** What the server saw or did, in order: a package received or sent, a repository request answered. */
export type ServerEvent =
	| { kind: "received"; session: Session; received: Received }
	| { kind: "sent"; session: Session; commands: Command[] }
	| { kind: "violation"; session: Session | undefined; message: string }
	| { kind: "repository"; request: RepositoryRequest; status: number }
	/** the connection carrying a session closed before END: the session is cut, never a success */
	| { kind: "cut"; session: Session };

export type Received =
	| { kind: "package1"; body: Package1 }
	| { kind: "package3"; body: Package3; results: MoData[][] };

export interface Session {
	/** its place among every session this server saw (0 first), kept when older ones are dropped */
	index: number;
	devId: string;
	/** the DM endpoint it came to (the server's origin and path: one device may have accounts with several) */
	endpoint: string;
	/** Date.now() at its Package#1, and when it ended (END sent, a violation, or cut) */
	startedAt: number;
	endedAt?: number;
	trigger: string;
	/** what the client sent, in order */
	received: Received[];
	/** the Package#2s sent */
	sent: Command[][];
	violations: string[];
	/** END sent, or the session aborted */
	over: boolean;
	/** the device went away before END (its connection closed, or it started another session) */
	cut: boolean;
	/** the client's port on the connection that carried the Package#1 (tells sessions apart behind a proxy) */
	port: number;
}

export interface RepositoryRequest { method: string; path: string; contentType: string | undefined; body: Buffer; devId?: string; at: number }

export class DmServer {
	readonly sessions: Session[] = [];
	readonly repositoryRequests: RepositoryRequest[] = [];
	/** every request as received (request line, headers, body): for scanning what left the device */
	readonly wire: Buffer[] = [];
	/** each TLS connection a client opened, and whether it resumed an earlier TLS session */
	readonly connections: { resumed: boolean }[] = [];
	private readonly server: Server;
	private readonly dmPaths: Set<string>;
	private readonly current = new Map<string, Session>();
	/** each connection's client port, kept from its start: a dropped socket no longer says */
	private readonly ports = new WeakMap<Socket, number>();
	/** the session each connection carries, to tell a cut session from a finished one */
	private readonly carrying = new WeakMap<Socket, Session>();
	private readonly observers = new Set<(e: ServerEvent) => void>();
	private sessionCount = 0;
	private supplier: ((session: Session) => Command[] | undefined) | undefined;

	constructor(private readonly options: ServerOptions) {
		this.dmPaths = new Set([options.dmPath ?? "/dm"]);
		for (const m of Object.values(options.moved ?? {})) this.dmPaths.add(new URL(m.location, "https://dm-server").pathname);
		const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
		if (options.plain) this.server = createHttpServer(handler);
		else {
			if (!options.psk && !options.certificate) throw new Error("dm-server needs a PSK or a certificate (or plain: true for development)");
			const psks = new Map((options.psk ? (Array.isArray(options.psk) ? options.psk : [options.psk]) as readonly Psk[] : []).map((p) => [p.identity, p.key]));
			const psk = psks.size > 0;
			this.server = createHttpsServer({
				minVersion: "TLSv1.2", maxVersion: "TLSv1.2",   // every suite of 9.2.2 is TLS 1.2 (interpretation 8)
				ciphers: [...(psk ? options.pskCiphers ?? PSK_SUITES : []), ...(options.certificate ? ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-GCM-SHA256", "AES128-SHA256"] : [])].join(":"),
				dhparam: "auto",
				...(options.certificate ?? {}),
				...(options.clientCa ? { requestCert: true, rejectUnauthorized: true, ca: options.clientCa } : {}),
				...(psk ? { pskCallback: (_socket: unknown, identity: string) => psks.get(identity) ?? null } : {}),
			} as Parameters<typeof createHttpsServer>[0], handler);
		}
		this.server.keepAliveTimeout = 30000;
		this.server.on("secureConnection", (socket: TLSSocket) => { this.connections.push({ resumed: socket.isSessionReused() }); this.keep(this.connections); });
		// the port is read at accept: once the client has dropped the connection the socket no longer knows it
		this.server.on("connection", (socket: Socket) => {
			this.ports.set(socket, socket.remotePort ?? 0);
			// a client may carry one session over several connections: the session is cut only when
			// no package follows on another connection within CUT_GRACE_MS
			socket.once("close", () => {
				const s = this.carrying.get(socket);
				if (!s || s.over) return;
				const packages = s.received.length;
				setTimeout(() => { if (!s.over && s.received.length === packages) this.cut(s); }, CUT_GRACE_MS).unref();
			});
		});
	}

	/** Where Package#2s past the script come from when options.next gives none (the console's queue). */
	supply(next: (session: Session) => Command[] | undefined): void {
		this.supplier = next;
	}

	/** Serves (or, with undefined, stops serving) one path of the data repository. */
	serve(path: string, entry: RepositoryEntry | undefined): void {
		const repository = (this.options.repository ??= {});
		if (entry) repository[path] = entry;
		else delete repository[path];
	}

	/** Hears every event from now on (beside options.observe); returns the way to stop. */
	observe(listener: (e: ServerEvent) => void): () => void {
		this.observers.add(listener);
		return () => this.observers.delete(listener);
	}

	private emit(e: ServerEvent): void {
		this.options.observe?.(e);
		for (const o of this.observers) o(e);
	}

	private cut(s: Session): void {
		s.over = true;
		s.cut = true;
		s.endedAt = Date.now();
		this.emit({ kind: "cut", session: s });
	}

	private keep<T>(list: T[]): void {
		if (this.options.keep !== undefined && list.length > this.options.keep) list.splice(0, list.length - this.options.keep);
	}

	async listen(port = 0, host = "127.0.0.1"): Promise<number> {
		await new Promise<void>((resolve, reject) => {
			this.server.once("error", reject);
			this.server.listen(port, host, () => resolve());
		});
		return (this.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// under TLS, req.socket wraps the accepted TCP socket (Node keeps it as _parent)
		const tcp = (req.socket as { _parent?: Socket })._parent ?? req.socket;
		const port = this.ports.get(tcp) ?? 0;
		let body: Buffer;
		try {
			body = await readBody(req);
		} catch {
			return;	// the client went away mid-request (a dropped connection): nothing to answer
		}
		const head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${req.rawHeaders.map((v, i) => (i % 2 ? `${v}\r\n` : `${v}: `)).join("")}\r\n`;
		this.wire.push(Buffer.concat([Buffer.from(head, "latin1"), body]));
		this.keep(this.wire);
		const path = (req.url ?? "/").split("?")[0]!;
		const moved = this.options.moved?.[path];
		if (moved) {
			res.writeHead(moved.status, { Location: moved.location }).end();
			return;
		}
		try {
			if (this.dmPaths.has(path)) this.dm(req, body, res, port, tcp, path);
			else this.repository(req, path, body, res);
		} catch (e) {
			if (!(e instanceof Violation)) throw e;
			res.writeHead(400, { "Content-Type": "text/plain" }).end(`${e.message}\n`);
		}
	}

	private dm(req: IncomingMessage, body: Buffer, res: ServerResponse, port: number, tcp: Socket, path: string): void {
		const header = req.headers["omadm-devid"];
		const devId = typeof header === "string" ? header : undefined;
		const contentType = req.headers["content-type"] ?? "";
		const session = devId ? this.current.get(devId) : undefined;
		const fail = (message: string): never => {
			if (session && !session.over) session.endedAt = Date.now();
			if (session) { session.violations.push(message); session.over = true; }
			this.emit({ kind: "violation", session, message });
			throw new Violation(message);
		};
		if (req.method !== "POST") fail(`a DM package is an HTTP POST (5.2.2, 5.2.4), not ${req.method}`);
		if (!devId) fail("the OMADM-DevID header is missing (5.2.2, 5.2.4)");
		if (contentType.startsWith(MIME.initiation)) {
			const p1 = checkPackage1(body);
			const trigger = p1.Alert!.find((a) => Object.values(SESSION_ALERTS).includes(a.AlertType as never))!.AlertType;
			// a device that opens a new session leaves its unfinished one behind: that one was cut
			if (session && !session.over) this.cut(session);
			const endpoint = `${this.options.plain ? "http" : "https"}://${req.headers.host ?? "127.0.0.1"}${path}`;
			const fresh: Session = {
				index: this.sessionCount++, devId: devId!, endpoint, startedAt: Date.now(), trigger,
				received: [{ kind: "package1", body: p1 }], sent: [], violations: [], over: false, cut: false, port,
			};
			this.sessions.push(fresh);
			this.keep(this.sessions);
			this.current.set(devId!, fresh);
			this.carrying.set(tcp, fresh);
			this.emit({ kind: "received", session: fresh, received: fresh.received[0]! });
			this.reply(fresh, res);
			return;
		}
		if (!session || session.over) fail(session ? "a package after the session ended (END sent, or aborted)" : "a Package#3 without a session: start with a Package#1");
		this.carrying.set(tcp, session!);
		const last = session!.sent[session!.sent.length - 1] ?? [];
		try {
			let p3: Package3, results: MoData[][] = [];
			if (contentType.startsWith(MIME.response)) {
				p3 = checkPackage3(body, last.length);
				const gets = last.flatMap((c, i) => (c[0] === "GET" && p3.Status[i]!.sc === 200 ? [i] : []));
				if (gets.length) throw new Violation(`GET ${gets.join(", ")} answered 200 but no data: results travel in multipart/form-data (Appendix F)`);
			}
			else if (contentType.startsWith(MIME.multipart)) {
				const parts = splitMultipart(body, contentType);
				p3 = checkPackage3(parts[0]?.body ?? Buffer.alloc(0), last.length);
				results = checkResults(parts, last, p3);
			}
			else throw new Violation(`a Package#3 is ${MIME.response} or multipart/form-data, not ${JSON.stringify(contentType)}`);
			session!.received.push({ kind: "package3", body: p3, results });
			this.emit({ kind: "received", session: session!, received: session!.received[session!.received.length - 1]! });
		} catch (e) {
			if (e instanceof Violation) fail(e.message);
			throw e;
		}
		this.reply(session!, res);
	}

	private reply(session: Session, res: ServerResponse): void {
		const script = this.options.sessions?.[session.index];
		const commands = script?.[session.sent.length] ?? this.options.next?.(session) ?? this.supplier?.(session) ?? [["END"]];
		session.sent.push(commands);
		for (const c of commands) if (c[0] === "CONT" && c[1]) this.dmPaths.add(new URL(c[1]).pathname);
		if (commands.some((c) => c[0] === "END")) { session.over = true; session.endedAt = Date.now(); }
		const headers: Record<string, string> = { "Content-Type": MIME.request };
		if (this.options.omadmAccept) headers["OMADM-Accept"] = this.options.omadmAccept;
		res.writeHead(200, headers).end(JSON.stringify({ CMD: commands }));
		this.emit({ kind: "sent", session, commands });
	}

	private repository(req: IncomingMessage, path: string, body: Buffer, res: ServerResponse): void {
		const contentType = req.headers["content-type"];
		const header = req.headers["omadm-devid"];
		const devId = typeof header === "string" ? header : new URL(req.url ?? "/", "http://x").searchParams.get("DevID") ?? undefined;
		const request: RepositoryRequest = { method: req.method ?? "", path, contentType, body, at: Date.now(), ...(devId ? { devId } : {}) };
		this.repositoryRequests.push(request);
		this.keep(this.repositoryRequests);
		const entry = this.options.repository?.[path];
		const answer = (status: number, headers: Record<string, string> = {}, data: string | Buffer = ""): void => {
			res.writeHead(status, headers).end(data);
			this.emit({ kind: "repository", request, status });
		};
		if (req.method === "GET") {
			if (!entry) answer(404);
			else answer(entry.status ?? 200, entry.contentType ? { "Content-Type": entry.contentType } : {}, entry.body ?? "");
		}
		else if (req.method === "PUT" || req.method === "POST") answer(entry?.status ?? 200);
		else answer(405, { Allow: "GET, PUT, POST" });
	}
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
