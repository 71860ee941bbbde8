/*
 * TCP client socket for xsdm, behaving as the Moddable SDK's embedded:io/socket/tcp (lwip) does,
 * so that module code runs unchanged on the device:
 * - callbacks come from the constructor's options and are called with the socket as `this`;
 * - received bytes wait in a host buffer; onReadable(count) reports all buffered bytes each time
 *   more arrive, read() takes all of them, read(count) or read(view) exactly that many (more than
 *   buffered throws, as the SDK does); when the buffer is full the peer waits, like lwip's window;
 * - write() copies into a host send buffer and throws "would block" past its free space;
 *   onWritable(count) grants the free space after connect and again after writes drain;
 * - a failed connect, a reset and the peer's orderly close are all onError(), delivered only once
 *   every buffered byte has been read; write() then throws "not ready".
 * The instance stays reachable until close(). A use count held over each pass that calls into JS
 * keeps the record alive when a callback closes its own socket.
 */
#include "socket.h"
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#ifndef SIM_TCP_RECEIVE_BUFFER
	#define SIM_TCP_RECEIVE_BUFFER (16384)	/* bytes buffered for read(); the ESP32's lwip window is 5744 */
#endif
#ifndef SIM_TCP_SEND_BUFFER
	#define SIM_TCP_SEND_BUFFER (16384)		/* bytes write() may queue; the ESP32's lwip send buffer is 5744 */
#endif

enum { kConnecting = 1, kOpen, kDead, kFinished };

typedef struct {
	int fd;
	simWatch* watch;
	xsMachine* the;
	xsSlot obj;               /* remembered until close() */
	xsSlot onReadable;        /* functions or undefined, marked by tcpMark */
	xsSlot onWritable;
	xsSlot onError;
	int useCount;
	uint8_t state;
	uint8_t closed;
	uint8_t wantWritable;     /* a grant is due: after connect, or after a write */
	uint16_t remotePort;
	char remoteAddress[INET6_ADDRSTRLEN];
	uint32_t rxStart, rxCount;
	uint32_t txStart, txCount;
	uint8_t rx[SIM_TCP_RECEIVE_BUFFER];
	uint8_t tx[SIM_TCP_SEND_BUFFER];
} TCPRecord;

static void tcpDestructor(void* data);
static void tcpMark(xsMachine* the, void* data, xsMarkRoot markRoot);
static const xsHostHooks tcpHooks = { tcpDestructor, tcpMark, NULL };

static void onReady(xsMachine* the, void* context, short revents);

static void tcpFree(TCPRecord* tcp)
{
	if (tcp->watch) simWatchRemove(tcp->watch);
	if (tcp->fd >= 0) close(tcp->fd);
	free(tcp);
}

/* Only reached with data when the machine goes away: an open socket's instance is remembered. */
static void tcpDestructor(void* data)
{
	if (data) tcpFree(data);
}

static void tcpMark(xsMachine* the, void* data, xsMarkRoot markRoot)
{
	TCPRecord* tcp = data;
	(*markRoot)(the, &tcp->onReadable);
	(*markRoot)(the, &tcp->onWritable);
	(*markRoot)(the, &tcp->onError);
}

static void hold(TCPRecord* tcp) { tcp->useCount++; }

static void release(TCPRecord* tcp)
{
	if (--tcp->useCount == 0) tcpFree(tcp);
}

static TCPRecord* getTCP(xsMachine* the)
{
	TCPRecord* tcp = xsmcGetHostDataValidate(xsThis, (void*)&tcpHooks);
	if (!tcp) xsSyntaxError("socket closed: make a new TCP to connect again");
	return tcp;
}

/* The watch follows the state: what to wait for while open, a dead socket's (always ready) fd
   while onError is due and nothing is left to read, nothing otherwise. */
static void updateWatch(TCPRecord* tcp)
{
	short events = 0;
	int wanted = 1;
	if (tcp->state == kConnecting)
		events = POLLOUT;
	else if (tcp->state == kOpen) {
		if (tcp->rxCount < SIM_TCP_RECEIVE_BUFFER) events |= POLLIN;
		if (tcp->txCount || tcp->wantWritable) events |= POLLOUT;
	}
	else if (tcp->state == kDead) {
		events = POLLIN | POLLOUT;
		wanted = !tcp->rxCount;
	}
	else
		wanted = 0;
	if (!wanted) {
		if (tcp->watch) simWatchRemove(tcp->watch);
		tcp->watch = NULL;
	}
	else if (tcp->watch)
		simWatchSetEvents(tcp->watch, events);
	else
		tcp->watch = simWatchAdd(tcp->fd, events, onReady, tcp);
}

