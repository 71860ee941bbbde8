/*
 * A TLS 1.2 client through mbedTLS that never touches a socket: the JavaScript owner moves
 * ciphertext between this engine and its own ECMA-419 TCP socket (feed() what TCP read, take()
 * what TCP should write), so the same C serves xsdm (Debian's mbedTLS 2.28) and the ESP32
 * (ESP-IDF's mbedTLS, over lwip's TCP). mbedTLS's BIO callbacks work on two small byte rings
 * here; nothing in this file calls into JavaScript, so no callback can re-enter it.
 *
 * Plaintext is never copied twice: available() makes mbedTLS decrypt the next record in its own
 * input buffer and read(view) copies out of it straight into the caller's view.
 *
 * Secrets: the PSK is copied out of the XS heap only long enough to give it to mbedTLS (which
 * keeps its own copy and wipes it in mbedtls_ssl_config_free); saved sessions (which hold the
 * master secret) live in host memory and are wiped when their object goes. In X.509 mode the
 * client's private key is parsed straight from the caller's buffer into mbedTLS's pk context,
 * which mbedtls_pk_free wipes. No error text ever contains key or session bytes.
 *
 * mbedTLS generations: 2.28 (Debian, the sim host) and 4.x (ESP-IDF v6, with TF-PSA-Crypto), and
 * 3.x in between. The differences are kept to the small #if blocks below, each saying what changed;
 * tools/esp32/check-natives compiles this file against 4.x headers. mbedTLS 4 has no TLS 1.1 and
 * of the seven PSK suites of 9.2.2 only PSK and ECDHE-PSK (README.md, "TLS").
 *
 * Modes (interpretation 11): PSK, or X.509 with the server verified against the account's trust
 * anchors and for the server name (MBEDTLS_SSL_VERIFY_REQUIRED), the client's certificate sent
 * when the account has one. The validity dates are checked against the host's clock: on the
 * device it must be set (SNTP) before a session in X.509 mode.
 */
#include "xsmc.h"
#include "tls.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <psa/crypto.h>
#include <mbedtls/error.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/version.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

/* mbedTLS 4 draws every random byte from PSA's generator (psa_crypto_init seeds it): the
   ctr_drbg/entropy API is private there, mbedtls_ssl_conf_rng is gone and mbedtls_pk_parse_key
   takes no RNG. Before 4, the TLS layer needs a generator of ours. */
#if MBEDTLS_VERSION_NUMBER < 0x04000000
	#define TLS_OWN_DRBG 1
	#include <mbedtls/ctr_drbg.h>
	#include <mbedtls/entropy.h>
#else
	#define TLS_OWN_DRBG 0
#endif

#ifndef MODDEF_TLS_RXBUF
	#define MODDEF_TLS_RXBUF (2048)		/* bytes of ciphertext fed but not yet taken by mbedTLS */
#endif
#ifndef MODDEF_TLS_OUTBUF
	#define MODDEF_TLS_OUTBUF (2048)	/* bytes of plaintext write() gathers into one record: onWritable's count */
#endif
/* ciphertext made but not yet taken for TCP: one whole record of the gathered plaintext, expansion
   included (at most 5 header + 16 IV + 32 MAC + 16 padding in the suites of 9.2.2) */
#define MODDEF_TLS_TXBUF (MODDEF_TLS_OUTBUF + 128)
#define TLS_MAX_SUITES (16)
#define TLS_MAX_SESSION (4096)		/* a saved session: ticket and, in X.509 mode, the server's certificate */

/* mbedTLS 3 made the context's fields private; the two this file reads are still in the struct */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	#define PRIV(F) MBEDTLS_PRIVATE(F)
#else
	#define PRIV(F) F
#endif

/* mbedTLS 3 renamed the client's NewSessionTicket state (TLS 1.3 has its own) */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	#define TLS_STATE_NEW_SESSION_TICKET MBEDTLS_SSL_NEW_SESSION_TICKET
#else
	#define TLS_STATE_NEW_SESSION_TICKET MBEDTLS_SSL_SERVER_NEW_SESSION_TICKET
#endif

enum { kHandshake = 1, kOpen, kClosed, kFailed };

