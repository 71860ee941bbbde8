// A scripted HttpClient for the command and session unit tests (the real one, modules/transport
// over TLS, is exercised by the e2e tests against dm-server). It keeps the contract's edges honest:
// request bodies are produced through write()/drain() with a send buffer that fills every few
// writes, and response bodies are handed out in small pieces, so code that ignores back-pressure
// or expects a body in one read fails here too. With `lend`, responses also offer pull(), which lends
// each piece from one buffer and scribbles over it after the call, so code that keeps a lent piece
// (instead of copying it) reads garbage here.
import type { BodyWriter, HttpClient, HttpRequest, HttpResponse } from "../../../modules/http/index.js";
import { TransportError, TransportFailure } from "../../../modules/http/index.js";
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";

export interface Reply { status: number; headers?: Record<string, string>; body?: string | Uint8Array }
export interface Sent { method: string; url: string; headers: Record<string, string>; body: Uint8Array; text: string; drains: number }

const utf8 = encodeUtf8;

export function text(bytes: Uint8Array): string {
	return decodeUtf8(bytes) ?? "(not UTF-8)";
}

export class ScriptedHttp implements HttpClient {
	readonly sent: Sent[] = [];
	/** a reply per request in order, or a function of the request; "drop" fails it below HTTP */
	constructor(private readonly script: (req: Sent, n: number) => Reply | "drop", private readonly piece = 7, private readonly sendBuffer = 3, private readonly lend = false) {}

	async request(req: HttpRequest): Promise<HttpResponse> {
		const chunks: Uint8Array[] = [];
		let pending = 0, drains = 0;
		const out: BodyWriter = {
			write: (chunk) => { if (pending < 0) throw new Error("write after the producer was told to wait"); chunks.push(chunk.slice()); return ++pending < this.sendBuffer; },
			drain: async () => { drains++; pending = 0; await Promise.resolve(); },
		};
		// a producer that writes on after false without drain() would trip here
		const guarded: BodyWriter = {
			write: (chunk) => { if (pending >= this.sendBuffer) throw new Error("the producer ignored back-pressure"); return out.write(chunk); },
			drain: () => out.drain(),
		};
		if (req.body) await req.body(guarded);
		let length = 0;
		for (const c of chunks) length += c.length;
		const body = new Uint8Array(length);
		let at = 0;
		for (const c of chunks) { body.set(c, at); at += c.length; }
		if (req.bodyLength !== undefined && req.bodyLength !== length) throw new Error(`bodyLength ${req.bodyLength} but ${length} bytes written`);
		const headers: Record<string, string> = {};
		for (const [k, v] of req.headers ?? []) headers[k.toLowerCase()] = v;
		const sent: Sent = { method: req.method, url: req.url, headers, body, text: text(body), drains };
		this.sent.push(sent);
		const reply = this.script(sent, this.sent.length - 1);
		if (reply === "drop") throw new TransportError(TransportFailure.Closed, "scripted: connection dropped");
		const bytes = typeof reply.body === "string" ? utf8(reply.body) : reply.body ?? new Uint8Array(0);
		let offset = 0;
		const replyHeaders: Record<string, string> = {};
		for (const [k, v] of Object.entries(reply.headers ?? {})) replyHeaders[k.toLowerCase()] = v;
		const response: HttpResponse = {
			status: reply.status,
			header: (name) => replyHeaders[name.toLowerCase()],
			read: async () => {
				if (offset >= bytes.length) return undefined;
				const c = bytes.slice(offset, offset + this.piece);
				offset += this.piece;
				return c;
			},
		};
		if (this.lend) {
			const lent = new Uint8Array(this.piece);
			response.pull = async (take) => {
				await Promise.resolve();	// pieces arrive later, from the socket's callback
				while (offset < bytes.length) {
					const c = bytes.subarray(offset, offset + this.piece);
					offset += this.piece;
					lent.set(c);
					try {
						take(lent.subarray(0, c.length));
					} finally {
						lent.fill(0xee);	// read into again: a kept piece is garbage now
					}
				}
			};
		}
		return response;
	}
}
