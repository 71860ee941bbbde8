/* The host functions of modules/crypto, for a host's registration table. */
#ifndef MODULES_CRYPTO_NATIVE_H
#define MODULES_CRYPTO_NATIVE_H
#include "xsmc.h"
extern const xsHostHooks xsCryptoSha256Hooks;
extern const xsHostHooks xsCryptoHmacHooks;
void xs_crypto_sha256(xsMachine* the);
void xs_crypto_sha256_init(xsMachine* the);
void xs_crypto_sha256_update(xsMachine* the);
void xs_crypto_sha256_finish(xsMachine* the);
void xs_crypto_hmac_sha256(xsMachine* the);
void xs_crypto_hmac_init(xsMachine* the);
void xs_crypto_hmac_update(xsMachine* the);
void xs_crypto_hmac_finish(xsMachine* the);
void xs_crypto_aes_ecb(xsMachine* the);
void xs_crypto_aes_cbc(xsMachine* the);
void xs_crypto_aes_cmac(xsMachine* the);
void xs_crypto_ecdsa_p256_verify(xsMachine* the);
#endif