typedef struct {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	/* X.509 mode: the account's trust anchors, and its own certificate and key when it has them */
	mbedtls_x509_crt trust;
	mbedtls_x509_crt own;
	mbedtls_pk_context ownKey;
	int suites[TLS_MAX_SUITES + 1];
#if defined(MBEDTLS_SSL_PROTO_TLS1_1)
	int suitesTls11[TLS_MAX_SUITES + 4];	/* what the ClientHello offers when TLS 1.1 is allowed */
#endif
	uint8_t state;
	uint8_t resumed;
	uint8_t transportEnded;	/* the TCP socket reported onError: no more ciphertext will come */
	uint8_t sawServerHello;
	uint8_t tls11;			/* X.509 mode, the account allows TLS 1.1 (interpretation 8) */
	char failure[320];		/* the message every call repeats once the connection has failed */
	uint32_t rxStart, rxCount;
	uint32_t txStart, txCount;
	uint32_t outCount;
	uint8_t out[MODDEF_TLS_OUTBUF];
	uint8_t rx[MODDEF_TLS_RXBUF];
	uint8_t tx[MODDEF_TLS_TXBUF];
} TLSRecord;

typedef struct {
	size_t length;
	uint8_t bytes[];
} TLSSessionRecord;

#if TLS_OWN_DRBG
/* One random generator for every connection: seeding costs an entropy poll, and on the ESP32 the
   Moddable SDK keeps a single one too. It holds no secret of any connection. */
static mbedtls_entropy_context gEntropy;
static mbedtls_ctr_drbg_context gDrbg;
static int gDrbgReady;
#endif

/* The destructors are exported by name: the Moddable SDK's Native("xs_tls_destructor") makes the
   class's instances with that C function as their destructor, and each constructor then installs the
   hooks below, which the other entry points validate against (xsdm registers the hooks by the same
   names). */
const xsHostHooks xsTlsHooks = { xs_tls_destructor, NULL, NULL };

void xs_tls_session_destructor(void* data)
{
	if (data) {
		TLSSessionRecord* session = data;
		mbedtls_platform_zeroize(session, sizeof(TLSSessionRecord) + session->length);
		free(session);
	}
}
const xsHostHooks xsTlsSessionHooks = { xs_tls_session_destructor, NULL, NULL };

static void tlsFree(TLSRecord* tls)
{
	mbedtls_ssl_free(&tls->ssl);
	mbedtls_ssl_config_free(&tls->conf);
	mbedtls_x509_crt_free(&tls->trust);
	mbedtls_x509_crt_free(&tls->own);
	mbedtls_pk_free(&tls->ownKey);	/* mbedtls_pk_free wipes the private key */
	mbedtls_platform_zeroize(tls, sizeof(TLSRecord));
	free(tls);
}

void xs_tls_destructor(void* data)
{
	if (data) tlsFree(data);
}

static TLSRecord* getTLS(xsMachine* the)
{
	TLSRecord* tls = xsmcGetHostDataValidate(xsThis, (void*)&xsTlsHooks);
	if (!tls) xsUnknownError("secure socket closed: make a new one to connect again");
	return tls;
}

static TLSRecord* getLiveTLS(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	if (tls->state == kFailed) xsUnknownError("%s", tls->failure);
	return tls;
}

/* ---- BIO: the two rings ---- */

static int bioSend(void* context, const unsigned char* data, size_t length)
{
	TLSRecord* tls = context;
	if (tls->txCount == MODDEF_TLS_TXBUF) return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (tls->txStart && (tls->txStart + tls->txCount + length > MODDEF_TLS_TXBUF)) {
		memmove(tls->tx, tls->tx + tls->txStart, tls->txCount);
		tls->txStart = 0;
	}
	size_t room = MODDEF_TLS_TXBUF - tls->txStart - tls->txCount;
	if (length > room) length = room;
	memcpy(tls->tx + tls->txStart + tls->txCount, data, length);
	tls->txCount += length;
	return (int)length;
}

static int bioReceive(void* context, unsigned char* data, size_t length)
{
	TLSRecord* tls = context;
	if (!tls->rxCount) return tls->transportEnded ? MBEDTLS_ERR_SSL_CONN_EOF : MBEDTLS_ERR_SSL_WANT_READ;
	if (length > tls->rxCount) length = tls->rxCount;
	memcpy(data, tls->rx + tls->rxStart, length);
	tls->rxStart += length;
	tls->rxCount -= length;
	if (!tls->rxCount) tls->rxStart = 0;
	return (int)length;
}

/* ---- errors ---- */

static const char* alertName(int alert)
{
	switch (alert) {
	case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE: return "handshake_failure";
	case MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC: return "bad_record_mac";
	case MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR: return "decrypt_error";
	case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION: return "protocol_version";
	case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY: return "unknown_psk_identity";
	case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER: return "illegal_parameter";
	case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY: return "insufficient_security";
	case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR: return "internal_error";
	case MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR: return "decode_error";
	case MBEDTLS_SSL_ALERT_MSG_BAD_CERT: return "bad_certificate";
	case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA: return "unknown_ca";
	case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED: return "certificate_expired";
	case MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED: return "access_denied";
	default: return "alert";
	}
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_1)
	#define TLS11_NOTE "(TLS 1.1 only when the account allows it, in X.509 mode)"
