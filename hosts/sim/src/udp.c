/*
 * UDP socket for xsdm, behaving as the Moddable SDK's embedded:io/socket/udp (lwip) does:
 * datagrams are queued in the host as they arrive; onReadable(count) reports how many are queued
 * (datagrams, not bytes) each time more arrive; read() dequeues one as an ArrayBuffer carrying the
 * sender's `address` and `port`, or returns undefined; write(address, port, bytes) sends one.
 * Past SIM_UDP_QUEUE queued datagrams the host stops taking them and the kernel drops the rest,
 * as lwip's pbuf pool would. The instance stays reachable until close().
 */
#include "socket.h"
#include <arpa/inet.h>
#include <sys/socket.h>

#ifndef SIM_UDP_QUEUE
	#define SIM_UDP_QUEUE (64)	/* datagrams waiting for read() */
#endif

typedef struct UDPPacket UDPPacket;
struct UDPPacket {
	UDPPacket* next;
	struct sockaddr_in from;
	uint32_t length;
	uint8_t data[];
};

typedef struct {
	int fd;
	simWatch* watch;
	xsMachine* the;
	xsSlot obj;              /* remembered until close() */
	xsSlot onReadable;       /* function or undefined, marked by udpMark */
	xsSlot onError;          /* accepted as the SDK's typings list it; nothing reports through it */
	int useCount;
	int queued;
	UDPPacket* first;
	UDPPacket* last;
	uint16_t port;
} UDPRecord;

static void udpDestructor(void* data);
static void udpMark(xsMachine* the, void* data, xsMarkRoot markRoot);
static const xsHostHooks udpHooks = { udpDestructor, udpMark, NULL };

static void udpFree(UDPRecord* udp)
{
	if (udp->watch) simWatchRemove(udp->watch);
	if (udp->fd >= 0) close(udp->fd);
	while (udp->first) {
		UDPPacket* packet = udp->first;
		udp->first = packet->next;
		free(packet);
	}
	free(udp);
}

static void udpDestructor(void* data)
{
	if (data) udpFree(data);
}

static void udpMark(xsMachine* the, void* data, xsMarkRoot markRoot)
{
	UDPRecord* udp = data;
	(*markRoot)(the, &udp->onReadable);
	(*markRoot)(the, &udp->onError);
}

static void release(UDPRecord* udp)
{
	if (--udp->useCount == 0) udpFree(udp);
}

static UDPRecord* getUDP(xsMachine* the)
{
	UDPRecord* udp = xsmcGetHostDataValidate(xsThis, (void*)&udpHooks);
	if (!udp) xsSyntaxError("socket closed: make a new UDP to send or receive again");
	return udp;
}

static void updateWatch(UDPRecord* udp)
{
	simWatchSetEvents(udp->watch, (udp->queued < SIM_UDP_QUEUE) ? POLLIN : 0);
}

static int receive(UDPRecord* udp)
{
	static uint8_t buffer[65536];
	int received = 0;
	while (udp->queued < SIM_UDP_QUEUE) {
		struct sockaddr_in from;
		socklen_t size = sizeof(from);
		ssize_t n = recvfrom(udp->fd, buffer, sizeof(buffer), 0, (struct sockaddr*)&from, &size);
		if (n < 0) {
			if (errno == EINTR) continue;
			break;   /* EAGAIN; or an ICMP error of an earlier send: UDP promises no delivery */
		}
		UDPPacket* packet = malloc(sizeof(UDPPacket) + n);
		if (!packet) break;
		packet->next = NULL;
		packet->from = from;
		packet->length = (uint32_t)n;
		memcpy(packet->data, buffer, n);
		if (udp->last) udp->last->next = packet;
		else udp->first = packet;
		udp->last = packet;
		udp->queued++;
		received++;
	}
	return received;
}

static void onReady(xsMachine* the, void* context, short revents)
{
	UDPRecord* udp = context;
	udp->useCount++;
	int received = receive(udp);
	if (received && udp->queued && xsmcTest(udp->onReadable)) {
		xsBeginHost(the);
		{
			xsmcSetInteger(xsResult, udp->queued);
			xsCallFunction1(udp->onReadable, udp->obj, xsResult);
		}
		xsEndHost(the);
	}
	if (udp->watch) updateWatch(udp);
	release(udp);
}

static void getCallback(xsMachine* the, const char* name, xsSlot* slot)
{
	xsmcGet(*slot, xsArg(0), xsID((char*)name));
	if (xsmcTest(*slot) && !xsmcIsCallable(*slot)) xsTypeError("%s must be a function", name);
	if (!xsmcTest(*slot)) xsmcSetUndefined(*slot);
}

