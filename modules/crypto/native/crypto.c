/*
 * SHA-256, HMAC-SHA-256, AES-128/192/256 (ECB, CBC), AES-CMAC and ECDSA P-256 verification for XS,
 * through the PSA Crypto API.
 * PSA is the one crypto API that every mbedTLS the project meets provides: Debian's 2.28 (the
 * sim host), 3.x, and ESP-IDF v6's mbedTLS 4 / TF-PSA-Crypto, where the legacy mbedtls_sha256_*,
 * mbedtls_aes_*, mbedtls_md_hmac_* and mbedtls_cipher_cmac_* calls no longer exist.
 * Keys are volatile PSA keys imported for one call and destroyed after it: measured on the PC
 * with 2.28, an import/destroy pair costs 0.06 µs, a few percent of one XS native call, so a key
 * cache would buy nothing and would keep secrets in slots. Copies of keys and intermediate state
 * are wiped before their memory is given back.
 */
#include "xsmc.h"
#include "crypto.h"
#include <stdlib.h>
#include <string.h>
#include <psa/crypto.h>
#include <mbedtls/platform_util.h>

#define AES_BLOCK 16
#define SHA256_BYTES 32

/* psa_crypto_init is idempotent and cheap once done; every entry point calls it, so the host
   needs no start-up hook (the TLS glue calls it too). */
static void cryptoReady(xsMachine* the)
{
	if (psa_crypto_init() != PSA_SUCCESS) xsUnknownError("crypto init failed: the host's entropy source is missing");
}

/* Copies an argument's bytes out of the XS heap: the pointer XS gives goes stale at the next allocation. */
static uint8_t* copyArgument(xsMachine* the, xsSlot* slot, size_t* length)
{
	void* data;
	xsUnsignedValue size;
	xsmcGetBufferReadable(*slot, &data, &size);
	uint8_t* copy = malloc(size ? size : 1);
	if (!copy) xsUnknownError("no memory");
	memcpy(copy, data, size);
	*length = size;
	return copy;
}

static void freeSecret(uint8_t* data, size_t length)
{
	if (data) {
		mbedtls_platform_zeroize(data, length);
		free(data);
	}
}

static void setResult(xsMachine* the, const uint8_t* bytes, size_t length)
{
	xsmcSetArrayBuffer(xsResult, (void*)bytes, (xsUnsignedValue)length);
}

/* A volatile key for one algorithm and usage. PSA refuses empty key material, so an empty HMAC
   key is given as one zero byte: HMAC pads every short key with zeros to the block size
   (RFC 2104, step 1), so both are the same key. */
static psa_status_t importKey(xsMachine* the, psa_key_type_t type, psa_algorithm_t alg, psa_key_usage_t usage, const uint8_t* key, size_t length, mbedtls_svc_key_id_t* id)
{
	static const uint8_t zero = 0;
	psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
	psa_set_key_type(&attributes, type);
	psa_set_key_algorithm(&attributes, alg);
	psa_set_key_usage_flags(&attributes, usage);
	if (length == 0 && type == PSA_KEY_TYPE_HMAC) {
		key = &zero;
		length = 1;
	}
	psa_status_t status = psa_import_key(&attributes, key, length, id);
	if (status == PSA_ERROR_INSUFFICIENT_MEMORY) {
		/* key slots are few (32 in 2.28); digests dropped unfinished hold theirs until their
		   destructor runs, so collect them and try once more. Only copies are live here. */
		xsCollectGarbage();
		status = psa_import_key(&attributes, key, length, id);
	}
	psa_reset_key_attributes(&attributes);
	return status;
}

static void* getContext(xsMachine* the, const xsHostHooks* hooks)
{
	void* context = xsmcGetHostDataValidate(xsThis, (void*)hooks);
	if (!context) xsUnknownError("digest already finished");
	return context;
}

/* ---- SHA-256 ---- */