#else
	#define TLS11_NOTE "(this build's mbedTLS has no TLS 1.1)"
#endif

/* The ServerHello chose a version or suite the client did not offer. mbedTLS 3 replaced the
   BAD_HS_* codes with generic ones: BAD_PROTOCOL_VERSION, and ILLEGAL_PARAMETER for a suite,
   which other messages raise too, hence the state check. */
static int serverHelloRefused(TLSRecord* tls, int error)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
	return (error == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION)
		|| ((error == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER) && (tls->ssl.PRIV(state) == MBEDTLS_SSL_SERVER_HELLO));
#else
	return (error == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO) || (error == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION);
#endif
}

/* What went wrong, in words that say what to check. Never includes secret bytes. */
static void describe(TLSRecord* tls, int error, const char* during)
{
	char* out = tls->failure;
	size_t size = sizeof(tls->failure);
	if (error == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		int alert = tls->ssl.PRIV(in_msg) ? tls->ssl.PRIV(in_msg)[1] : 0;
		const char* hint = "";
		if ((alert == MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR) || (alert == MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC) || (alert == MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY))
			hint = ": check the PSK identity and key the account gives this server";
		else if (alert == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION)
			hint = tls->tls11 ? ": the server speaks neither TLS 1.2 nor TLS 1.1, the versions the client offers" : ": the server does not speak TLS 1.2, the only version the client offers " TLS11_NOTE;
		else if ((alert == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE) || (alert == MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY))
			hint = tls->tls11 ? ": no cipher suite in common (9.2.2's for TLS 1.2, AES-128 CBC SHA-1 for TLS 1.1; never below TLS 1.1), or the server refused the credentials" : ": no cipher suite of section 9.2.2 in common (is the server limited to TLS 1.0/1.1? they have none of them; the client speaks TLS 1.2 only), or the server refused the credentials";
		snprintf(out, size, "TLS %s failed: the server sent alert %d (%s)%s", during, alert, alertName(alert), hint);
	}
	else if (serverHelloRefused(tls, error))
		snprintf(out, size, "TLS %s failed: the server chose a version or cipher suite the client did not offer (%s)", during, tls->tls11 ? "TLS 1.2 with the suites of section 9.2.2, or TLS 1.1" : "only TLS 1.2 with the suites of section 9.2.2");
	else if (error == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		uint32_t flags = mbedtls_ssl_get_verify_result(&tls->ssl);
		const char* why;
		if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) why = "it is not signed by a trust anchor of the account (Ext/TrustAnchor)";
		else if (flags & MBEDTLS_X509_BADCERT_EXPIRED) why = "it has expired (or the device clock is wrong)";
		else if (flags & MBEDTLS_X509_BADCERT_FUTURE) why = "it is not valid yet (or the device clock is wrong)";
		else if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) why = "it is not for the host name in the server URI";
		else if (flags & MBEDTLS_X509_BADCERT_REVOKED) why = "it is revoked";
		else if (flags & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY)) why = "its signature or key is too weak";
		else why = "it failed verification";
		snprintf(out, size, "TLS %s failed: the server's certificate was refused: %s (flags 0x%x)", during, why, (unsigned)flags);
	}
	else if (error == MBEDTLS_ERR_SSL_CONN_EOF)
		snprintf(out, size, "TLS %s failed: the server closed the connection", during);
	else if (error == MBEDTLS_ERR_SSL_INVALID_MAC)
		snprintf(out, size, "TLS %s failed: a record failed its integrity check (wrong PSK, or the data was altered)", during);
	else {
		char text[96];
		mbedtls_strerror(error, text, sizeof(text));
		snprintf(out, size, "TLS %s failed: %s (-0x%04x)", during, text, (unsigned)-error);
	}
}

static void fail(xsMachine* the, TLSRecord* tls, int error, const char* during) XS_FUNCTION_NORETURN;
static void fail(xsMachine* the, TLSRecord* tls, int error, const char* during)
{
	describe(tls, error, during);
	tls->state = kFailed;
	xsUnknownError("%s", tls->failure);
}

/* ---- construction ---- */

/* PSA first: mbedTLS 3 with MBEDTLS_USE_PSA_CRYPTO and every mbedTLS 4 need it before a handshake
   (it is idempotent, and modules/crypto calls it too). */
static int seedRandom(void)
{
	if (psa_crypto_init() != PSA_SUCCESS) return -1;
#if TLS_OWN_DRBG
	if (gDrbgReady) return 0;
	mbedtls_entropy_init(&gEntropy);
	mbedtls_ctr_drbg_init(&gDrbg);
	static const unsigned char personal[] = "omadm-tls";
	int error = mbedtls_ctr_drbg_seed(&gDrbg, mbedtls_entropy_func, &gEntropy, personal, sizeof(personal) - 1);
	if (!error) gDrbgReady = 1;
	return error;
#else
	return 0;
#endif
}

