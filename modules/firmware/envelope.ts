// The signed envelope a firmware image travels in (issue 17), and its streaming reader.
//
// Layout (little-endian, like the store's format):
//   0  magic "DMFW"                 4  format version (1)        5  model length m (1..64)
//   6  version length v (1..32)     7  reserved (0)               8  payload length (u32)
//   12 the payload's SHA-256 (32)   44 model (UTF-8, m bytes)     44+m version (UTF-8, v bytes)
//   44+m+v  signature: ECDSA P-256 over the SHA-256 of bytes 0..44+m+v-1, raw r||s (64 bytes)
//   then the payload (what the host boots), nothing after it.
// The signature covers the payload's digest, so one signature check vouches for the whole image
// once the digest matches. It is checked as soon as the header is whole, with the model and the
// version: a forged or foreign header costs its first block, not the whole download. The payload
// is then handed on as it comes (to be programmed into the inactive slot) while hashed through
// modules/crypto; finish() compares the digest. Nothing is held whole: the reader keeps at most
// one header (<= 204 bytes).
//
// A download that resumes (HTTP Range after a cut or a power cut) starts a reader from the header
// kept on flash (resume) and re-hashes the payload bytes already in the slot (skip) before the
// rest arrives: SHA-256 state cannot be saved, so it is rebuilt from the slot.
import { decodeUtf8, pattern } from "../bytes/index.js";
import { createSha256, verifyEcdsaP256, type Digest } from "../crypto/index.js";

export const ENVELOPE_MAGIC = Object.freeze([0x44, 0x4d, 0x46, 0x57]);	// "DMFW"
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_FIXED = 44;
export const SIGNATURE_LENGTH = 64;
export const MODEL_MAX = 64;
export const VERSION_MAX = 32;
/** the longest header: fixed part, the longest model and version, the signature */
export const HEADER_MAX = ENVELOPE_FIXED + MODEL_MAX + VERSION_MAX + SIGNATURE_LENGTH;

/** Why an envelope is refused; dm/fumo maps each to a FUMO result code. */
export type EnvelopeFaultKind =
	/** not an envelope, a header out of bounds, bytes after the payload, a digest that differs (FUMO 402) */
	| "corrupt"
	/** another device model, or a version not newer than the running one (FUMO 403) */
	| "mismatch"
	/** the signature does not verify under the device's key (FUMO 404) */
	| "signature"
	/** the payload is larger than the slot (FUMO 501) */
	| "too-large";

export class EnvelopeFault extends Error {
	constructor(readonly kind: EnvelopeFaultKind, message: string) {
		super(message);
		this.name = "EnvelopeFault";
	}
}

export interface EnvelopeHeader {
	readonly model: string;
	readonly version: string;
	readonly payloadLength: number;
	readonly digest: Uint8Array;
	/** bytes of the header, signature included: the payload starts here in the envelope */
	readonly length: number;
}

/** What the device accepts. */
export interface EnvelopeExpectations {
	/** the running image's model: the envelope's must equal it */
	readonly model: string;
	/** the running image's version: the envelope's must be newer unless allowOlder */
	readonly running: string;
	/** the server said a version not newer may be installed (FUMO Ext/AllowDowngrade) */
	readonly allowOlder?: boolean;
	/** SEC1 uncompressed P-256 public key (65 bytes), provisioned at the factory */
	readonly publicKey: Uint8Array;
	/** the slot's size: the payload may not be longer */
	readonly maxPayload: number;
	/** the signature check (default: modules/crypto's, on the host's mbedTLS) */
	readonly verify?: (publicKey: Uint8Array, sha256: Uint8Array, signature: Uint8Array) => boolean;
}

const DIGITS = pattern(/^\d+$/);