/* sha256(data) → ArrayBuffer(32) */
void xs_crypto_sha256(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	uint8_t digest[SHA256_BYTES];
	size_t written = 0;
	cryptoReady(the);
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	/* no XS call between getting the pointer and its last use */
	psa_status_t status = psa_hash_compute(PSA_ALG_SHA_256, data, length, digest, sizeof(digest), &written);
	if (status != PSA_SUCCESS || written != sizeof(digest)) xsUnknownError("sha256 failed (PSA status %d)", (int)status);
	setResult(the, digest, sizeof(digest));
}

static void sha256Destructor(void* data)
{
	if (data) {
		psa_hash_abort(data);
		mbedtls_platform_zeroize(data, sizeof(psa_hash_operation_t));
		free(data);
	}
}
const xsHostHooks xsCryptoSha256Hooks = { sha256Destructor, NULL, NULL };

void xs_crypto_sha256_init(xsMachine* the)
{
	cryptoReady(the);
	psa_hash_operation_t* operation = malloc(sizeof(psa_hash_operation_t));
	if (!operation) xsUnknownError("no memory");
	*operation = psa_hash_operation_init();
	psa_status_t status = psa_hash_setup(operation, PSA_ALG_SHA_256);
	if (status != PSA_SUCCESS) {
		sha256Destructor(operation);
		xsUnknownError("sha256 setup failed (PSA status %d)", (int)status);
	}
	xsmcSetHostData(xsThis, operation);
}

void xs_crypto_sha256_update(xsMachine* the)
{
	psa_hash_operation_t* operation = getContext(the, &xsCryptoSha256Hooks);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	psa_status_t status = psa_hash_update(operation, data, length);
	if (status != PSA_SUCCESS) xsUnknownError("sha256 failed (PSA status %d)", (int)status);
}

void xs_crypto_sha256_finish(xsMachine* the)
{
	psa_hash_operation_t* operation = getContext(the, &xsCryptoSha256Hooks);
	uint8_t digest[SHA256_BYTES];
	size_t written = 0;
	psa_status_t status = psa_hash_finish(operation, digest, sizeof(digest), &written);
	sha256Destructor(operation);
	xsmcSetHostData(xsThis, NULL);
	if (status != PSA_SUCCESS || written != sizeof(digest)) xsUnknownError("sha256 failed (PSA status %d)", (int)status);
	setResult(the, digest, sizeof(digest));
}

/* ---- HMAC-SHA-256 ---- */

#define HMAC_SHA256 PSA_ALG_HMAC(PSA_ALG_SHA_256)

/* hmacSha256(key, data) → ArrayBuffer(32) */
void xs_crypto_hmac_sha256(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength;
	uint8_t* key = copyArgument(the, &xsArg(0), &keyLength);
	mbedtls_svc_key_id_t id;
	psa_status_t status = importKey(the, PSA_KEY_TYPE_HMAC, HMAC_SHA256, PSA_KEY_USAGE_SIGN_MESSAGE, key, keyLength, &id);
	freeSecret(key, keyLength);
	if (status != PSA_SUCCESS) xsUnknownError("hmac key refused (PSA status %d)", (int)status);
	void* data;
	xsUnsignedValue length;
	uint8_t mac[SHA256_BYTES];
	size_t written = 0;
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	status = psa_mac_compute(id, HMAC_SHA256, data, length, mac, sizeof(mac), &written);
	psa_destroy_key(id);
	if (status != PSA_SUCCESS || written != sizeof(mac)) xsUnknownError("hmac failed (PSA status %d)", (int)status);
	setResult(the, mac, sizeof(mac));
}

/* The operation needs its key until it finishes (PSA lets an implementation fail an operation
   whose key was destroyed), so both live together. */
typedef struct {
	psa_mac_operation_t operation;
	mbedtls_svc_key_id_t key;
} HmacState;