/* Copies a string or buffer property out of the XS heap into a malloc'd block the caller wipes. */
static uint8_t* copyBytes(xsMachine* the, xsSlot* object, const char* name, size_t* length, size_t most)
{
	xsmcGet(xsResult, *object, xsID((char*)name));
	void* data;
	xsUnsignedValue size;
	if (xsmcTypeOf(xsResult) == xsStringType) {
		data = xsmcToString(xsResult);
		size = (xsUnsignedValue)strlen(data);
	}
	else if (xsmcTypeOf(xsResult) == xsReferenceType)
		xsmcGetBufferReadable(xsResult, &data, &size);
	else
		xsTypeError("psk.%s required: bytes or a string", name);
	if (!size || (size > most)) xsRangeError("psk.%s must be 1..%u bytes, not %u", name, (unsigned)most, (unsigned)size);
	uint8_t* copy = malloc(size);
	if (!copy) xsUnknownError("no memory for TLS");
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

/* Takes the suites as IANA numbers and keeps those this mbedTLS has built in: mbedTLS 4 has only
   PSK and ECDHE-PSK of 9.2.2's PSK suites and only ECDHE-ECDSA of its X.509 ones (README.md,
   "TLS"), so the same list serves every build. None left is an error that names them. */
static void readSuites(xsMachine* the, xsSlot* options, int* suites)
{
	xsmcGet(xsVar(0), *options, xsID("suites"));
	if (!xsmcTest(xsVar(0))) xsTypeError("suites required: IANA numbers of the TLS 1.2 cipher suites to offer");
	xsmcGet(xsVar(1), xsVar(0), xsID("length"));
	int count = xsmcToInteger(xsVar(1));
	if ((count < 1) || (count > TLS_MAX_SUITES)) xsRangeError("suites: 1..%d of them, not %d", TLS_MAX_SUITES, count);
	int kept = 0;
	char missing[8 * TLS_MAX_SUITES] = "";
	for (int i = 0; i < count; i++) {
		xsmcGetIndex(xsVar(1), xsVar(0), i);
		int id = xsmcToInteger(xsVar(1));
		if (mbedtls_ssl_ciphersuite_from_id(id)) suites[kept++] = id;
		else snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%04x", i ? " " : "", (unsigned)id & 0xffff);
	}
	if (!kept) xsRangeError("no cipher suite offered is built into this mbedTLS: choose others (%s)", missing);
	suites[kept] = 0;
}

/* Parses the DER certificates of an array (or one buffer) into chain; a RangeError names the bad one. */
static int parseCertificates(xsMachine* the, xsSlot* list, mbedtls_x509_crt* chain)
{
	int count = 1;
	int isArray = xsmcIsInstanceOf(*list, xsArrayPrototype);
	if (isArray) {
		xsmcGet(xsVar(2), *list, xsID("length"));
		count = xsmcToInteger(xsVar(2));
	}
	for (int i = 0; i < count; i++) {
		if (isArray) xsmcGetIndex(xsVar(2), *list, i);
		else xsVar(2) = *list;
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferReadable(xsVar(2), &data, &length);
		int error = mbedtls_x509_crt_parse_der(chain, data, length);
		if (error) return error;
	}
	return count ? 0 : MBEDTLS_ERR_X509_INVALID_FORMAT;
}

/* What a TLS 1.1 server may choose (DM-SEC-006): the AES-128 CBC SHA-1 counterparts of the X.509
   suites of 9.2.2, which are all TLS 1.2 only. mbedTLS 2.28's ClientHello offers the list of the
   lowest version allowed, so that list is 9.2.2's suites followed by these; the TLS 1.2 list stays
   9.2.2's alone, and mbedTLS checks the ServerHello against the list of the version chosen: a TLS 1.2
   server that picks one of these is refused, never used. */
#if defined(MBEDTLS_SSL_PROTO_TLS1_1)
static const int gTls11Suites[] = {
	0xc009,	/* TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
	0x0033,	/* TLS_DHE_RSA_WITH_AES_128_CBC_SHA */
	0x002f,	/* TLS_RSA_WITH_AES_128_CBC_SHA */
	0
};
#endif

/* TLS 1.2 and nothing else. mbedTLS 3.2 replaced the (major, minor) pair with one version number;
   4.x has only the new call. */
static void onlyTls12(mbedtls_ssl_config* conf)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
	mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/* X.509 mode: trust anchors required, own certificate and key together or not at all. */
static void configureX509(xsMachine* the, TLSRecord* tls, xsSlot* x509)
{
	xsmcGet(xsVar(1), *x509, xsID("trustAnchors"));
	if (!xsmcTest(xsVar(1))) xsTypeError("x509.trustAnchors required: the DER certificates the server's must chain to (Ext/TrustAnchor)");
	int error = parseCertificates(the, &xsVar(1), &tls->trust);
	if (error) {
		char text[96];
		mbedtls_strerror(error, text, sizeof(text));
		xsRangeError("x509.trustAnchors: not DER certificates (%s)", text);
	}
	xsmcGet(xsVar(1), *x509, xsID("allowTls11"));
#if defined(MBEDTLS_SSL_PROTO_TLS1_1)
	tls->tls11 = xsmcTest(xsVar(1)) ? 1 : 0;
#else
	/* mbedTLS 3 and later have no TLS 1.1: an account that allows it still gets TLS 1.2 only */
	tls->tls11 = 0;
#endif
	xsmcGet(xsVar(1), *x509, xsID("certificate"));
	xsmcGet(xsVar(2), *x509, xsID("key"));
	if (xsmcTest(xsVar(1)) != xsmcTest(xsVar(2))) xsTypeError("x509.certificate and x509.key go together (Auth/Trsp/Data and Secret)");
	if (xsmcTest(xsVar(1))) {
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferReadable(xsVar(1), &data, &length);
		if (mbedtls_x509_crt_parse_der(&tls->own, data, length)) xsRangeError("x509.certificate: not a DER certificate");
		xsmcGetBufferReadable(xsVar(2), &data, &length);
#if MBEDTLS_VERSION_NUMBER >= 0x04000000 || MBEDTLS_VERSION_NUMBER < 0x03000000
		/* 2.x had no RNG argument; 3.x added one (blinding), 4.x uses PSA's */
		error = mbedtls_pk_parse_key(&tls->ownKey, data, length, NULL, 0);
#else
		error = mbedtls_pk_parse_key(&tls->ownKey, data, length, NULL, 0, mbedtls_ctr_drbg_random, &gDrbg);
#endif
		if (error) xsRangeError("x509.key: not a DER private key (PKCS#8 or PKCS#1/SEC1)");
	}
}

/* constructor({ suites, psk?: { identity, key }, x509?: { trustAnchors, certificate?, key? }, serverName?, session? }) */
void xs_tls_constructor(xsMachine* the)
{
	xsmcVars(3);
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType)) xsTypeError("options required: { suites, psk, ... }");
	int suites[TLS_MAX_SUITES + 1];
	readSuites(the, &xsArg(0), suites);
	char serverName[256] = "";	/* SNI, and in X.509 mode the name the certificate must carry */
	xsmcGet(xsVar(0), xsArg(0), xsID("serverName"));
	if (xsmcTest(xsVar(0))) xsmcToStringBuffer(xsVar(0), serverName, sizeof(serverName));
	xsmcGet(xsVar(2), xsArg(0), xsID("session"));
	TLSSessionRecord* saved = NULL;
	if (xsmcTest(xsVar(2))) {
		saved = xsmcGetHostDataValidate(xsVar(2), (void*)&xsTlsSessionHooks);
		if (saved && !saved->length) saved = NULL;
	}
	xsmcGet(xsVar(1), xsArg(0), xsID("psk"));
	int x509 = 0;
	if (xsmcTypeOf(xsVar(1)) != xsReferenceType) {
		xsmcGet(xsVar(1), xsArg(0), xsID("x509"));
		if (xsmcTypeOf(xsVar(1)) != xsReferenceType) xsTypeError("psk or x509 required: { identity, key } or { trustAnchors, certificate?, key? }");
		if (!serverName[0]) xsTypeError("serverName required in X.509 mode: the server's certificate is checked against it");
		x509 = 1;
	}

	if (seedRandom()) xsUnknownError("no random source for TLS");
	TLSRecord* tls = calloc(1, sizeof(TLSRecord));
	if (!tls) xsUnknownError("no memory for TLS");
	mbedtls_ssl_init(&tls->ssl);
	mbedtls_ssl_config_init(&tls->conf);
	mbedtls_x509_crt_init(&tls->trust);
	mbedtls_x509_crt_init(&tls->own);
	mbedtls_pk_init(&tls->ownKey);
	memcpy(tls->suites, suites, sizeof(suites));
	size_t identityLength = 0, keyLength = 0;
	uint8_t* identity = NULL;
	uint8_t* key = NULL;
	/* a throw from here on must not leak tls or a key copy: catch, clean, rethrow */
	xsTry {
		if (x509) {
			xsVar(0) = xsVar(1);
			configureX509(the, tls, &xsVar(0));
		}
		else {
			identity = copyBytes(the, &xsVar(1), "identity", &identityLength, 128);
			key = copyBytes(the, &xsVar(1), "key", &keyLength, MBEDTLS_PSK_MAX_LEN);
		}
	}
	xsCatch {
		freeSecret(identity, identityLength);
		freeSecret(key, keyLength);
		tlsFree(tls);
		xsThrow(xsException);
	}
	int error = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (!error) {
		/* every suite of 9.2.2 is TLS 1.2 only (interpretation 8) */
		onlyTls12(&tls->conf);
		mbedtls_ssl_conf_ciphersuites(&tls->conf, tls->suites);
#if TLS_OWN_DRBG
		mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &gDrbg);
