// dm-server --web PORT: the console's HTTP side on loopback. One static page (page/), a JSON API
// over the ConsoleModel, and server-sent events that say which device changed. Requests that act
// (queue, notify) must be JSON with this console's own Host and Origin, so another web site open in
// the same browser cannot drive the devices (a cross-site form cannot send JSON; DNS rebinding
// changes the Host).
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { notify } from "../notify.js";
import type { DmServer } from "../server.js";
import { Refused, readAction } from "./actions.js";
import { ConsoleModel } from "./model.js";

/** the page's files, read from the source tree (no build step): build/js/…/console → hosts/…/console/page */
const PAGE_DIR = fileURLToPath(new URL("../../../../../../../hosts/sim/peers/dm-server/console/page/", import.meta.url));
const FILES: Record<string, string> = { "/": "index.html", "/console.js": "console.js", "/console.css": "console.css" };
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
const SECURITY = { "Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" };
const BODY_MAX = 128 * 1024;

/** How the console signs a Package#0 (the account's Auth/Noti), and which SERVER-ID it names. */
export interface NotifyConfig { serverId: string; secret?: Buffer; authData?: Buffer }

export interface ConsoleOptions {
	dm: DmServer;
	/** the DM server's origin as devices reach it, e.g. https://127.0.0.1:8443 (HGET and SUB URLs name it) */
	dmOrigin: () => string;
	notify?: NotifyConfig;
}

export class Console {
	readonly model: ConsoleModel;
	private readonly http: Server;
	private readonly streams = new Set<ServerResponse>();
	private notificationId = 0;
	private port = "";
	private host = "";

	constructor(private readonly o: ConsoleOptions) {
		if (!existsSync(PAGE_DIR)) throw new Error(`the console's page is missing from ${PAGE_DIR}: run from a checkout of the repository`);
		this.model = new ConsoleModel(o.dm, { base: o.dmOrigin }, (devId) => this.broadcast(devId));
		this.http = createServer((req, res) => void this.handle(req, res).catch((e: unknown) => {
			if (!res.headersSent) this.json(res, e instanceof Refused ? 400 : 500, { error: e instanceof Error ? e.message : String(e) });
			else res.end();
		}));
	}

	/** Listens on loopback unless told otherwise; returns the port. */
	async listen(port = 0, host = "127.0.0.1"): Promise<number> {
		await new Promise<void>((resolve, reject) => {
			this.http.once("error", reject);
			this.http.listen(port, host, () => resolve());
		});
		const bound = (this.http.address() as AddressInfo).port;
		this.port = String(bound);
		this.host = host;
		return bound;
	}

	async close(): Promise<void> {
		this.model.close();
		for (const s of this.streams) s.end();
		this.http.closeAllConnections();
		await new Promise<void>((resolve) => this.http.close(() => resolve()));
	}

	private broadcast(devId: string): void {
		const line = `data: ${JSON.stringify({ devId, at: Date.now() })}\n\n`;
		for (const s of this.streams) s.write(line);
	}

	private json(res: ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { "Content-Type": "application/json", ...SECURITY }).end(JSON.stringify(body));
	}

	/** The Host must be this console's own (a loopback name, or the address it listens on, and its
	    port): a rebound DNS name is refused. */
	private hostOk(req: IncomingMessage): boolean {
		const host = req.headers.host ?? "";
		return host === `${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`
			|| new RegExp(`^(?:127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|localhost|\\[::1\\]):${this.port}$`).test(host);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (!this.hostOk(req)) { this.json(res, 421, { error: "this console answers only to its loopback address (Host header)" }); return; }
		const url = new URL(req.url ?? "/", "http://console");
		const path = url.pathname;
		if (req.method === "GET") {
			const file = FILES[path];
			if (file) {
				res.writeHead(200, { "Content-Type": TYPES[file.split(".").pop()!]!, ...SECURITY }).end(readFileSync(PAGE_DIR + file));
				return;
			}
			if (path === "/events") { this.events(res); return; }
			if (path === "/api/devices") { this.json(res, 200, this.model.list()); return; }
			const m = /^\/api\/devices\/([^/]+)$/.exec(path);
			if (m) {
				const detail = this.model.detail(decodeURIComponent(m[1]!));
				this.json(res, detail ? 200 : 404, detail ?? { error: "no such device" });
				return;
			}
			this.json(res, 404, { error: "not found" });
			return;
		}
		const m = /^\/api\/devices\/([^/]+)\/(actions|notify)$/.exec(path);
		if (req.method !== "POST" || !m) { this.json(res, 404, { error: "not found" }); return; }
		const origin = req.headers.origin;
		if (origin !== undefined && origin !== `http://${req.headers.host}`) { this.json(res, 403, { error: "actions come from this console's own page" }); return; }
		if (!(req.headers["content-type"] ?? "").startsWith("application/json")) { this.json(res, 415, { error: "send the action as application/json" }); return; }
		const body = await readJson(req);
		const devId = decodeURIComponent(m[1]!);
		if (m[2] === "actions") {
			const action = this.model.queue(devId, readAction(body));
			this.json(res, 200, action);
			return;
		}
		this.json(res, 200, await this.notify(devId, body));
	}

	/** "Notify now": a signed Package#0 (Appendix E.1) to the UDP port the device listens on, on loopback. */
	private async notify(devId: string, body: unknown): Promise<{ notificationId: number; port: number }> {
		const d = this.model.devices.get(devId);
		if (!d) throw new Refused("no such device has connected");
		if (!this.o.notify) throw new Refused("this server was started without --server-id: it cannot send a Package#0 (see --help)");
		const port = (body as { port?: unknown } | null)?.port;
		if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) throw new Refused("give the UDP port the device listens on for Package#0 (1-65535: dm-device prints it)");
		const notificationId = (++this.notificationId) & 0xffff;
		await notify({ serverId: this.o.notify.serverId, notificationId, port, host: "127.0.0.1", ...(this.o.notify.secret ? { secret: this.o.notify.secret } : {}), ...(this.o.notify.authData ? { authData: this.o.notify.authData } : {}) });
		d.notifyPort = port;
		this.broadcast(devId);
		return { notificationId, port };
	}

	private events(res: ServerResponse): void {
		res.writeHead(200, { "Content-Type": "text/event-stream", ...SECURITY, Connection: "keep-alive" });
		res.write(": the DevID of each device whose view changed follows\n\n");
		this.streams.add(res);
		res.on("close", () => this.streams.delete(res));
	}
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > BODY_MAX) throw new Refused(`an action is at most ${BODY_MAX} bytes`);
		chunks.push(chunk as Buffer);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString("utf8"));
	} catch {
		throw new Refused("the action is not JSON");
	}
}
