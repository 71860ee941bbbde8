// Hashes and ciphers for every room: SHA-256, HMAC-SHA-256, AES (128/192/256-bit keys) ECB/CBC,
// AES-CMAC and ECDSA P-256 verification through the host's mbedTLS (native/crypto.c), MD5 for HTTP Digest. On xsdm the native names are
// registered by hosts/sim; on the ESP32 the Moddable build binds the same names to the same C.
// Where the host has no native (Node, a host built without it) SHA-256 and MD5 come from
// @noble/hashes, in JavaScript: on XS that is 280-360 times slower than the native (bench
// sha256_*_noble_over_native), so the native wins wherever it is bound. The native has no MD5
// (mbedTLS's PSA build leaves it out), so MD5 is always @noble/hashes; it hashes a few dozen
// bytes per HTTP Digest answer. AES, HMAC and ECDSA have no fallback: only the card's secure channel uses
// AES and HMAC, and only hosts with a native line to a card run it; ECDSA checks firmware signatures,
// and only hosts with firmware slots (and so with the native) update firmware. No other room imports @noble/hashes.
// Every function copies its inputs and returns fresh bytes; key material is wiped in C.
import { md5 as nobleMd5 } from "@noble/hashes/legacy.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

type Bytes = Uint8Array | ArrayBuffer;
type Binding = (...args: any[]) => any;

// Each native is named by a literal native("...") or Native("..."): the Moddable SDK's compiler binds
// that form to the C function of the name at build time (a computed name would not be bound there),
// xsdm binds it when called and throws on a name it has not, and Node has neither global
// (ReferenceError). So each binding is written out and tried.
// (Declared here as well: Node-side code compiles this module without the XS globals.)
declare const native: (name: string) => Binding;
declare const Native: (name: string) => new () => object;

function tried<T>(bind: () => T): T | undefined {
	try { return bind(); } catch { return undefined; }
}

function required(name: string, bound: Binding | undefined): Binding {
	return bound ?? ((): never => { throw new Error(`use a host with native crypto: ${name} is not bound here`); });
}

const sha256Once: Binding | undefined = tried(() => native("xs_crypto_sha256"));
const sha256Init = required("xs_crypto_sha256_init", tried(() => native("xs_crypto_sha256_init")));
const sha256Update = required("xs_crypto_sha256_update", tried(() => native("xs_crypto_sha256_update")));
const sha256Finish = required("xs_crypto_sha256_finish", tried(() => native("xs_crypto_sha256_finish")));
const hmacOnce = required("xs_crypto_hmac_sha256", tried(() => native("xs_crypto_hmac_sha256")));
const hmacInit = required("xs_crypto_hmac_init", tried(() => native("xs_crypto_hmac_init")));
const hmacUpdate = required("xs_crypto_hmac_update", tried(() => native("xs_crypto_hmac_update")));
const hmacFinish = required("xs_crypto_hmac_finish", tried(() => native("xs_crypto_hmac_finish")));
const aesEcb = required("xs_crypto_aes_ecb", tried(() => native("xs_crypto_aes_ecb")));
const aesCbc = required("xs_crypto_aes_cbc", tried(() => native("xs_crypto_aes_cbc")));
const aesCmacOnce = required("xs_crypto_aes_cmac", tried(() => native("xs_crypto_aes_cmac")));
const ecdsaP256Verify = required("xs_crypto_ecdsa_p256_verify", tried(() => native("xs_crypto_ecdsa_p256_verify")));
// The host classes are made in module code, not in a function as tried() would: the SDK's compiler
// makes Native("...") a host class only there (in an arrow it throws at preload, and a fallback to
// Object left every Sha256 a plain object: "xsSetHostData: not a host object" on the lin build).
// Node has no Native: it is told apart by its process object, which neither XS host has.
const onNode = typeof (globalThis as { process?: unknown }).process === "object";
const Sha256Base: new () => object = onNode ? Object : Native("xs_crypto_sha256_destructor");
const HmacBase: new () => object = onNode ? Object : Native("xs_crypto_hmac_destructor");