#endif
		mbedtls_ssl_conf_session_tickets(&tls->conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
		if (x509) {
			/* the server proves itself with a certificate chaining to a trust anchor, for this host name */
			mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
			mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->trust, NULL);
#if defined(MBEDTLS_SSL_PROTO_TLS1_1)
			if (tls->tls11) {
				mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_2);
				mbedtls_ssl_conf_max_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
				int n = 0;
				for (const int* id = tls->suites; *id; id++) tls->suitesTls11[n++] = *id;
				for (const int* id = gTls11Suites; *id; id++) tls->suitesTls11[n++] = *id;
				tls->suitesTls11[n] = 0;
				mbedtls_ssl_conf_ciphersuites_for_version(&tls->conf, tls->suitesTls11, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_2);
			}
#endif
			if (tls->own.version) error = mbedtls_ssl_conf_own_cert(&tls->conf, &tls->own, &tls->ownKey);
		}
		else {
			/* the PSK authenticates both ends; RSA-PSK's certificate only carries the RSA key */
			mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_NONE);
			error = mbedtls_ssl_conf_psk(&tls->conf, key, keyLength, identity, identityLength);
		}
	}
	freeSecret(identity, identityLength);
	freeSecret(key, keyLength);
	if (!error) error = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
	if (!error && serverName[0]) error = mbedtls_ssl_set_hostname(&tls->ssl, serverName);
	if (!error && saved) {
		/* a session that no longer loads (another build, another config) is no error: full handshake */
		mbedtls_ssl_session session;
		mbedtls_ssl_session_init(&session);
		if (!mbedtls_ssl_session_load(&session, saved->bytes, saved->length))
			mbedtls_ssl_set_session(&tls->ssl, &session);
		mbedtls_ssl_session_free(&session);
	}
	if (error) {
		char text[96];
		mbedtls_strerror(error, text, sizeof(text));
		tlsFree(tls);
		xsUnknownError("TLS setup failed: %s", text);
	}
	mbedtls_ssl_set_bio(&tls->ssl, tls, bioSend, bioReceive, NULL);
	tls->state = kHandshake;
	xsmcSetHostData(xsThis, tls);
	xsSetHostHooks(xsThis, (xsHostHooks*)&xsTlsHooks);
}