/* The connection is gone; onError follows once the buffered bytes are read. */
static void die(TCPRecord* tcp)
{
	tcp->state = kDead;
	tcp->txCount = 0;
	tcp->wantWritable = 0;
}

static int flush(TCPRecord* tcp)
{
	int sent = 0;
	while (tcp->txCount) {
		ssize_t n = send(tcp->fd, tcp->tx + tcp->txStart, tcp->txCount, MSG_NOSIGNAL);
		if (n > 0) {
			tcp->txStart += n;
			tcp->txCount -= n;
			sent += n;
		}
		else if ((n < 0) && (errno == EINTR))
			continue;
		else {
			if ((n < 0) && (errno != EAGAIN) && (errno != EWOULDBLOCK)) die(tcp);
			break;
		}
	}
	if (!tcp->txCount) tcp->txStart = 0;
	return sent;
}

static int fill(TCPRecord* tcp)
{
	int received = 0;
	for (;;) {
		if (tcp->rxStart && (tcp->rxStart + tcp->rxCount == SIM_TCP_RECEIVE_BUFFER)) {
			memmove(tcp->rx, tcp->rx + tcp->rxStart, tcp->rxCount);
			tcp->rxStart = 0;
		}
		uint32_t end = tcp->rxStart + tcp->rxCount;
		if (end == SIM_TCP_RECEIVE_BUFFER) break;
		ssize_t n = recv(tcp->fd, tcp->rx + end, SIM_TCP_RECEIVE_BUFFER - end, 0);
		if (n > 0) {
			tcp->rxCount += n;
			received += n;
		}
		else if ((n < 0) && (errno == EINTR))
			continue;
		else {
			if ((n == 0) || ((errno != EAGAIN) && (errno != EWOULDBLOCK))) die(tcp);
			break;
		}
	}
	return received;
}

static void call(TCPRecord* tcp, xsSlot* callback, int count)
{
	xsMachine* the = tcp->the;
	xsBeginHost(the);
	{
		if (count < 0)
			xsCallFunction0(*callback, tcp->obj);
		else {
			xsmcSetInteger(xsResult, count);
			xsCallFunction1(*callback, tcp->obj, xsResult);
		}
	}
	xsEndHost(the);
}

static void onReady(xsMachine* the, void* context, short revents)
{
	TCPRecord* tcp = context;
	hold(tcp);
	if (tcp->state == kConnecting) {
		int error = 0;
		socklen_t size = sizeof(error);
		getsockopt(tcp->fd, SOL_SOCKET, SO_ERROR, &error, &size);
		if (error || (revents & (POLLERR | POLLHUP)))
			die(tcp);
		else {
			tcp->state = kOpen;
			tcp->wantWritable = 1;
		}
	}
	int sent = 0, received = 0;
	if ((tcp->state == kOpen) && (revents & POLLOUT))
		sent = flush(tcp);
	if ((tcp->state == kOpen) && (revents & (POLLIN | POLLERR | POLLHUP))) {
		if (tcp->rxCount < SIM_TCP_RECEIVE_BUFFER)
			received = fill(tcp);
		else if (revents & (POLLERR | POLLHUP))
			die(tcp);   /* a reset while the buffer is full: the kernel has dropped the rest anyway */
	}

	if (received && xsmcTest(tcp->onReadable) && tcp->rxCount)
		call(tcp, &tcp->onReadable, tcp->rxCount);
	if (tcp->closed) goto done;

	if (tcp->state == kDead) {
		if (!tcp->rxCount) {
			tcp->state = kFinished;
			close(tcp->fd);
			tcp->fd = -1;
			updateWatch(tcp);
			if (xsmcTest(tcp->onError))
				call(tcp, &tcp->onError, -1);
			goto done;
		}
	}
	else if ((tcp->state == kOpen) && tcp->wantWritable && (revents & POLLOUT) && (sent || !tcp->txCount)) {
		tcp->wantWritable = 0;
		if (xsmcTest(tcp->onWritable))
			call(tcp, &tcp->onWritable, SIM_TCP_SEND_BUFFER - tcp->txCount);
		if (tcp->closed) goto done;
	}
	updateWatch(tcp);
done:
	release(tcp);
}

