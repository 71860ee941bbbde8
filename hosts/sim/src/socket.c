#include "socket.h"
#include <arpa/inet.h>

void simSocketCallback(xsMachine* the, xsSlot* instance, const char* name, int count)
{
	xsBeginHost(the);
	{
		xsmcVars(2);
		xsmcGet(xsVar(0), *instance, xsID((char*)name));
		if (xsmcIsCallable(xsVar(0))) {
			if (count < 0)
				xsCallFunction0(xsVar(0), *instance);
			else {
				xsmcSetInteger(xsVar(1), count);
				xsCallFunction1(xsVar(0), *instance, xsVar(1));
			}
		}
	}
	xsEndHost(the);
}

void simSocketAddress(xsMachine* the, const char* address, int port, struct sockaddr_in* out)
{
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if ((port < 0) || (port > 65535)) xsRangeError("port %d is not 0..65535", port);
	out->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, address, &out->sin_addr) != 1)
		xsRangeError("address \"%s\" is not a numeric IPv4 address", address);
}

socklen_t simStreamAddress(xsMachine* the, const char* address, int port, struct sockaddr_storage* out)
{
	/* TCP takes an IPv6 literal too (a ServerURI may name its host as [2001:db8::1], RFC 3986);
	   UDP (WAP push on 2948) stays IPv4 like the SDK's lwIP sockets */
	struct sockaddr_in6* six = (struct sockaddr_in6*)out;
	memset(out, 0, sizeof(*out));
	if (strchr(address, ':') == NULL) {
		simSocketAddress(the, address, port, (struct sockaddr_in*)out);
		return sizeof(struct sockaddr_in);
	}
	if ((port < 0) || (port > 65535)) xsRangeError("port %d is not 0..65535", port);
	six->sin6_family = AF_INET6;
	six->sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, address, &six->sin6_addr) != 1)
		xsRangeError("address \"%s\" is not a numeric IPv6 address", address);
	return sizeof(struct sockaddr_in6);
}

void simOptionString(xsMachine* the, xsSlot* options, const char* name, char* buffer, size_t size)
{
	buffer[0] = 0;
	if (!xsmcTest(*options)) return;
	xsmcVars(1);
	xsmcGet(xsVar(0), *options, xsID((char*)name));
	if (xsmcTest(xsVar(0))) xsmcToStringBuffer(xsVar(0), buffer, size);
}

int simOptionInteger(xsMachine* the, xsSlot* options, const char* name, int fallback)
{
	if (!xsmcTest(*options)) return fallback;
	xsmcVars(1);
	xsmcGet(xsVar(0), *options, xsID((char*)name));
	return xsmcTest(xsVar(0)) ? xsmcToInteger(xsVar(0)) : fallback;
}