/* ---- the byte pump ---- */

/* feed(bytes) → how many were taken (the rest waits in TCP for the next call) */
void xs_tls_feed(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (tls->rxStart && (tls->rxStart + tls->rxCount + length > MODDEF_TLS_RXBUF)) {
		memmove(tls->rx, tls->rx + tls->rxStart, tls->rxCount);
		tls->rxStart = 0;
	}
	uint32_t room = MODDEF_TLS_RXBUF - tls->rxStart - tls->rxCount;
	if (length > room) length = room;
	memcpy(tls->rx + tls->rxStart + tls->rxCount, data, length);
	tls->rxCount += length;
	xsmcSetInteger(xsResult, length);
}

/* feedEnd(): the TCP connection is gone; what was fed is still read */
void xs_tls_feed_end(xsMachine* the)
{
	getTLS(the)->transportEnded = 1;
}

/* room() → bytes feed() takes now */
void xs_tls_room(xsMachine* the)
{
	xsmcSetInteger(xsResult, MODDEF_TLS_RXBUF - getTLS(the)->rxCount);
}

/* pending() → bytes waiting for take(), ciphertext and plaintext still to seal */
void xs_tls_pending(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	xsmcSetInteger(xsResult, tls->txCount + tls->outCount);
}

/* step() → true once the handshake is done; false while it waits for bytes; throws when it failed */
void xs_tls_step(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	while (tls->state == kHandshake) {
		int before = tls->ssl.PRIV(state);
		if (before == MBEDTLS_SSL_HANDSHAKE_OVER) {
			tls->state = kOpen;
			break;
		}
		int error = mbedtls_ssl_handshake_step(&tls->ssl);
		if ((error == MBEDTLS_ERR_SSL_WANT_READ) || (error == MBEDTLS_ERR_SSL_WANT_WRITE)) break;
		if (error) fail(the, tls, error, "handshake");
		/* a resumed handshake goes from ServerHello straight to the server's ChangeCipherSpec
		   (or its NewSessionTicket): no certificate, no key exchange */
		if ((before == MBEDTLS_SSL_SERVER_HELLO) && (tls->ssl.PRIV(state) != MBEDTLS_SSL_SERVER_HELLO))
			tls->resumed = (tls->ssl.PRIV(state) == MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC) || (tls->ssl.PRIV(state) == TLS_STATE_NEW_SESSION_TICKET);
	}
	xsmcSetBoolean(xsResult, tls->state != kHandshake);
}