/** Whether SHA-256 runs in the host's C (false: @noble/hashes in JavaScript). */
export const hasNativeSha256 = sha256Once !== undefined;

const view = (data: Bytes): Uint8Array => data instanceof Uint8Array ? data : new Uint8Array(data);

export interface Digest {
	/** Adds bytes; callable any number of times before digest(). */
	update(data: Bytes): this;
	/** The result; the object cannot be used afterwards. */
	digest(): Uint8Array;
}

class Sha256 extends Sha256Base implements Digest {
	constructor() {
		super();
		sha256Init.call(this);
	}
	update(data: Bytes): this {
		sha256Update.call(this, data);
		return this;
	}
	digest(): Uint8Array {
		return new Uint8Array(sha256Finish.call(this));
	}
}

class HmacSha256 extends HmacBase implements Digest {
	constructor(key: Bytes) {
		super();
		hmacInit.call(this, key);
	}
	update(data: Bytes): this {
		hmacUpdate.call(this, data);
		return this;
	}
	digest(): Uint8Array {
		return new Uint8Array(hmacFinish.call(this));
	}
}

/** @noble/hashes' incremental hash under the same contract as the native one. */
class NobleDigest implements Digest {
	private hash: { update(data: Uint8Array): unknown; digest(): Uint8Array } | undefined;
	constructor(hash: { update(data: Uint8Array): unknown; digest(): Uint8Array }) {
		this.hash = hash;
	}
	update(data: Bytes): this {
		if (!this.hash) throw new TypeError("the digest is finished: create a new one");
		this.hash.update(view(data));
		return this;
	}
	digest(): Uint8Array {
		if (!this.hash) throw new TypeError("the digest is finished: create a new one");
		const out = this.hash.digest();
		this.hash = undefined;
		return out;
	}
}

export function sha256(data: Bytes): Uint8Array {
	return sha256Once ? new Uint8Array(sha256Once(data)) : nobleSha256(view(data));
}

/** SHA-256 over data given in pieces (a large MO value hashed as it streams from the store). */
export function createSha256(): Digest {
	return hasNativeSha256 ? new Sha256() : new NobleDigest(nobleSha256.create());
}

/** MD5, for HTTP Digest (RFC 7616) only: it protects nothing else here. */
export function md5(data: Bytes): Uint8Array {
	return nobleMd5(view(data));
}

export function hmacSha256(key: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(hmacOnce(key, data));
}

export function createHmacSha256(key: Bytes): Digest {
	return new HmacSha256(key);
}

/** AES (16-, 24- or 32-byte key) in ECB mode over whole 16-byte blocks (RangeError otherwise; no padding). */
export function aesEcbEncrypt(key: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(aesEcb(key, data, true));
}

export function aesEcbDecrypt(key: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(aesEcb(key, data, false));
}

/** AES (16-, 24- or 32-byte key) in CBC mode with a 16-byte IV over whole blocks (no padding: SCP03 pads itself). */
export function aesCbcEncrypt(key: Bytes, iv: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(aesCbc(key, iv, data, true));
}

export function aesCbcDecrypt(key: Bytes, iv: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(aesCbc(key, iv, data, false));
}

/** AES-CMAC with a 128-, 192- or 256-bit key (NIST SP 800-38B), the full 16-byte tag. */
export function aesCmac(key: Bytes, data: Bytes): Uint8Array {
	return new Uint8Array(aesCmacOnce(key, data));
}

/** ECDSA P-256 with SHA-256 (FIPS 186-4), verification only: whether `signature` is a signature of
    the data whose SHA-256 is `sha256Hash` (32 bytes; the caller hashes while it streams) under
    `publicKey` (65 bytes, SEC1 uncompressed 04||X||Y). The signature is the raw 64-byte r||s (each
    32 bytes big-endian), not DER. false when it does not verify (r or s out of range included);
    a RangeError when a length is wrong or the key is not a point on P-256. No JavaScript fallback:
    on a host without the native (Node) it throws "use a host with native crypto". */
export function verifyEcdsaP256(publicKey: Bytes, sha256Hash: Bytes, signature: Bytes): boolean {
	return ecdsaP256Verify(publicKey, sha256Hash, signature) === true;
}