static void getCallback(xsMachine* the, const char* name, xsSlot* slot)
{
	xsmcGet(*slot, xsArg(0), xsID((char*)name));
	if (xsmcTest(*slot) && !xsmcIsCallable(*slot)) xsTypeError("%s must be a function", name);
	if (!xsmcTest(*slot)) xsmcSetUndefined(*slot);
}

static void checkFormat(xsMachine* the, xsSlot* value)
{
	if (!xsmcTest(*value)) return;
	if ((xsmcTypeOf(*value) != xsStringType) || strcmp(xsmcToString(*value), "buffer"))
		xsRangeError("format \"%s\" is not supported on xsdm: use \"buffer\"", xsmcToString(*value));
}

/* constructor({ address, port, nodelay?, format?, target?, onReadable?, onWritable?, onError? }) */
static void xs_tcp_constructor(xsMachine* the)
{
	xsmcVars(4);
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType)) xsTypeError("options required: { address, port, ... }");
	if (xsmcHas(xsArg(0), xsID("from"))) xsTypeError("from is not supported on xsdm: there is no Listener");
	if (!xsmcHas(xsArg(0), xsID("address")) && xsmcHas(xsArg(0), xsID("host")))
		xsTypeError("host is not supported (nor by the SDK's TCP): resolve the name and pass address");

	char address[64];
	xsmcGet(xsVar(0), xsArg(0), xsID("address"));
	if (xsmcTypeOf(xsVar(0)) != xsStringType) xsTypeError("address required: a numeric IPv4 address such as \"127.0.0.1\"");
	xsmcToStringBuffer(xsVar(0), address, sizeof(address));
	xsmcGet(xsVar(0), xsArg(0), xsID("port"));
	if (xsmcTypeOf(xsVar(0)) == xsUndefinedType) xsRangeError("port required");
	int port = xsmcToInteger(xsVar(0));
	if ((port <= 0) || (port > 65535)) xsRangeError("port %d is not 1..65535", port);
	struct sockaddr_storage peer;
	socklen_t peerLength = simStreamAddress(the, address, port, &peer);
	xsmcGet(xsVar(0), xsArg(0), xsID("format"));
	checkFormat(the, &xsVar(0));
	getCallback(the, "onReadable", &xsVar(1));
	getCallback(the, "onWritable", &xsVar(2));
	getCallback(the, "onError", &xsVar(3));
	int nodelay = -1;
	if (xsmcHas(xsArg(0), xsID("nodelay"))) {
		xsmcGet(xsVar(0), xsArg(0), xsID("nodelay"));
		nodelay = xsmcTest(xsVar(0)) ? 1 : 0;
	}

	TCPRecord* tcp = calloc(1, sizeof(TCPRecord));
	if (!tcp) xsUnknownError("no memory for a socket");
	tcp->fd = socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (tcp->fd < 0) {
		int error = errno;
		free(tcp);
		xsUnknownError("no socket: %s", strerror(error));
	}
	if (nodelay >= 0) setsockopt(tcp->fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay));
	tcp->state = kConnecting;
	/* a connect that fails at once still reports through onError, later, as lwip does */
	if (connect(tcp->fd, (struct sockaddr*)&peer, peerLength) == 0) {
		tcp->state = kOpen;
		tcp->wantWritable = 1;
	}
	else if (errno != EINPROGRESS)
		die(tcp);
	updateWatch(tcp);
	if (!tcp->watch) {
		tcpFree(tcp);
		xsUnknownError("no memory for a socket");
	}

	tcp->the = the;
	tcp->onReadable = xsVar(1);
	tcp->onWritable = xsVar(2);
	tcp->onError = xsVar(3);
	tcp->remotePort = (uint16_t)port;
	if (peer.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6*)&peer)->sin6_addr, tcp->remoteAddress, sizeof(tcp->remoteAddress));
	else inet_ntop(AF_INET, &((struct sockaddr_in*)&peer)->sin_addr, tcp->remoteAddress, sizeof(tcp->remoteAddress));
	tcp->useCount = 1;
	xsmcSetHostData(xsThis, tcp);
	tcp->obj = xsThis;
	xsRemember(tcp->obj);
	if (xsmcHas(xsArg(0), xsID("target"))) {
		xsmcGet(xsVar(0), xsArg(0), xsID("target"));
		xsmcSet(xsThis, xsID("target"), xsVar(0));
	}
}

/* read() → all buffered bytes | read(count) → exactly count | read(view) → fills it, returns its length.
   undefined when nothing is buffered, as on the SDK. */
