/*
 * UDP socket, ECMA-419 shaped like Moddable's embedded:io/socket/udp: bound to a local port,
 * write(buffer, address, port) sends one datagram, onReadable(count) announces the next one
 * (count = its size), and read() returns it as an ArrayBuffer carrying the sender's `address`
 * and `port` properties, as the SDK does. Open sockets keep their instance reachable.
 */
#include "socket.h"
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

typedef struct {
	int fd;
	simWatch* watch;
	xsSlot instance;
	uint8_t open;
	uint8_t readCalled;
	uint16_t port;
} UDPRecord;

static void udpDestructor(void* data)
{
	UDPRecord* udp = data;
	if (udp) {
		if (udp->fd >= 0) close(udp->fd);
		free(udp);
	}
}
static const xsHostHooks udpHooks = { udpDestructor, NULL, NULL };

static UDPRecord* getUDP(xsMachine* the)
{
	UDPRecord* udp = xsmcGetHostDataValidate(xsThis, (void*)&udpHooks);
	if (!udp || !udp->open) xsUnknownError("socket is closed");
	return udp;
}

static void release(xsMachine* the, UDPRecord* udp)
{
	if (!udp->open) return;
	udp->open = 0;
	simWatchRemove(udp->watch);
	close(udp->fd);
	udp->fd = -1;
	xsForget(udp->instance);
}

static void onReady(xsMachine* the, void* context, short revents)
{
	UDPRecord* udp = context;
	if (revents & POLLERR) {
		/* an ICMP error from an earlier send: drop it, UDP gives no promise of delivery */
		int error;
		socklen_t size = sizeof(error);
		getsockopt(udp->fd, SOL_SOCKET, SO_ERROR, &error, &size);
	}
	if (!(revents & POLLIN)) return;
	int next = 0;
	ioctl(udp->fd, FIONREAD, &next);
	udp->readCalled = 0;
	simSocketCallback(the, &udp->instance, "onReadable", next);
	if (udp->open && !udp->readCalled) {
		/* the program did not take it: drop it rather than spin on a level-triggered poll */
		uint8_t discard;
		recv(udp->fd, &discard, 1, 0);
	}
}

/* constructor(options): { port?: 0, address?: "0.0.0.0" } */
static void xs_udp_constructor(xsMachine* the)
{
	char address[64];
	simOptionString(the, &xsArg(0), "address", address, sizeof(address));
	int port = simOptionInteger(the, &xsArg(0), "port", 0);
	struct sockaddr_in local;
	simSocketAddress(the, address[0] ? address : "0.0.0.0", port, &local);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) xsUnknownError("socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr*)&local, sizeof(local)) < 0) {
		int error = errno;
		close(fd);
		xsUnknownError("bind to port %d: %s", port, strerror(error));
	}
	socklen_t size = sizeof(local);
	getsockname(fd, (struct sockaddr*)&local, &size);
	UDPRecord* udp = calloc(1, sizeof(UDPRecord));
	if (!udp) { close(fd); xsUnknownError("no memory"); }
	udp->fd = fd;
	udp->open = 1;
	udp->port = ntohs(local.sin_port);
	udp->watch = simWatchAdd(fd, POLLIN, onReady, udp);
	if (!udp->watch) { close(fd); free(udp); xsUnknownError("no memory"); }
	xsmcSetHostData(xsThis, udp);
	udp->instance = xsThis;
	xsRemember(udp->instance);
}

/* read() → the next datagram (ArrayBuffer with address and port), or undefined */
static void xs_udp_read(xsMachine* the)
{
	UDPRecord* udp = getUDP(the);
	udp->readCalled = 1;
	int next = 0;
	ioctl(udp->fd, FIONREAD, &next);
	struct sockaddr_in from;
	socklen_t size = sizeof(from);
	xsmcSetArrayBuffer(xsResult, NULL, next);
	ssize_t n = recvfrom(udp->fd, xsmcToArrayBuffer(xsResult), next, 0, (struct sockaddr*)&from, &size);
	if (n < 0) {
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK)) { xsmcSetUndefined(xsResult); return; }
		xsUnknownError("recvfrom: %s", strerror(errno));
	}
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &from.sin_addr, text, sizeof(text));
	xsmcVars(1);
	xsmcSetString(xsVar(0), text);
	xsmcSet(xsResult, xsID("address"), xsVar(0));
	xsmcSetInteger(xsVar(0), ntohs(from.sin_port));
	xsmcSet(xsResult, xsID("port"), xsVar(0));
}

/* write(buffer, address, port): one datagram */
static void xs_udp_write(xsMachine* the)
{
	UDPRecord* udp = getUDP(the);
	char address[64];
	xsmcToStringBuffer(xsArg(1), address, sizeof(address));
	struct sockaddr_in to;
	simSocketAddress(the, address, xsmcToInteger(xsArg(2)), &to);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	ssize_t n = sendto(udp->fd, data, length, 0, (struct sockaddr*)&to, sizeof(to));
	if (n < 0) {
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK)) xsUnknownError("would block");
		xsUnknownError("sendto %s:%d: %s", address, ntohs(to.sin_port), strerror(errno));
	}
}

static void xs_udp_get_port(xsMachine* the)
{
	xsmcSetInteger(xsResult, getUDP(the)->port);
}

static void xs_udp_close(xsMachine* the)
{
	UDPRecord* udp = xsmcGetHostDataValidate(xsThis, (void*)&udpHooks);
	if (udp) release(the, udp);
}

static const simNativeFunction functions[] = {
	{ "xs_udp_constructor", xs_udp_constructor, 1 },
	{ "xs_udp_read", xs_udp_read, 0 },
	{ "xs_udp_write", xs_udp_write, 3 },
	{ "xs_udp_get_port", xs_udp_get_port, 0 },
	{ "xs_udp_close", xs_udp_close, 0 },
};
static const simNativeClass classes[] = { { "xs_udp_destructor", &udpHooks } };

const simNativeTable simUdpNatives = { functions, simCount(functions), classes, simCount(classes) };
