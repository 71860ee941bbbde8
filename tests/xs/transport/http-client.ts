// xsdm http-client.js PORT SPEC_JSON: runs the requests of SPEC one after the other on one
// HttpConnection (plain TCP, or TLS-PSK when SPEC.psk is given) and prints one JSON line each:
// {status, headers, body} (body as text), or {error, kind}. SPEC: { requests: [{ method, target,
// headers?, body?, chunked? }], user?, password?, timeout? , psk?: { identity, key } }.
import TCP from "embedded:io/socket/tcp";
import { argv, exit, timers } from "embedded:sim/host";
import { HttpConnection, HttpError, SecureSocket, type SocketCallbacks, type StreamSocket } from "../../../modules/transport/index.js";

interface Spec {
	requests: { method: string; target: string; headers?: [string, string][]; body?: string; chunked?: boolean }[];
	user?: string;
	password?: string;
	timeout?: number;
	psk?: { identity: string; key: string };
}
const [port, specText] = argv() as [string, string];
const spec = JSON.parse(specText) as Spec;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function connect(callbacks: SocketCallbacks): StreamSocket {
	if (spec.psk) {
		const key = new Uint8Array(spec.psk.key.length / 2);
		for (let i = 0; i < key.length; i++) key[i] = parseInt(spec.psk.key.slice(2 * i, 2 * i + 2), 16);
		return new SecureSocket({ address: "127.0.0.1", port: Number(port), socket: { io: TCP }, secure: { psk: { identity: spec.psk.identity, key } }, ...callbacks }) as unknown as StreamSocket;
	}
	return new TCP({ address: "127.0.0.1", port: Number(port), onReadable: callbacks.onReadable, onWritable: callbacks.onWritable, onError: () => callbacks.onError() }) as unknown as StreamSocket;
}

let counter = 0;
const options = { connect, timers, host: `127.0.0.1:${port}`, timeout: spec.timeout ?? 5000, cnonce: () => `cnonce${++counter}`, bodyPiece: 7, ...(spec.user !== undefined ? { credentials: { user: spec.user, password: spec.password ?? "" } } : {}) };
const connection = new HttpConnection(options);

function next(i: number): void {
	if (i === spec.requests.length) { connection.close(); exit(0); }
	const r = spec.requests[i]!;
	let body = "", at = 0;
	const source = r.body === undefined ? undefined : ascii(r.body);
	const request = {
		method: r.method,
		target: r.target,
		...(r.headers ? { headers: r.headers } : {}),
		...(source ? { body: { length: r.chunked ? "chunked" as const : source.length, pull: (into: Uint8Array) => { const n = Math.min(into.length, source.length - at); into.set(source.subarray(at, at + n)); at += n; return n; }, rewind: () => { at = 0; } } } : {}),
	};
	let head: { status: number; headers: [string, string][] } | undefined;
	connection.request(request, {
		onHead: (h) => { head = h; },
		onBody: (b) => { for (const c of b) body += String.fromCharCode(c); },
		onEnd: () => { console.log(JSON.stringify({ status: head!.status, headers: head!.headers, body })); next(i + 1); },
		onError: (e) => { console.log(JSON.stringify({ error: e.message, kind: e instanceof HttpError ? e.kind : 0 })); next(i + 1); },
	});
}
next(0);