static void xs_tcp_read(xsMachine* the)
{
	TCPRecord* tcp = getTCP(the);
	if (!tcp->rxCount) return;
	int hasArgument = (xsmcArgc > 0) && (xsmcTypeOf(xsArg(0)) != xsUndefinedType);
	uint32_t requested = tcp->rxCount;
	void* into = NULL;
	if (hasArgument && (xsmcTypeOf(xsArg(0)) == xsReferenceType)) {
		xsUnsignedValue length;
		xsmcGetBufferWritable(xsArg(0), &into, &length);
		requested = length;
	}
	else if (hasArgument) {
		int count = xsmcToInteger(xsArg(0));
		requested = count < 0 ? 0 : (uint32_t)count;
	}
	if (!requested || (requested > tcp->rxCount))
		xsUnknownError("read %u bytes: %u available (read no more than onReadable's count)", (unsigned)requested, (unsigned)tcp->rxCount);
	if (into) {
		memcpy(into, tcp->rx + tcp->rxStart, requested);
		xsmcSetInteger(xsResult, requested);
	}
	else
		xsmcSetArrayBuffer(xsResult, tcp->rx + tcp->rxStart, requested);
	tcp->rxStart += requested;
	tcp->rxCount -= requested;
	if (!tcp->rxCount) tcp->rxStart = 0;
	updateWatch(tcp);
}

/* write(bytes): all of them into the send buffer, or "would block" past its free space */
static void xs_tcp_write(xsMachine* the)
{
	TCPRecord* tcp = getTCP(the);
	if (tcp->state == kConnecting) xsUnknownError("not ready: connecting (write after onWritable)");
	if (tcp->state != kOpen) xsUnknownError("not ready: the connection is gone (see onError, then close)");
	if (xsmcArgc < 1) xsTypeError("write(bytes): bytes required");
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	uint32_t writable = SIM_TCP_SEND_BUFFER - tcp->txCount;
	if (length > writable)
		xsUnknownError("would block: %u bytes, %u writable now (write no more than onWritable's count)", (unsigned)length, (unsigned)writable);
	if (!length) return;
	if (tcp->txStart + tcp->txCount + length > SIM_TCP_SEND_BUFFER) {
		memmove(tcp->tx, tcp->tx + tcp->txStart, tcp->txCount);
		tcp->txStart = 0;
	}
	memcpy(tcp->tx + tcp->txStart + tcp->txCount, data, length);
	tcp->txCount += length;
	flush(tcp);
	if (tcp->state == kOpen) tcp->wantWritable = 1;
	updateWatch(tcp);
}

static void xs_tcp_close(xsMachine* the)
{
	TCPRecord* tcp = xsmcGetHostDataValidate(xsThis, (void*)&tcpHooks);
	if (!tcp) return;
	tcp->closed = 1;
	tcp->state = kFinished;
	updateWatch(tcp);
	if (tcp->fd >= 0) close(tcp->fd);
	tcp->fd = -1;
	xsmcSetHostData(xsThis, NULL);
	xsForget(tcp->obj);
	release(tcp);
}

static void xs_tcp_get_remoteAddress(xsMachine* the)
{
	xsmcSetString(xsResult, getTCP(the)->remoteAddress);
}

static void xs_tcp_get_remotePort(xsMachine* the)
{
	xsmcSetInteger(xsResult, getTCP(the)->remotePort);
}

static void xs_tcp_get_format(xsMachine* the)
{
	getTCP(the);
	xsmcSetString(xsResult, "buffer");
}

static void xs_tcp_set_format(xsMachine* the)
{
	getTCP(the);
	checkFormat(the, &xsArg(0));
}

static const simNativeFunction functions[] = {
	{ "xs_tcp_constructor", xs_tcp_constructor, 1 },
	{ "xs_tcp_read", xs_tcp_read, 1 },
	{ "xs_tcp_write", xs_tcp_write, 1 },
	{ "xs_tcp_close", xs_tcp_close, 0 },
	{ "xs_tcp_get_remoteAddress", xs_tcp_get_remoteAddress, 0 },
	{ "xs_tcp_get_remotePort", xs_tcp_get_remotePort, 0 },
	{ "xs_tcp_get_format", xs_tcp_get_format, 0 },
	{ "xs_tcp_set_format", xs_tcp_set_format, 1 },
};
static const simNativeClass classes[] = { { "xs_tcp_destructor", &tcpHooks } };

const simNativeTable simTcpNatives = { functions, simCount(functions), classes, simCount(classes) };