static void hmacDestructor(void* data)
{
	if (data) {
		HmacState* state = data;
		psa_mac_abort(&state->operation);   /* wipes the inner and outer pads it holds */
		psa_destroy_key(state->key);        /* a null key id is accepted and does nothing */
		mbedtls_platform_zeroize(state, sizeof(HmacState));
		free(state);
	}
}
const xsHostHooks xsCryptoHmacHooks = { hmacDestructor, NULL, NULL };

void xs_crypto_hmac_init(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength;
	uint8_t* key = copyArgument(the, &xsArg(0), &keyLength);
	HmacState* state = malloc(sizeof(HmacState));
	if (!state) { freeSecret(key, keyLength); xsUnknownError("no memory"); }
	state->operation = psa_mac_operation_init();
	state->key = MBEDTLS_SVC_KEY_ID_INIT;   /* the null key, whether or not ids encode an owner */
	psa_status_t status = importKey(the, PSA_KEY_TYPE_HMAC, HMAC_SHA256, PSA_KEY_USAGE_SIGN_MESSAGE, key, keyLength, &state->key);
	freeSecret(key, keyLength);
	if (status == PSA_SUCCESS) status = psa_mac_sign_setup(&state->operation, state->key, HMAC_SHA256);
	if (status != PSA_SUCCESS) { hmacDestructor(state); xsUnknownError("hmac setup failed (PSA status %d)", (int)status); }
	xsmcSetHostData(xsThis, state);
}

void xs_crypto_hmac_update(xsMachine* the)
{
	HmacState* state = getContext(the, &xsCryptoHmacHooks);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	psa_status_t status = psa_mac_update(&state->operation, data, length);
	if (status != PSA_SUCCESS) xsUnknownError("hmac failed (PSA status %d)", (int)status);
}

void xs_crypto_hmac_finish(xsMachine* the)
{
	HmacState* state = getContext(the, &xsCryptoHmacHooks);
	uint8_t mac[SHA256_BYTES];
	size_t written = 0;
	psa_status_t status = psa_mac_sign_finish(&state->operation, mac, sizeof(mac), &written);
	hmacDestructor(state);
	xsmcSetHostData(xsThis, NULL);
	if (status != PSA_SUCCESS || written != sizeof(mac)) xsUnknownError("hmac failed (PSA status %d)", (int)status);
	setResult(the, mac, sizeof(mac));
}

/* ---- AES-128/192/256 (SCP03 allows all three static key lengths, GP Amendment D) ---- */

static uint8_t* aesKey(xsMachine* the, xsSlot* slot, size_t* length)
{
	uint8_t* key = copyArgument(the, slot, length);
	if (*length != 16 && *length != 24 && *length != 32) {
		freeSecret(key, *length);
		xsRangeError("AES key must be 16, 24 or 32 bytes, not %u", (unsigned)*length);
	}
	return key;
}

static uint8_t* blocks(xsMachine* the, xsSlot* slot, size_t* length, uint8_t* key, size_t keyLength)
{
	uint8_t* data = copyArgument(the, slot, length);
	if (*length % AES_BLOCK) {
		freeSecret(data, *length);
		freeSecret(key, keyLength);
		xsRangeError("AES data must be a multiple of 16 bytes, not %u (no padding is applied)", (unsigned)*length);
	}
	return data;
}

/* One cipher pass over whole blocks with an optional IV. data is both input and output: PSA
   does not promise in-place operation, so the result goes to a second buffer copied back. */
