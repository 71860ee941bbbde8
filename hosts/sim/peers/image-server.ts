// An HTTPS file server for firmware images (issue 17): what a FUMO PkgURL points at. X.509 with a
// certificate from a test CA (x509-pki.ts), TLS 1.2, GET and HEAD with single byte ranges
// (RFC 9110 14): "Range: bytes=a-b", "a-" or "-n" answered 206 with Content-Range; a range that
// starts past the end 416 with "Content-Range: bytes */size"; If-Range with the file's strong ETag
// (a stale one gets the whole file, 200). Several ranges in one header get the whole file (a
// server may ignore Range). A missing path is 404.
// The faults a test can set at any time (behaviour): no Range support (always 200 and the whole
// file, no Accept-Ranges), a transfer cut at a file offset (the socket closed mid-body after the
// bytes before it, once or a number of times), every response cut after N body bytes, 404 for
// everything, and a slow sender (chunks with a delay between them). It records each request.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ImageServerBehaviour {
	/** false: ignore Range and If-Range, answer 200 with the whole file (default true) */
	ranges: boolean;
	/** close the connection when the transfer reaches this file offset (the bytes before it are
	    sent), for `times` responses (default 1; Infinity: every one that crosses it) */
	cutAt?: { offset: number; times?: number } | undefined;
	/** close every response's connection after this many body bytes */
	cutEvery?: number | undefined;
	/** answer 404 to everything */
	notFound: boolean;
	/** send the body in chunks of `chunkBytes` with `delayMs` between them */
	slow?: { chunkBytes: number; delayMs: number } | undefined;
}

export interface ImageRequest {
	method: string;
	path: string;
	range: string | undefined;
	ifRange: string | undefined;
	status: number;
	/** the body range answered, [start, end) in file offsets (undefined for 404/416/HEAD) */
	served?: [number, number];
	/** body bytes written before the response ended or was cut */
	sent: number;
	cut: boolean;
}

export interface ImageServerOptions {
	certificate: { cert: string; key: string };
	/** path → file bytes */
	files?: Record<string, Uint8Array>;
}

const etagOf = (bytes: Uint8Array): string => `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`;

/** The one range of a Range header value over a file of `size` bytes: [start, end) or "unsatisfiable";
    undefined when the header is not one byte range (then the whole file is served). */
export function parseRange(value: string, size: number): [number, number] | "unsatisfiable" | undefined {
	const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
	if (!m || (m[1] === "" && m[2] === "")) return undefined;
	if (m[1] === "") {
		const suffix = Number(m[2]);
		if (suffix === 0) return "unsatisfiable";
		return [Math.max(0, size - suffix), size];
	}
	const start = Number(m[1]), last = m[2] === "" ? Infinity : Number(m[2]);
	if (last < start) return undefined;   // invalid: ignored, as RFC 9110 lets a server do
	if (start >= size) return "unsatisfiable";
	return [start, Math.min(last, size - 1) + 1];
}

export class ImageServer {
	readonly requests: ImageRequest[] = [];
	readonly files: Map<string, Uint8Array>;
	behaviour: ImageServerBehaviour = { ranges: true, notFound: false };
	private readonly https: Server;
	private cutsLeft = 0;

	constructor(o: ImageServerOptions) {
		this.files = new Map(Object.entries(o.files ?? {}));
		this.https = createServer({ ...o.certificate, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }, (req, res) => void this.handle(req, res));
		this.https.on("tlsClientError", () => undefined);
	}

	/** Sets faults (merged into the current behaviour); a new cutAt starts its count again. */
	set(b: Partial<ImageServerBehaviour>): void {
		this.behaviour = { ...this.behaviour, ...b };
		if ("cutAt" in b) this.cutsLeft = b.cutAt?.times ?? 1;
	}

	async listen(host = "127.0.0.1"): Promise<number> {
		await new Promise<void>((resolve) => this.https.listen(0, host, () => resolve()));
		return (this.https.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		this.https.closeAllConnections();
		await new Promise<void>((resolve) => this.https.close(() => resolve()));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = (req.url ?? "/").split("?")[0]!;
		const range = req.headers.range, ifRange = req.headers["if-range"];
		const record: ImageRequest = { method: req.method ?? "", path, range, ifRange: typeof ifRange === "string" ? ifRange : undefined, status: 0, sent: 0, cut: false };
		this.requests.push(record);
		const file = this.behaviour.notFound ? undefined : this.files.get(path);
		const answer = (status: number, headers: Record<string, string | number> = {}): void => {
			record.status = status;
			res.writeHead(status, headers);
		};
		if (req.method !== "GET" && req.method !== "HEAD") { answer(405, { Allow: "GET, HEAD", "Content-Length": 0 }); res.end(); return; }
		if (!file) { answer(404, { "Content-Type": "text/plain", "Content-Length": 10 }); res.end("not found\n"); return; }
		const etag = etagOf(file), size = file.length;
		const common: Record<string, string | number> = { "Content-Type": "application/octet-stream", ETag: etag, ...(this.behaviour.ranges ? { "Accept-Ranges": "bytes" } : {}) };
		let span: [number, number] = [0, size];
		let status = 200;
		if (this.behaviour.ranges && range !== undefined && (record.ifRange === undefined || record.ifRange === etag)) {
			const r = parseRange(range, size);
			if (r === "unsatisfiable") { answer(416, { ...common, "Content-Range": `bytes */${size}`, "Content-Length": 0 }); res.end(); return; }
			if (r) { span = r; status = 206; }
		}
		answer(status, { ...common, "Content-Length": span[1] - span[0], ...(status === 206 ? { "Content-Range": `bytes ${span[0]}-${span[1] - 1}/${size}` } : {}) });
		if (req.method === "HEAD") { res.end(); return; }
		record.served = span;
		// where this response stops early, if it does: a cut at a file offset it crosses, or after N of its bytes
		let stop = span[1];
		const cutAt = this.behaviour.cutAt;
		if (cutAt && this.cutsLeft > 0 && cutAt.offset >= span[0] && cutAt.offset < span[1]) { stop = cutAt.offset; this.cutsLeft--; }
		if (this.behaviour.cutEvery !== undefined) stop = Math.min(stop, span[0] + this.behaviour.cutEvery);
		const chunk = this.behaviour.slow?.chunkBytes ?? 16384, delay = this.behaviour.slow?.delayMs ?? 0;
		for (let at = span[0]; at < stop; at += chunk) {
			const piece = file.subarray(at, Math.min(at + chunk, stop));
			const more = res.write(piece);
			record.sent += piece.length;
			if (!more) await new Promise<void>((resolve) => res.once("drain", () => resolve()));
			if (delay) await new Promise<void>((resolve) => setTimeout(resolve, delay));
			if (res.destroyed) return;
		}
		if (stop < span[1]) {
			record.cut = true;
			// the bytes written so far reach the client, then the connection goes, mid-body
			await new Promise<void>((resolve) => res.write(new Uint8Array(0), () => resolve()));
			res.socket?.destroy();
			return;
		}
		res.end();
	}
}