/* Encrypts the gathered plaintext as one record once the ring has room for all of it. */
static void seal(xsMachine* the, TLSRecord* tls)
{
	if (!tls->outCount || (tls->state != kOpen)) return;
	int expansion = mbedtls_ssl_get_record_expansion(&tls->ssl);
	if (expansion < 0) expansion = MODDEF_TLS_TXBUF - MODDEF_TLS_OUTBUF;
	if (tls->txCount + tls->outCount + expansion > MODDEF_TLS_TXBUF) return;
	int result = mbedtls_ssl_write(&tls->ssl, tls->out, tls->outCount);
	mbedtls_platform_zeroize(tls->out, tls->outCount);
	tls->outCount = 0;
	if (result < 0) fail(the, tls, result, "write");
}

/* take(view) → how many bytes of ciphertext were copied into view, for TCP to write */
void xs_tls_take(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	if (tls->state != kFailed) seal(the, tls);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	if (length > tls->txCount) length = tls->txCount;
	memcpy(data, tls->tx + tls->txStart, length);
	tls->txStart += length;
	tls->txCount -= length;
	if (!tls->txCount) tls->txStart = 0;
	xsmcSetInteger(xsResult, length);
}

/* available() → plaintext bytes ready to read; 0: none yet; -1: the server closed (close_notify) */
void xs_tls_available(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	if (tls->state == kClosed) { xsmcSetInteger(xsResult, -1); return; }
	if (tls->state != kOpen) { xsmcSetInteger(xsResult, 0); return; }
	size_t ready = mbedtls_ssl_get_bytes_avail(&tls->ssl);
	while (!ready) {
		/* a zero-length read decrypts the next record into mbedTLS's own buffer and copies nothing */
		int result = mbedtls_ssl_read(&tls->ssl, NULL, 0);
		if ((result == MBEDTLS_ERR_SSL_WANT_READ) || (result == MBEDTLS_ERR_SSL_WANT_WRITE)) break;
		if (result == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
			tls->state = kClosed;
			xsmcSetInteger(xsResult, -1);
			return;
		}
		if (result < 0) fail(the, tls, result, "read");
		ready = mbedtls_ssl_get_bytes_avail(&tls->ssl);
		if (!ready && !tls->rxCount) break;	/* an empty record; nothing more fed yet */
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)ready);
}

/* read(view) → bytes copied into view, at most what available() said */
void xs_tls_read(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	size_t ready = (tls->state == kOpen) ? mbedtls_ssl_get_bytes_avail(&tls->ssl) : 0;
	if (length > ready) length = (xsUnsignedValue)ready;
	if (!length) { xsmcSetInteger(xsResult, 0); return; }
	int result = mbedtls_ssl_read(&tls->ssl, data, length);
	if (result < 0) fail(the, tls, result, "read");
	xsmcSetInteger(xsResult, result);
}

/* writable() → plaintext bytes write() accepts now, in any number of calls */
void xs_tls_writable(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	xsmcSetInteger(xsResult, (tls->state == kOpen) ? MODDEF_TLS_OUTBUF - tls->outCount : 0);
}

/* write(bytes): gathers them for the next record; more than writable() throws "would block" */
void xs_tls_write(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	if (tls->state == kHandshake) xsUnknownError("not ready: handshaking (write after onWritable)");
	if (tls->state != kOpen) xsUnknownError("not ready: the server closed the connection");
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	uint32_t writable = MODDEF_TLS_OUTBUF - tls->outCount;
	if (length > writable)
		xsUnknownError("would block: %u bytes, %u writable now (write no more than onWritable's count)", (unsigned)length, (unsigned)writable);
	memcpy(tls->out + tls->outCount, data, length);
	tls->outCount += length;
}

/* closeNotify(): queues the close_notify alert for TCP */
void xs_tls_close_notify(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	if (tls->state == kOpen) {
		seal(the, tls);
		mbedtls_ssl_close_notify(&tls->ssl);
	}
}