/** Compares dotted versions: numeric parts as numbers, others as text, a missing part is less. */
export function compareVersions(a: string, b: string): number {
	const pa = a.split("."), pb = b.split(".");
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i], y = pb[i];
		if (x === undefined) return -1;
		if (y === undefined) return 1;
		const nx = DIGITS.test(x) ? Number(x) : NaN, ny = DIGITS.test(y) ? Number(y) : NaN;
		const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
		if (c !== 0) return c < 0 ? -1 : 1;
	}
	return 0;
}

function fault(kind: EnvelopeFaultKind, message: string): never {
	throw new EnvelopeFault(kind, message);
}

/** Parses and checks a whole header (`bytes` may run on into the payload); throws EnvelopeFault. */
export function checkHeader(bytes: Uint8Array, expect: EnvelopeExpectations): EnvelopeHeader {
	const length = headerLength(bytes);
	if (length === undefined || bytes.length < length) fault("corrupt", "the envelope's header is incomplete");
	const v = new DataView(bytes.buffer, bytes.byteOffset, length);
	const m = bytes[5]!, n = bytes[6]!;
	const payloadLength = v.getUint32(8, true);
	const model = decodeUtf8(bytes.subarray(ENVELOPE_FIXED, ENVELOPE_FIXED + m));
	const version = decodeUtf8(bytes.subarray(ENVELOPE_FIXED + m, ENVELOPE_FIXED + m + n));
	if (model === undefined || version === undefined) fault("corrupt", "the envelope's model or version is not UTF-8");
	const signed = bytes.subarray(0, ENVELOPE_FIXED + m + n);
	const signature = bytes.subarray(ENVELOPE_FIXED + m + n, length);
	const verify = expect.verify ?? verifyEcdsaP256;
	let good: boolean;
	try {
		good = verify(expect.publicKey, createSha256().update(signed).digest(), signature);
	} catch (e) {
		// a key that is no P-256 point is the device's fault, not the package's: say so
		throw new Error(`provision a valid P-256 firmware key: ${e instanceof Error ? e.message : String(e)}`);
	}
	if (!good) fault("signature", "the envelope's signature does not verify under the device's firmware key");
	if (model !== expect.model) fault("mismatch", `the image is for model ${model}, this device is ${expect.model}`);
	if (!expect.allowOlder && compareVersions(version, expect.running) <= 0) fault("mismatch", `the image's version ${version} is not newer than the running ${expect.running}`);
	if (payloadLength > expect.maxPayload) fault("too-large", `the payload of ${payloadLength} bytes is larger than the ${expect.maxPayload}-byte slot`);
	return { model, version, payloadLength, digest: bytes.slice(12, 44), length };
}

/** The header's length from its first 7 bytes, undefined while fewer arrived; a header that
    cannot be one is EnvelopeFault("corrupt"). */
function headerLength(bytes: Uint8Array): number | undefined {
	for (let i = 0; i < Math.min(4, bytes.length); i++) if (bytes[i] !== ENVELOPE_MAGIC[i]) fault("corrupt", "not a firmware envelope (no DMFW magic)");
	if (bytes.length > 4 && bytes[4] !== ENVELOPE_VERSION) fault("corrupt", `envelope format ${bytes[4]} is not the ${ENVELOPE_VERSION} this firmware reads`);
	if (bytes.length > 5 && (bytes[5] === 0 || bytes[5]! > MODEL_MAX)) fault("corrupt", `an envelope's model takes 1..${MODEL_MAX} bytes`);
	if (bytes.length > 6 && (bytes[6] === 0 || bytes[6]! > VERSION_MAX)) fault("corrupt", `an envelope's version takes 1..${VERSION_MAX} bytes`);
	if (bytes.length > 7 && bytes[7] !== 0) fault("corrupt", "the envelope's reserved byte is not 0");
	return bytes.length < 7 ? undefined : ENVELOPE_FIXED + bytes[5]! + bytes[6]! + SIGNATURE_LENGTH;
}

const enum Phase { Header = 1, Payload, Done }

