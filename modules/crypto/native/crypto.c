/*
 * SHA-256, HMAC-SHA-256, AES-128/192/256 (ECB, CBC) and AES-CMAC for XS, through mbedTLS.
 * The same file builds into the simulator host (Debian's mbedTLS 2.28) and the ESP32 build
 * (ESP-IDF's mbedTLS 3.x); the few calls whose names changed between them are wrapped below.
 * Keys and intermediate state are wiped before their memory is given back.
 */
#include "xsmc.h"
#include "crypto.h"
#include <string.h>
#include <mbedtls/aes.h>
#include <mbedtls/cipher.h>
#include <mbedtls/cmac.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	#define sha256Starts(C) mbedtls_sha256_starts(C, 0)
	#define sha256Update mbedtls_sha256_update
	#define sha256Finish mbedtls_sha256_finish
#else
	#define sha256Starts(C) mbedtls_sha256_starts_ret(C, 0)
	#define sha256Update mbedtls_sha256_update_ret
	#define sha256Finish mbedtls_sha256_finish_ret
#endif

#define AES_BLOCK 16

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

/* ---- SHA-256 ---- */

/* sha256(data) → ArrayBuffer(32) */
void xs_crypto_sha256(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	uint8_t digest[32];
	mbedtls_sha256_context context;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	mbedtls_sha256_init(&context);
	/* no XS call between getting the pointer and its last use */
	int failed = sha256Starts(&context) || sha256Update(&context, data, length) || sha256Finish(&context, digest);
	mbedtls_sha256_free(&context);
	if (failed) xsUnknownError("sha256 failed");
	setResult(the, digest, sizeof(digest));
}

static void sha256Destructor(void* data)
{
	if (data) {
		mbedtls_sha256_free(data);
		mbedtls_platform_zeroize(data, sizeof(mbedtls_sha256_context));
		free(data);
	}
}
const xsHostHooks xsCryptoSha256Hooks = { sha256Destructor, NULL, NULL };

static void* getContext(xsMachine* the, const xsHostHooks* hooks)
{
	void* context = xsmcGetHostDataValidate(xsThis, (void*)hooks);
	if (!context) xsUnknownError("digest already finished");
	return context;
}

void xs_crypto_sha256_init(xsMachine* the)
{
	mbedtls_sha256_context* context = malloc(sizeof(mbedtls_sha256_context));
	if (!context) xsUnknownError("no memory");
	mbedtls_sha256_init(context);
	sha256Starts(context);
	xsmcSetHostData(xsThis, context);
}

void xs_crypto_sha256_update(xsMachine* the)
{
	mbedtls_sha256_context* context = getContext(the, &xsCryptoSha256Hooks);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (sha256Update(context, data, length)) xsUnknownError("sha256 failed");
}

void xs_crypto_sha256_finish(xsMachine* the)
{
	mbedtls_sha256_context* context = getContext(the, &xsCryptoSha256Hooks);
	uint8_t digest[32];
	int failed = sha256Finish(context, digest);
	sha256Destructor(context);
	xsmcSetHostData(xsThis, NULL);
	if (failed) xsUnknownError("sha256 failed");
	setResult(the, digest, sizeof(digest));
}

/* ---- HMAC-SHA-256 ---- */

/* hmacSha256(key, data) → ArrayBuffer(32) */
void xs_crypto_hmac_sha256(xsMachine* the)
{
	size_t keyLength;
	uint8_t* key = copyArgument(the, &xsArg(0), &keyLength);
	void* data;
	xsUnsignedValue length;
	uint8_t mac[32];
	xsmcGetBufferReadable(xsArg(1), &data, &length);
	int failed = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, keyLength, data, length, mac);
	freeSecret(key, keyLength);
	if (failed) xsUnknownError("hmac failed");
	setResult(the, mac, sizeof(mac));
}

static void hmacDestructor(void* data)
{
	if (data) {
		mbedtls_md_free(data);   /* mbedTLS zeroizes the inner and outer pads it holds */
		free(data);
	}
}
const xsHostHooks xsCryptoHmacHooks = { hmacDestructor, NULL, NULL };

