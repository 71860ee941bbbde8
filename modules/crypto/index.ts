// SHA-256, HMAC-SHA-256, AES (128/192/256-bit keys) ECB/CBC and AES-CMAC through the host's mbedTLS (native/crypto.c).
// On xsdm the names are registered by hosts/sim; on the ESP32 the Moddable build binds the same
// names to the same C. For a few bytes (a Package#0 digest) @noble/hashes in JS does as well;
// anything larger belongs here: on XS this is two to three orders of magnitude faster.
// Every function copies its inputs and returns fresh bytes; key material is wiped in C.

type Bytes = Uint8Array | ArrayBuffer;

const sha256Once = native("xs_crypto_sha256");
const sha256Init = native("xs_crypto_sha256_init");
const sha256Update = native("xs_crypto_sha256_update");
const sha256Finish = native("xs_crypto_sha256_finish");
const hmacOnce = native("xs_crypto_hmac_sha256");
const hmacInit = native("xs_crypto_hmac_init");
const hmacUpdate = native("xs_crypto_hmac_update");
const hmacFinish = native("xs_crypto_hmac_finish");
const aesEcb = native("xs_crypto_aes_ecb");
const aesCbc = native("xs_crypto_aes_cbc");
const aesCmacOnce = native("xs_crypto_aes_cmac");

export interface Digest {
	/** Adds bytes; callable any number of times before digest(). */
	update(data: Bytes): this;
	/** The result; the object cannot be used afterwards. */
	digest(): Uint8Array;
}

class Sha256 extends Native("xs_crypto_sha256_destructor") implements Digest {
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

class HmacSha256 extends Native("xs_crypto_hmac_destructor") implements Digest {
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

export function sha256(data: Bytes): Uint8Array {
	return new Uint8Array(sha256Once(data));
}

/** SHA-256 over data given in pieces (a large MO value hashed as it streams from the store). */
export function createSha256(): Digest {
	return new Sha256();
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