/* constructor({ port?: 0, address?: "0.0.0.0", format?, target?, onReadable?, onError? }) */
static void xs_udp_constructor(xsMachine* the)
{
	xsmcVars(3);
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType)) xsTypeError("options required: { port?, onReadable? }");
	if (xsmcHas(xsArg(0), xsID("multicast"))) xsRangeError("multicast is not supported on xsdm");
	int port = 0;
	xsmcGet(xsVar(0), xsArg(0), xsID("port"));
	if (xsmcTest(xsVar(0)) || (xsmcTypeOf(xsVar(0)) == xsIntegerType)) {
		port = xsmcToInteger(xsVar(0));
		if ((port < 0) || (port > 65535)) xsRangeError("port %d is not 0..65535", port);
	}
	char address[64] = "0.0.0.0";
	xsmcGet(xsVar(0), xsArg(0), xsID("address"));
	if (xsmcTest(xsVar(0))) xsmcToStringBuffer(xsVar(0), address, sizeof(address));
	struct sockaddr_in local;
	simSocketAddress(the, address, port, &local);
	xsmcGet(xsVar(0), xsArg(0), xsID("format"));
	if (xsmcTest(xsVar(0)) && ((xsmcTypeOf(xsVar(0)) != xsStringType) || strcmp(xsmcToString(xsVar(0)), "buffer")))
		xsRangeError("format must be \"buffer\"");
	getCallback(the, "onReadable", &xsVar(1));
	getCallback(the, "onError", &xsVar(2));

	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) xsUnknownError("no socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr*)&local, sizeof(local)) < 0) {
		int error = errno;
		close(fd);
		xsUnknownError("bind %s:%d: %s", address, port, strerror(error));
	}
	socklen_t size = sizeof(local);
	getsockname(fd, (struct sockaddr*)&local, &size);
	UDPRecord* udp = calloc(1, sizeof(UDPRecord));
	if (!udp) { close(fd); xsUnknownError("no memory for a socket"); }
	udp->fd = fd;
	udp->watch = simWatchAdd(fd, POLLIN, onReady, udp);
	if (!udp->watch) { udpFree(udp); xsUnknownError("no memory for a socket"); }
	udp->the = the;
	udp->port = ntohs(local.sin_port);
	udp->onReadable = xsVar(1);
	udp->onError = xsVar(2);
	udp->useCount = 1;
	xsmcSetHostData(xsThis, udp);
	udp->obj = xsThis;
	xsRemember(udp->obj);
	if (xsmcHas(xsArg(0), xsID("target"))) {
		xsmcGet(xsVar(0), xsArg(0), xsID("target"));
		xsmcSet(xsThis, xsID("target"), xsVar(0));
	}
}

/* read() → the next datagram (ArrayBuffer with address and port), or undefined */
static void xs_udp_read(xsMachine* the)
{
	UDPRecord* udp = getUDP(the);
	if ((xsmcArgc > 0) && (xsmcTypeOf(xsArg(0)) != xsUndefinedType))
		xsTypeError("read() takes no argument: the SDK's UDP returns a new ArrayBuffer");
	UDPPacket* packet = udp->first;
	if (!packet) return;
	xsmcVars(1);
	xsmcSetArrayBuffer(xsResult, packet->data, packet->length);
	xsmcSetInteger(xsVar(0), ntohs(packet->from.sin_port));
	xsmcSet(xsResult, xsID("port"), xsVar(0));
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &packet->from.sin_addr, text, sizeof(text));
	xsmcSetString(xsVar(0), text);
	xsmcSet(xsResult, xsID("address"), xsVar(0));
	udp->first = packet->next;
	if (!udp->first) udp->last = NULL;
	udp->queued--;
	free(packet);
	updateWatch(udp);
}

/* write(address, port, bytes): one datagram, in the SDK's argument order */
static void xs_udp_write(xsMachine* the)
{
	UDPRecord* udp = getUDP(the);
	if ((xsmcArgc < 3) || (xsmcTypeOf(xsArg(0)) != xsStringType))
		xsTypeError("write(address, port, bytes): address first, a string, as in the SDK");
	char address[64];
	xsmcToStringBuffer(xsArg(0), address, sizeof(address));
	int port = xsmcToInteger(xsArg(1));
	if ((port <= 0) || (port > 65535)) xsRangeError("port %d is not 1..65535", port);
	struct sockaddr_in to;
	simSocketAddress(the, address, port, &to);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(2), &data, &length);
	ssize_t n = sendto(udp->fd, data, length, 0, (struct sockaddr*)&to, sizeof(to));
	if (n < 0) {
		if ((errno == EAGAIN) || (errno == EWOULDBLOCK)) xsUnknownError("would block: the send queue is full");
		xsUnknownError("UDP send to %s:%d failed: %s", address, port, strerror(errno));
	}
}

/* not in the SDK (lwip has no way to ask): the bound port, for tests and peers on xsdm */
static void xs_udp_get_port(xsMachine* the)
{
	xsmcSetInteger(xsResult, getUDP(the)->port);
}

static void xs_udp_close(xsMachine* the)
{
	UDPRecord* udp = xsmcGetHostDataValidate(xsThis, (void*)&udpHooks);
	if (!udp) return;
	simWatchRemove(udp->watch);
	udp->watch = NULL;
	close(udp->fd);
	udp->fd = -1;
	xsmcSetHostData(xsThis, NULL);
	xsForget(udp->obj);
	release(udp);
}

static void xs_udp_get_format(xsMachine* the)
{
	getUDP(the);
	xsmcSetString(xsResult, "buffer");
}

static void xs_udp_set_format(xsMachine* the)
{
	getUDP(the);
	if ((xsmcTypeOf(xsArg(0)) != xsStringType) || strcmp(xsmcToString(xsArg(0)), "buffer"))
		xsRangeError("format must be \"buffer\"");
}

static const simNativeFunction functions[] = {
	{ "xs_udp_constructor", xs_udp_constructor, 1 },
	{ "xs_udp_read", xs_udp_read, 0 },
	{ "xs_udp_write", xs_udp_write, 3 },
	{ "xs_udp_get_port", xs_udp_get_port, 0 },
	{ "xs_udp_close", xs_udp_close, 0 },
	{ "xs_udp_get_format", xs_udp_get_format, 0 },
	{ "xs_udp_set_format", xs_udp_set_format, 1 },
};
static const simNativeClass classes[] = { { "xs_udp_destructor", &udpHooks } };

const simNativeTable simUdpNatives = { functions, simCount(functions), classes, simCount(classes) };
