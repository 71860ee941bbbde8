// Issue 18 part 5's figures for a 256 KiB response through the transport Client and dm/commands'
// pullBody (the path an HGET's body takes), and through readBody (the reference path: read(), a
// Promise per piece) on a connection of its own, side by side:
// - copies: bytes copied per received body byte between the TLS socket and the body's reader.
//   Counted, not estimated: the native read out of mbedTLS copies each plaintext byte once, and
//   the engine's copying primitives (TypedArray slice and set, ArrayBuffer slice) are wrapped to
//   count what they copy while the body is read. What the reader then does with a piece (the HGET
//   writes it to flash) is the sink's, not the transport's.
// - allocations: buffers made while the body is read (new Uint8Array/ArrayBuffer of a length, and
//   slices), and views (subarray, and typed arrays over an existing buffer) apart.
// - promises: Promises made while the body is read: new Promise, Promise.resolve/reject, then()
//   (which makes one), and each await of a read() (an await on a promise made by read(), already
//   counted there, costs the engine no other object that a wrapper can see).
//   copies.js PORT IDENTITY KEYHEX HEADBYTES: prints {"transport_copies_per_received_byte": n, ...}
import TCP from "embedded:io/socket/tcp";
import { argv, timers } from "embedded:sim/host";
import { Client, PSK_SUITES, suiteNamed } from "../../modules/transport/index.js";
import { pullBody, readBody } from "../../modules/dm/commands/body.js";

const [port, identity, keyHex, headBytes] = argv() as [string, string, string, string];
const key = Uint8Array.from({ length: keyHex.length / 2 }, (_, i) => parseInt(keyHex.slice(2 * i, 2 * i + 2), 16));

let counting = false, copied = 0, buffers = 0, views = 0, promises = 0;
type Sliceable = { slice(start?: number, end?: number): { byteLength: number } };
const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as { slice: Sliceable["slice"]; subarray(begin?: number, end?: number): unknown; set(source: ArrayLike<number>, offset?: number): void };
const sliceTyped = typedArray.slice, setTyped = typedArray.set, subarrayTyped = typedArray.subarray, sliceBuffer = ArrayBuffer.prototype.slice;
typedArray.slice = function (this: Sliceable, start?: number, end?: number) {
	const r = sliceTyped.call(this, start, end);
	if (counting) { copied += r.byteLength; buffers++; }
	return r;
};
typedArray.subarray = function (this: unknown, begin?: number, end?: number) {
	if (counting) views++;
	return subarrayTyped.call(this, begin, end);
};
typedArray.set = function (this: unknown, source: ArrayLike<number>, offset?: number) {
	if (counting) copied += (source as { byteLength?: number }).byteLength ?? source.length;
	setTyped.call(this, source, offset);
};
ArrayBuffer.prototype.slice = function (this: ArrayBuffer, start?: number, end?: number) {
	const r = sliceBuffer.call(this, start, end);
	if (counting) { copied += r.byteLength; buffers++; }
	return r;
};
// constructors through the global object, as modules/ name them
const g = globalThis as unknown as Record<string, unknown>;
const counted = <T extends object>(target: T, count: (args: unknown[]) => void): T => new Proxy(target, {
	construct(t, args, newTarget) {
		if (counting) count(args);
		return Reflect.construct(t as never, args, newTarget === proxy ? t as never : newTarget) as object;
	},
});
let proxy: unknown;
g.Uint8Array = proxy = counted(Uint8Array, (args) => { if (typeof args[0] === "number" || args[0] === undefined) buffers++; else views++; });
const uint8 = proxy;
g.ArrayBuffer = proxy = counted(ArrayBuffer, () => { buffers++; });
const arrayBuffer = proxy;
const P = Promise as unknown as { resolve(v?: unknown): Promise<unknown>; reject(e?: unknown): Promise<unknown> };
const resolve = P.resolve, reject = P.reject, then = Promise.prototype.then;
P.resolve = function (this: unknown, v?: unknown) { if (counting) promises++; return resolve.call(this, v); };
P.reject = function (this: unknown, e?: unknown) { if (counting) promises++; return reject.call(this, e); };
Promise.prototype.then = function (this: Promise<unknown>, a?: unknown, b?: unknown) { if (counting) promises++; return then.call(this, a as never, b as never); } as typeof Promise.prototype.then;
g.Promise = proxy = new Proxy(Promise, {
	construct(t, args, newTarget) {
		if (counting) promises++;
		return Reflect.construct(t, args, newTarget === promiseProxy ? t : newTarget) as object;
	},
});
const promiseProxy = proxy;
void uint8; void arrayBuffer;

interface Figures { copied: number; buffers: number; views: number; promises: number; pieces: number; body: number }

async function measure(path: typeof pullBody): Promise<Figures> {
	// a client of its own each time: the server answers one request per connection
	const client = new Client({ timers, tcp: TCP, credentials: () => ({ psk: { identity, key }, suites: [suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES)] }) });
	const response = await client.request({ method: "GET", url: `https://127.0.0.1:${port}/body` });
	let body = 0, pieces = 0;
	copied = 0; buffers = 0; views = 0; promises = 0;
	counting = true;
	await path(response, (chunk) => { body += chunk.length; pieces++; });
	counting = false;
	client.close();
	if (response.status !== 200 || body !== 256 * 1024) throw new Error(`status ${response.status}, ${body} body bytes`);
	return { copied, buffers, views, promises, pieces, body };
}

const pulled = await measure(pullBody);
const read = await measure(readBody);
// mbedTLS's plaintext into a JavaScript buffer: SecureSocket takes every plaintext byte out of the
// engine once (xs_tls_read), head and body: the server says how many it sent (its head's length)
const fromTls = Number(headBytes) + pulled.body;
console.log(JSON.stringify({
	transport_copies_per_received_byte: (pulled.copied + fromTls) / pulled.body,
	transport_256k_body_copies_in_javascript_per_byte: pulled.copied / pulled.body,
	transport_256k_body_pieces: pulled.pieces,
	transport_allocations_per_256k_hget: pulled.buffers,
	transport_views_per_256k_hget: pulled.views,
	transport_promises_per_256k_hget: pulled.promises,
	// the reference path (read(), a fresh buffer and a Promise per piece), as pullBody was before
	transport_read_path_copies_per_received_byte: (read.copied + fromTls) / read.body,
	transport_read_path_allocations_per_256k_hget: read.buffers,
	transport_read_path_views_per_256k_hget: read.views,
	transport_read_path_promises_per_256k_hget: read.promises,
}));