/** Reads an envelope fed in chunks of any size. */
export class EnvelopeReader {
	private phase = Phase.Header;
	private readonly head = new Uint8Array(HEADER_MAX);
	private headFill = 0;
	private hash: Digest | undefined;
	private got = 0;
	private checked: EnvelopeHeader | undefined;

	private constructor(private readonly expect: EnvelopeExpectations) {}

	/** A reader at the envelope's first byte. */
	static start(expect: EnvelopeExpectations): EnvelopeReader {
		return new EnvelopeReader(expect);
	}

	/** A reader after a header accepted earlier (kept on flash): checked again, then the payload
	    bytes already in the slot are given to skip() before the rest is fed. */
	static resume(header: Uint8Array, expect: EnvelopeExpectations): EnvelopeReader {
		const r = new EnvelopeReader(expect);
		r.accept(checkHeader(header, expect));
		return r;
	}

	/** The checked header, once whole. */
	get header(): EnvelopeHeader | undefined { return this.checked; }

	/** The header's bytes (to keep on flash for a resume), once whole. */
	headerBytes(): Uint8Array | undefined {
		return this.checked && this.head.slice(0, this.checked.length);
	}

	/** Payload bytes taken so far (fed or skipped). */
	get payloadReceived(): number { return this.got; }

	/** Bytes of the envelope taken so far: where a resumed transfer continues. */
	get offset(): number { return this.checked ? this.checked.length + this.got : this.headFill; }

	/** Payload bytes already in the slot, hashed again to rebuild the digest's state. */
	skip(payload: Uint8Array): void {
		if (this.phase !== Phase.Payload) throw new TypeError("skip() follows resume() and precedes the rest of the payload");
		this.take(payload, undefined);
	}

	/** Takes the next bytes of the envelope; payload bytes go to `onPayload` (which may keep no
	    reference to them). Throws EnvelopeFault. */
	feed(chunk: Uint8Array, onPayload: (payload: Uint8Array) => void): void {
		let at = 0;
		if (this.phase === Phase.Header) {
			const want = (n: number): void => {
				const take = Math.min(n - this.headFill, chunk.length - at);
				if (take > 0) { this.head.set(chunk.subarray(at, at + take), this.headFill); this.headFill += take; at += take; }
			};
			want(7);
			const length = headerLength(this.head.subarray(0, this.headFill));
			if (length === undefined) return;
			want(length);
			if (this.headFill < length) return;
			this.accept(checkHeader(this.head.subarray(0, length), this.expect));
		}
		if (at < chunk.length) this.take(chunk.subarray(at), onPayload);
	}

	/** The envelope ended: the payload must be whole and its digest the header's. Returns the header. */
	finish(): EnvelopeHeader {
		const h = this.checked;
		if (!h || this.phase === Phase.Header) fault("corrupt", "the envelope ended inside its header");
		if (this.got !== h.payloadLength) fault("corrupt", `the payload ended after ${this.got} of its ${h.payloadLength} bytes`);
		if (this.phase === Phase.Done) return h;
		const digest = this.hash!.digest();
		this.hash = undefined;
		this.phase = Phase.Done;
		for (let i = 0; i < 32; i++) if (digest[i] !== h.digest[i]) fault("corrupt", "the payload's SHA-256 is not the one its header signs");
		return h;
	}

	private accept(h: EnvelopeHeader): void {
		this.checked = h;
		this.hash = createSha256();
		this.phase = Phase.Payload;
	}

	private take(bytes: Uint8Array, onPayload: ((payload: Uint8Array) => void) | undefined): void {
		if (this.phase !== Phase.Payload) fault("corrupt", "bytes after the envelope's payload");
		const left = this.checked!.payloadLength - this.got;
		if (bytes.length > left) fault("corrupt", "bytes after the envelope's payload");
		this.hash!.update(bytes);
		this.got += bytes.length;
		onPayload?.(bytes);
	}
}