void xs_tls_close(xsMachine* the)
{
	TLSRecord* tls = xsmcGetHostDataValidate(xsThis, (void*)&xsTlsHooks);
	if (!tls) return;
	xsmcSetHostData(xsThis, NULL);
	tlsFree(tls);
}

/* info() → { suite, version, resumed, pending } */
void xs_tls_info(xsMachine* the)
{
	TLSRecord* tls = getTLS(the);
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	if (tls->state != kHandshake) {
		const char* suite = mbedtls_ssl_get_ciphersuite(&tls->ssl);
		xsmcSetString(xsVar(0), (char*)(suite ? suite : ""));
		xsmcSet(xsResult, xsID("suite"), xsVar(0));
		const char* version = mbedtls_ssl_get_version(&tls->ssl);
		xsmcSetString(xsVar(0), (char*)(version ? version : ""));
		xsmcSet(xsResult, xsID("version"), xsVar(0));
	}
	xsmcSetBoolean(xsVar(0), tls->resumed);
	xsmcSet(xsResult, xsID("resumed"), xsVar(0));
	xsmcSetInteger(xsVar(0), tls->txCount);
	xsmcSet(xsResult, xsID("pending"), xsVar(0));
}

/* ---- sessions ---- */

/* saveSession(session): copies this connection's session (ID or ticket, master secret) into a TLSSession */
void xs_tls_save_session(xsMachine* the)
{
	TLSRecord* tls = getLiveTLS(the);
	if (tls->state == kHandshake) xsUnknownError("no session before the handshake is done");
	TLSSessionRecord* old = xsmcGetHostDataValidate(xsArg(0), (void*)&xsTlsSessionHooks);
	mbedtls_ssl_session session;
	mbedtls_ssl_session_init(&session);
	int error = mbedtls_ssl_get_session(&tls->ssl, &session);
	size_t length = 0;
	TLSSessionRecord* record = NULL;
	if (!error) {
		mbedtls_ssl_session_save(&session, NULL, 0, &length);
		if (!length || (length > TLS_MAX_SESSION)) error = MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
	}
	if (!error) {
		record = malloc(sizeof(TLSSessionRecord) + length);
		if (!record) error = MBEDTLS_ERR_SSL_ALLOC_FAILED;
	}
	if (!error) {
		record->length = length;
		error = mbedtls_ssl_session_save(&session, record->bytes, length, &length);
	}
	mbedtls_ssl_session_free(&session);
	if (error) {
		xs_tls_session_destructor(record);
		xsmcSetBoolean(xsResult, 0);
		return;
	}
	xs_tls_session_destructor(old);
	xsmcSetHostData(xsArg(0), record);
	xsmcSetBoolean(xsResult, 1);
}

/* TLSSession(bytes?): empty, or a session exported earlier (kept across a reboot by its owner) */
void xs_tls_session_constructor(xsMachine* the)
{
	TLSSessionRecord* record;
	if ((xsmcArgc > 0) && xsmcTest(xsArg(0))) {
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferReadable(xsArg(0), &data, &length);
		if (length > TLS_MAX_SESSION) xsRangeError("a saved TLS session is at most %d bytes, not %u", TLS_MAX_SESSION, (unsigned)length);
		record = malloc(sizeof(TLSSessionRecord) + length);
		if (!record) xsUnknownError("no memory for a TLS session");
		xsmcGetBufferReadable(xsArg(0), &data, &length);
		memcpy(record->bytes, data, length);
		record->length = length;
	}
	else {
		record = calloc(1, sizeof(TLSSessionRecord));
		if (!record) xsUnknownError("no memory for a TLS session");
	}
	xsmcSetHostData(xsThis, record);
	xsSetHostHooks(xsThis, (xsHostHooks*)&xsTlsSessionHooks);
}

/* export() → the session's bytes (they include the master secret: persist them as a secret), or undefined when empty */
void xs_tls_session_export(xsMachine* the)
{
	TLSSessionRecord* record = xsmcGetHostDataValidate(xsThis, (void*)&xsTlsSessionHooks);
	if (record && record->length) xsmcSetArrayBuffer(xsResult, record->bytes, (xsUnsignedValue)record->length);
}

/* failure() → the whole message of the failure (XS cuts thrown messages at 128 bytes), or undefined */
void xs_tls_failure(xsMachine* the)
{
	TLSRecord* tls = xsmcGetHostDataValidate(xsThis, (void*)&xsTlsHooks);
	if (tls && (tls->state == kFailed)) xsmcSetString(xsResult, tls->failure);
}

/* memory() → bytes of this engine's own record (rings and mbedTLS contexts, not mbedTLS's buffers) */
void xs_tls_memory(xsMachine* the)
{
	xsmcSetInteger(xsResult, sizeof(TLSRecord));
}