void xs_crypto_hmac_init(xsMachine* the)
{
	size_t keyLength;
	uint8_t* key = copyArgument(the, &xsArg(0), &keyLength);
	mbedtls_md_context_t* context = malloc(sizeof(mbedtls_md_context_t));
	if (!context) { freeSecret(key, keyLength); xsUnknownError("no memory"); }
	mbedtls_md_init(context);
	int failed = mbedtls_md_setup(context, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1)
		|| mbedtls_md_hmac_starts(context, key, keyLength);
	freeSecret(key, keyLength);
	if (failed) { hmacDestructor(context); xsUnknownError("hmac setup failed"); }
	xsmcSetHostData(xsThis, context);
}

void xs_crypto_hmac_update(xsMachine* the)
{
	mbedtls_md_context_t* context = getContext(the, &xsCryptoHmacHooks);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (mbedtls_md_hmac_update(context, data, length)) xsUnknownError("hmac failed");
}

void xs_crypto_hmac_finish(xsMachine* the)
{
	mbedtls_md_context_t* context = getContext(the, &xsCryptoHmacHooks);
	uint8_t mac[32];
	int failed = mbedtls_md_hmac_finish(context, mac);
	hmacDestructor(context);
	xsmcSetHostData(xsThis, NULL);
	if (failed) xsUnknownError("hmac failed");
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

/* aesEcb(key, data, encrypt) → ArrayBuffer */
void xs_crypto_aes_ecb(xsMachine* the)
{
	size_t keyLength;
	uint8_t* key = aesKey(the, &xsArg(0), &keyLength);
	size_t length;
	uint8_t* data = blocks(the, &xsArg(1), &length, key, keyLength);
	int encrypt = xsmcToBoolean(xsArg(2));
	mbedtls_aes_context aes;
	mbedtls_aes_init(&aes);
	unsigned bits = (unsigned)keyLength * 8;
	int failed = encrypt ? mbedtls_aes_setkey_enc(&aes, key, bits) : mbedtls_aes_setkey_dec(&aes, key, bits);
	for (size_t at = 0; !failed && at < length; at += AES_BLOCK)
		failed = mbedtls_aes_crypt_ecb(&aes, encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, data + at, data + at);
	mbedtls_aes_free(&aes);
	freeSecret(key, keyLength);
	if (failed) { freeSecret(data, length); xsUnknownError("aes failed"); }
	setResult(the, data, length);
	freeSecret(data, length);
}

/* aesCbc(key, iv, data, encrypt) → ArrayBuffer */
void xs_crypto_aes_cbc(xsMachine* the)
{
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
	uint8_t* data = blocks(the, &xsArg(2), &length, key, keyLength);
	int encrypt = xsmcToBoolean(xsArg(3));
	mbedtls_aes_context aes;
	mbedtls_aes_init(&aes);
	unsigned bits = (unsigned)keyLength * 8;
	int failed = encrypt ? mbedtls_aes_setkey_enc(&aes, key, bits) : mbedtls_aes_setkey_dec(&aes, key, bits);
	if (!failed)
		failed = mbedtls_aes_crypt_cbc(&aes, encrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, length, iv, data, data);
	mbedtls_aes_free(&aes);
	freeSecret(key, keyLength);
	freeSecret(iv, AES_BLOCK);
	if (failed) { freeSecret(data, length); xsUnknownError("aes failed"); }
	setResult(the, data, length);
	freeSecret(data, length);
}

/* aesCmac(key, data) → ArrayBuffer(16), NIST SP 800-38B */
void xs_crypto_aes_cmac(xsMachine* the)
{
	size_t keyLength;
	uint8_t* key = aesKey(the, &xsArg(0), &keyLength);
	size_t length;
	uint8_t* data = copyArgument(the, &xsArg(1), &length);
	uint8_t mac[AES_BLOCK];
	mbedtls_cipher_type_t type = keyLength == 32 ? MBEDTLS_CIPHER_AES_256_ECB : keyLength == 24 ? MBEDTLS_CIPHER_AES_192_ECB : MBEDTLS_CIPHER_AES_128_ECB;
	int failed = mbedtls_cipher_cmac(mbedtls_cipher_info_from_type(type), key, (unsigned)keyLength * 8, data, length, mac);
	freeSecret(key, keyLength);
	freeSecret(data, length);
	if (failed) xsUnknownError("cmac failed");
	setResult(the, mac, sizeof(mac));
}