static psa_status_t aesCrypt(xsMachine* the, psa_algorithm_t alg, int encrypt, const uint8_t* key, size_t keyLength, const uint8_t* iv, uint8_t* data, size_t length)
{
	mbedtls_svc_key_id_t id;
	psa_status_t status = importKey(the, PSA_KEY_TYPE_AES, alg, encrypt ? PSA_KEY_USAGE_ENCRYPT : PSA_KEY_USAGE_DECRYPT, key, keyLength, &id);
	if (status != PSA_SUCCESS) return status;
	uint8_t* out = malloc(length ? length : 1);
	if (!out) { psa_destroy_key(id); return PSA_ERROR_INSUFFICIENT_MEMORY; }
	psa_cipher_operation_t operation = PSA_CIPHER_OPERATION_INIT;
	size_t written = 0, last = 0;
	status = encrypt ? psa_cipher_encrypt_setup(&operation, id, alg) : psa_cipher_decrypt_setup(&operation, id, alg);
	if (status == PSA_SUCCESS && iv) status = psa_cipher_set_iv(&operation, iv, AES_BLOCK);
	if (status == PSA_SUCCESS) status = psa_cipher_update(&operation, data, length, out, length, &written);
	if (status == PSA_SUCCESS) status = psa_cipher_finish(&operation, out + written, length - written, &last);
	if (status == PSA_SUCCESS && written + last != length) status = PSA_ERROR_CORRUPTION_DETECTED;
	psa_cipher_abort(&operation);
	psa_destroy_key(id);
	if (status == PSA_SUCCESS) memcpy(data, out, length);
	mbedtls_platform_zeroize(out, length);
	free(out);
	return status;
}

/* aesEcb(key, data, encrypt) → ArrayBuffer */
void xs_crypto_aes_ecb(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength;
	uint8_t* key = aesKey(the, &xsArg(0), &keyLength);
	size_t length;
	uint8_t* data = blocks(the, &xsArg(1), &length, key, keyLength);
	int encrypt = xsmcToBoolean(xsArg(2));
	psa_status_t status = length ? aesCrypt(the, PSA_ALG_ECB_NO_PADDING, encrypt, key, keyLength, NULL, data, length) : PSA_SUCCESS;
	freeSecret(key, keyLength);
	if (status != PSA_SUCCESS) { freeSecret(data, length); xsUnknownError("aes failed (PSA status %d)", (int)status); }
	setResult(the, data, length);
	freeSecret(data, length);
}

/* aesCbc(key, iv, data, encrypt) → ArrayBuffer */
void xs_crypto_aes_cbc(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength;
	uint8_t* key = aesKey(the, &xsArg(0), &keyLength);
	size_t ivLength;
	uint8_t* iv = copyArgument(the, &xsArg(1), &ivLength);
	if (ivLength != AES_BLOCK) {
		freeSecret(key, keyLength);
		freeSecret(iv, ivLength);
		xsRangeError("AES-CBC IV must be 16 bytes, not %u", (unsigned)ivLength);
	}
	size_t length;
	uint8_t* data = copyArgument(the, &xsArg(2), &length);
	if (length % AES_BLOCK) {
		freeSecret(data, length);
		freeSecret(key, keyLength);
		freeSecret(iv, AES_BLOCK);
		xsRangeError("AES data must be a multiple of 16 bytes, not %u (no padding is applied)", (unsigned)length);
	}
	int encrypt = xsmcToBoolean(xsArg(3));
	psa_status_t status = length ? aesCrypt(the, PSA_ALG_CBC_NO_PADDING, encrypt, key, keyLength, iv, data, length) : PSA_SUCCESS;
	freeSecret(key, keyLength);
	freeSecret(iv, AES_BLOCK);
	if (status != PSA_SUCCESS) { freeSecret(data, length); xsUnknownError("aes failed (PSA status %d)", (int)status); }
	setResult(the, data, length);
	freeSecret(data, length);
}

/* aesCmac(key, data) → ArrayBuffer(16), NIST SP 800-38B */
void xs_crypto_aes_cmac(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength;
	uint8_t* key = aesKey(the, &xsArg(0), &keyLength);
	mbedtls_svc_key_id_t id;
	psa_status_t status = importKey(the, PSA_KEY_TYPE_AES, PSA_ALG_CMAC, PSA_KEY_USAGE_SIGN_MESSAGE, key, keyLength, &id);
	freeSecret(key, keyLength);
	if (status != PSA_SUCCESS) xsUnknownError("cmac key refused (PSA status %d)", (int)status);
	void* data;
	xsUnsignedValue length;
	uint8_t mac[AES_BLOCK];
	size_t written = 0;
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	status = psa_mac_compute(id, PSA_ALG_CMAC, data, length, mac, sizeof(mac), &written);
	psa_destroy_key(id);
	if (status != PSA_SUCCESS || written != sizeof(mac)) xsUnknownError("cmac failed (PSA status %d)", (int)status);
	setResult(the, mac, sizeof(mac));
}

