/*
 * CPU time spent inside mbedTLS, apart from everything else the process does: how much of a DM
 * session is the TLS handshake, how much the record layer, and so how much is left for the DM
 * logic (issue 10's measure). The linker wraps the three entry points the TLS glue calls
 * (-Wl,--wrap in the Makefile: only our own objects' calls are redirected, the library is the
 * Debian one as it is), and each wrapper adds the process CPU time of the call to a total.
 * clock_gettime(CLOCK_PROCESS_CPUTIME_ID) costs a system call, under a microsecond: there are a
 * few dozen such calls in a session.
 */
#include "xsAll.h"
#include "sim.h"
#include <time.h>
#include <mbedtls/ssl.h>

#ifdef MBEDTLS_PRIVATE
	#define PRIV(F) MBEDTLS_PRIVATE(F)
#else
	#define PRIV(F) F
#endif

int __real_mbedtls_ssl_handshake_step(mbedtls_ssl_context* ssl);
int __real_mbedtls_ssl_read(mbedtls_ssl_context* ssl, unsigned char* data, size_t length);
int __real_mbedtls_ssl_write(mbedtls_ssl_context* ssl, const unsigned char* data, size_t length);

static double gHandshakeMs = 0, gRecordMs = 0;
static unsigned long gHandshakes = 0;

static double cpuMs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1000000.0;
}

int __wrap_mbedtls_ssl_handshake_step(mbedtls_ssl_context* ssl)
{
	double start = cpuMs();
	int result = __real_mbedtls_ssl_handshake_step(ssl);
	gHandshakeMs += cpuMs() - start;
	if ((result == 0) && (ssl->PRIV(state) == MBEDTLS_SSL_HANDSHAKE_OVER)) gHandshakes++;
	return result;
}

int __wrap_mbedtls_ssl_read(mbedtls_ssl_context* ssl, unsigned char* data, size_t length)
{
	double start = cpuMs();
	int result = __real_mbedtls_ssl_read(ssl, data, length);
	gRecordMs += cpuMs() - start;
	return result;
}

int __wrap_mbedtls_ssl_write(mbedtls_ssl_context* ssl, const unsigned char* data, size_t length)
{
	double start = cpuMs();
	int result = __real_mbedtls_ssl_write(ssl, data, length);
	gRecordMs += cpuMs() - start;
	return result;
}

/* { handshakeMs, recordMs, handshakes }: totals since the process started */
static void xs_host_tls_cpu(xsMachine* the)
{
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetNumber(xsVar(0), gHandshakeMs);
	xsmcSet(xsResult, xsID("handshakeMs"), xsVar(0));
	xsmcSetNumber(xsVar(0), gRecordMs);
	xsmcSet(xsResult, xsID("recordMs"), xsVar(0));
	xsmcSetNumber(xsVar(0), (double)gHandshakes);
	xsmcSet(xsResult, xsID("handshakes"), xsVar(0));
}

static const simNativeFunction functions[] = {
	{ "xs_host_tls_cpu", xs_host_tls_cpu, 0 },
};

const simNativeTable simMbedtlsCpuNatives = { functions, simCount(functions), NULL, 0 };
