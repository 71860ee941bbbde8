// xsdm client.js SPEC_JSON: runs SPEC's requests one after the other through one transport Client
// (the dm/session HttpClient contract) and prints one JSON line each: {status, location?, body}
// with the body as text, or {error, failure, name}. SPEC: { development?, timeout?, highWater?,
// origins?: { [origin]: { psk?: { identity, key(hex) }, x509?: { trust: hex[], cert?, key?, tls11? }, suites?: IANA names, resume?, user?, password? } }, requests: [{ method,
// url, body?, repeat?, piece?, length?: true, claim?: bodyLength, waitMs?, readDelayMs?, unread?: true,
// headers?: [name, value][], show?: header names to print under "headers", pull?: true (the body through
// pull(), each lent piece copied into the text), throwAfter?: n (with pull: the taker throws at its
// (n+1)th piece, having kept it, after which read() gets the rest: {thrown, body} with body the text of both) }] }.
// An `unread` response is left unread until the next request is done, then read: {abandoned, failure}.
import TCP from "embedded:io/socket/tcp";
import Resolver from "embedded:network/dns/resolver";
import { argv, exit, timers } from "embedded:sim/host";
import { TransportError, type HttpMethod, type HttpResponse } from "../../../modules/http/index.js";
import { Client, PSK_SUITES, X509_SUITES, suiteNamed, type HttpClientOptions, type OriginCredentials } from "../../../modules/transport/index.js";

interface Spec {
	development?: boolean;
	timeout?: number;
	highWater?: number;
	origins?: Record<string, { psk?: { identity: string; key: string }; x509?: { trust: string[]; cert?: string; key?: string; tls11?: boolean }; suites?: string[]; resume?: "always" | "when-it-pays"; user?: string; password?: string }>;
	requests: { method: HttpMethod; url: string; body?: string; repeat?: number; piece?: number; length?: boolean; claim?: number; waitMs?: number; readDelayMs?: number; unread?: boolean; headers?: [string, string][]; show?: string[]; pull?: boolean; throwAfter?: number }[];
}
const spec = JSON.parse(argv()[0]!) as Spec;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const hex = (s: string): Uint8Array => Uint8Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function credentials(origin: string): OriginCredentials | undefined {
	const o = spec.origins?.[origin];
	if (!o) return undefined;
	const c: OriginCredentials = {};
	if (o.psk) c.psk = { identity: o.psk.identity, key: hex(o.psk.key) };
	if (o.x509) {
		c.x509 = { trustAnchors: o.x509.trust.map(hex) };
		if (o.x509.cert) c.x509.certificate = hex(o.x509.cert);
		if (o.x509.key) c.x509.key = hex(o.x509.key);
		if (o.x509.tls11) c.x509.allowTls11 = true;
	}
	if (o.suites) c.suites = o.suites.map((n) => suiteNamed(n, o.psk ? PSK_SUITES : X509_SUITES));
	if (o.resume) c.resume = o.resume;
	if (o.user !== undefined) c.http = { user: o.user, password: o.password ?? "" };
	return c;
}

let nonce = 0;
const options: HttpClientOptions = { timers, tcp: TCP as never, resolver: new Resolver(), credentials, timeout: spec.timeout ?? 5000, cnonce: () => `n${++nonce}` };
if (spec.development) options.development = true;
if (spec.highWater) options.highWater = spec.highWater;
const client = new Client(options);

async function main(): Promise<void> {
	let left: HttpResponse | undefined;
	for (const r of spec.requests) {
		if (r.waitMs) await sleep(r.waitMs);
		try {
			const whole = r.body === undefined ? undefined : ascii(r.body.repeat(r.repeat ?? 1));
			const req: Parameters<Client["request"]>[0] = { method: r.method, url: r.url };
			if (r.headers) req.headers = r.headers;
			if (whole) {
				req.body = async (out) => {
					const piece = r.piece ?? 1000;
					for (let at = 0; at < whole.length; at += piece) {
						if (!out.write(whole.subarray(at, at + piece))) await out.drain();
						if (at % (piece * 8) === 0) await sleep(0);	// a producer that yields, as one reading flash would
					}
				};
				if (r.length) req.bodyLength = whole.length;
				if (r.claim !== undefined) req.bodyLength = r.claim;
			}
			const response = await client.request(req);
			if (r.unread) {
				left = response;
				console.log(JSON.stringify({ status: response.status, unread: true }));
				continue;
			}
			const texts: string[] = [];
			let pieces = 0, largest = 0;
			let thrown: string | undefined;
			if (r.pull) {
				try {
					await response.pull!((b) => {
						pieces++;
						largest = Math.max(largest, b.length);
						texts.push(String.fromCharCode(...b));	// lent: copied now, as the buffer is read into again
						// the piece thrown on counts as taken (kept above), as a chunk read() gave would
						if (r.throwAfter !== undefined && pieces === r.throwAfter + 1) throw new Error(`taker threw at piece ${pieces - 1}`);
					});
				}
				catch (e) {
					if (r.throwAfter === undefined) throw e;
					thrown = (e as Error).message;
				}
			}
			if (!r.pull || thrown !== undefined) {
				for (let b = await response.read(); b; b = await response.read()) {
					pieces++;
					largest = Math.max(largest, b.length);
					texts.push(String.fromCharCode(...b));	// joined once: XS copies a string on every +=
					if (r.readDelayMs) await sleep(r.readDelayMs);
				}
			}
			const body = texts.join("");
			const location = response.header("Location");
			const shown = r.show ? { headers: Object.fromEntries(r.show.map((n) => [n, response.header(n) ?? null])) } : {};
			console.log(JSON.stringify({ status: response.status, body, pieces, largest, ...(location ? { location } : {}), ...shown, ...(thrown ? { thrown } : {}) }));
		}
		catch (e) {
			const error = e as Error;
			console.log(JSON.stringify({ error: error.message, name: error.name, ...(e instanceof TransportError ? { failure: e.failure } : {}) }));
		}
		if (left && !r.unread) {
			const response = left;
			left = undefined;
			try {
				while (await response.read());
				console.log(JSON.stringify({ abandoned: "read to its end" }));
			}
			catch (e) {
				console.log(JSON.stringify({ abandoned: (e as Error).message, ...(e instanceof TransportError ? { failure: e.failure } : {}) }));
			}
		}
	}
	client.close();
	exit(0);
}
main().catch((e: unknown) => { console.error(String(e)); exit(1); });
