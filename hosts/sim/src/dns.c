/*
 * Name resolution for xsdm: one IPv4 address for a host name, from the C library's getaddrinfo
 * (so /etc/hosts, nsswitch and the system's resolver all apply, as they do for any Linux program).
 * getaddrinfo blocks: a lookup stalls the event loop until it answers or times out (the resolver's
 * own time-out, /etc/resolv.conf). That is acceptable on the development host, where names are
 * local or cached; the ESP32 build answers the same module from lwIP's non-blocking resolver.
 * IPv4 only, because the TCP socket (like the SDK's lwip one) takes numeric IPv4 addresses.
 */
#include "xsAll.h"
#include "sim.h"
#include <netdb.h>
#include <arpa/inet.h>
#include <sys/socket.h>

/* xs_dns_lookup(name): "a.b.c.d", or undefined when the name has no IPv4 address; throws on a
   failure that is not "no such name" (the resolver unreachable, out of memory). */
static void xs_dns_lookup(xsMachine* the)
{
	char name[256];
	xsStringValue text = xsmcToString(xsArg(0));
	size_t length = strlen(text);
	if (!length || (length >= sizeof(name))) xsRangeError("host name length must be 1..255");
	memcpy(name, text, length + 1);
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	struct addrinfo* found = NULL;
	int status = getaddrinfo(name, NULL, &hints, &found);
	if ((status == EAI_NONAME) || (status == EAI_FAIL)) return;	/* "no such name" (EAI_NODATA needs _GNU_SOURCE) */
#ifdef EAI_NODATA
	if (status == EAI_NODATA) return;
#endif
	if (status) xsUnknownError("getaddrinfo: %s", gai_strerror(status));
	char address[INET_ADDRSTRLEN] = "";
	for (struct addrinfo* a = found; a; a = a->ai_next) {
		if (a->ai_family != AF_INET) continue;
		inet_ntop(AF_INET, &((struct sockaddr_in*)a->ai_addr)->sin_addr, address, sizeof(address));
		break;
	}
	freeaddrinfo(found);
	if (address[0]) xsmcSetString(xsResult, address);
}

static const simNativeFunction functions[] = {
	{ "xs_dns_lookup", xs_dns_lookup, 1 },
};

const simNativeTable simDnsNatives = { functions, simCount(functions), NULL, 0 };
