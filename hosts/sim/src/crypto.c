/* Registers modules/crypto/native (compiled in by the Makefile) with xsdm's native() table. */
#include "sim.h"
#include "crypto.h"

static const simNativeFunction functions[] = {
	{ "xs_crypto_sha256", xs_crypto_sha256, 1 },
	{ "xs_crypto_sha256_init", xs_crypto_sha256_init, 0 },
	{ "xs_crypto_sha256_update", xs_crypto_sha256_update, 1 },
	{ "xs_crypto_sha256_finish", xs_crypto_sha256_finish, 0 },
	{ "xs_crypto_hmac_sha256", xs_crypto_hmac_sha256, 2 },
	{ "xs_crypto_hmac_init", xs_crypto_hmac_init, 1 },
	{ "xs_crypto_hmac_update", xs_crypto_hmac_update, 1 },
	{ "xs_crypto_hmac_finish", xs_crypto_hmac_finish, 0 },
	{ "xs_crypto_aes_ecb", xs_crypto_aes_ecb, 3 },
	{ "xs_crypto_aes_cbc", xs_crypto_aes_cbc, 4 },
	{ "xs_crypto_aes_cmac", xs_crypto_aes_cmac, 2 },
	{ "xs_crypto_ecdsa_p256_verify", xs_crypto_ecdsa_p256_verify, 3 },
};
static const simNativeClass classes[] = {
	{ "xs_crypto_sha256_destructor", &xsCryptoSha256Hooks },
	{ "xs_crypto_hmac_destructor", &xsCryptoHmacHooks },
};

const simNativeTable simCryptoNatives = { functions, simCount(functions), classes, simCount(classes) };
