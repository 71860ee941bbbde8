// Issue 18 part 5's figure: bytes copied per received body byte between the TLS socket and the
// body's reader, for a 256 KiB response through the transport Client and dm/commands' pullBody
// (the path an HGET's body takes). Counted, not estimated: the native read out of mbedTLS copies
// each plaintext byte once, and the engine's copying primitives (TypedArray slice and set,
// ArrayBuffer slice) are wrapped to count what they copy while the body is read. What the reader
// then does with a piece (the HGET writes it to flash) is the sink's, not the transport's.
//   copies.js PORT IDENTITY KEYHEX HEADBYTES: prints {"transport_copies_per_received_byte": n, ...}
import TCP from "embedded:io/socket/tcp";
import { argv, timers } from "embedded:sim/host";
import { Client, PSK_SUITES, suiteNamed } from "../../modules/transport/index.js";
import { pullBody } from "../../modules/dm/commands/body.js";

const [port, identity, keyHex, headBytes] = argv() as [string, string, string, string];
const key = Uint8Array.from({ length: keyHex.length / 2 }, (_, i) => parseInt(keyHex.slice(2 * i, 2 * i + 2), 16));

let counting = false, copied = 0;
type Sliceable = { slice(start?: number, end?: number): { byteLength: number } };
const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as { slice: Sliceable["slice"]; set(source: ArrayLike<number>, offset?: number): void };
const sliceTyped = typedArray.slice, setTyped = typedArray.set, sliceBuffer = ArrayBuffer.prototype.slice;
typedArray.slice = function (this: Sliceable, start?: number, end?: number) {
	const r = sliceTyped.call(this, start, end);
	if (counting) copied += r.byteLength;
	return r;
};
typedArray.set = function (this: unknown, source: ArrayLike<number>, offset?: number) {
	if (counting) copied += (source as { byteLength?: number }).byteLength ?? source.length;
	setTyped.call(this, source, offset);
};
ArrayBuffer.prototype.slice = function (this: ArrayBuffer, start?: number, end?: number) {
	const r = sliceBuffer.call(this, start, end);
	if (counting) copied += r.byteLength;
	return r;
};
// mbedTLS's plaintext into a JavaScript buffer: SecureSocket takes every plaintext byte out of the
// engine once (xs_tls_read), head and body: the server says how many it sent (its head's length)
const client = new Client({ timers, tcp: TCP, credentials: () => ({ psk: { identity, key }, suites: [suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES)] }) });
const response = await client.request({ method: "GET", url: `https://127.0.0.1:${port}/body` });
let body = 0, pieces = 0;
counting = true;
await pullBody(response, (chunk) => { body += chunk.length; pieces++; });
counting = false;
client.close();
if (response.status !== 200 || body !== 256 * 1024) throw new Error(`status ${response.status}, ${body} body bytes`);
const fromTls = Number(headBytes) + body;
console.log(JSON.stringify({
	transport_copies_per_received_byte: (copied + fromTls) / body,
	transport_256k_body_copies_in_javascript_per_byte: copied / body,
	transport_256k_body_pieces: pieces,
}));