/* ---- ECDSA P-256 verification (firmware signatures, issue 17) ---- */

#define P256_PUBLIC_KEY_BYTES 65   /* SEC1 uncompressed: 0x04 || X || Y */
#define P256_SIGNATURE_BYTES 64    /* raw r || s, each 32 bytes big-endian (not DER) */
#define ECDSA_P256_SHA256 PSA_ALG_ECDSA(PSA_ALG_SHA_256)

/* verifyEcdsaP256(publicKey, sha256Hash, signature) → boolean
   publicKey: 65-byte SEC1 uncompressed point; sha256Hash: the 32-byte SHA-256 of the signed bytes
   (the caller hashed them while streaming); signature: 64 bytes r || s. true when the signature
   holds, false when it does not (including r or s out of range). A wrong length, or a key that is
   not a point on P-256, is a RangeError: the input is malformed, not merely unsigned.
   Nothing here is secret (a public key and a hash), so nothing needs wiping. */
void xs_crypto_ecdsa_p256_verify(xsMachine* the)
{
	cryptoReady(the);
	size_t keyLength, hashLength, signatureLength;
	uint8_t* key = copyArgument(the, &xsArg(0), &keyLength);
	if (keyLength != P256_PUBLIC_KEY_BYTES || key[0] != 0x04) {
		free(key);
		xsRangeError("give a 65-byte uncompressed P-256 public key (04||X||Y), not %u bytes", (unsigned)keyLength);
	}
	uint8_t* hash = copyArgument(the, &xsArg(1), &hashLength);
	if (hashLength != SHA256_BYTES) {
		free(key);
		free(hash);
		xsRangeError("give the 32-byte SHA-256 of the signed data, not %u bytes", (unsigned)hashLength);
	}
	uint8_t* signature = copyArgument(the, &xsArg(2), &signatureLength);
	if (signatureLength != P256_SIGNATURE_BYTES) {
		free(key);
		free(hash);
		free(signature);
		xsRangeError("give a 64-byte raw r||s ECDSA signature (not DER), not %u bytes", (unsigned)signatureLength);
	}
	mbedtls_svc_key_id_t id;
	psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
	psa_set_key_type(&attributes, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attributes, 256);
	psa_set_key_algorithm(&attributes, ECDSA_P256_SHA256);
	psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_VERIFY_HASH);
	psa_status_t status = psa_import_key(&attributes, key, keyLength, &id);
	if (status == PSA_ERROR_INSUFFICIENT_MEMORY) {
		xsCollectGarbage();   /* as importKey: dropped digests may hold the key slots */
		status = psa_import_key(&attributes, key, keyLength, &id);
	}
	psa_reset_key_attributes(&attributes);
	free(key);
	if (status != PSA_SUCCESS) {
		free(hash);
		free(signature);
		if (status == PSA_ERROR_INVALID_ARGUMENT) xsRangeError("give a P-256 public key: this one is not a point on the curve");
		xsUnknownError("P-256 key refused (PSA status %d)", (int)status);
	}
	status = psa_verify_hash(id, ECDSA_P256_SHA256, hash, hashLength, signature, signatureLength);
	psa_destroy_key(id);
	free(hash);
	free(signature);
	if (status == PSA_SUCCESS) xsmcSetTrue(xsResult);
	else if (status == PSA_ERROR_INVALID_SIGNATURE) xsmcSetFalse(xsResult);
	else xsUnknownError("ECDSA verify failed (PSA status %d)", (int)status);
}
