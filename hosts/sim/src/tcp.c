/*
 * TCP client socket, ECMA-419 shaped like Moddable's embedded:io/socket/tcp.
 *
 * Flow control is by counts: onWritable(count) grants how many bytes write() may take now
 * (the kernel's free send space), and a write of more throws "would block" instead of being
 * queued; onReadable(count) says how many bytes read() can return. If a program leaves data
 * unread, onReadable is not repeated until it reads again (no busy loop). Orderly close by the
 * peer, a reset and a failed connect all arrive as onError(), as on the device.
 *
 * The instance stays reachable while the socket is open (it is remembered), so a program need
 * not keep a reference for callbacks to arrive. close() is safe inside any callback.
 */
#include "socket.h"
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

typedef struct {
	int fd;
	simWatch* watch;
	xsSlot instance;      /* remembered while open */
	uint8_t open;
	uint8_t connected;
	uint8_t readPaused;   /* onReadable was not answered by a read: wait for one */
	uint8_t readCalled;   /* read() ran during the current onReadable */
	uint8_t wantWritable; /* a write happened since the last onWritable */
} TCPRecord;

static void tcpDestructor(void* data)
{
	TCPRecord* tcp = data;
	if (tcp) {
		if (tcp->fd >= 0) close(tcp->fd);
		free(tcp);
	}
}
static const xsHostHooks tcpHooks = { tcpDestructor, NULL, NULL };

static TCPRecord* getTCP(xsMachine* the)
{
	TCPRecord* tcp = xsmcGetHostDataValidate(xsThis, (void*)&tcpHooks);
	if (!tcp || !tcp->open) xsUnknownError("socket is closed");
	return tcp;
}

static void release(xsMachine* the, TCPRecord* tcp)
{
	if (!tcp->open) return;
	tcp->open = 0;
	simWatchRemove(tcp->watch);
	tcp->watch = NULL;
	close(tcp->fd);
	tcp->fd = -1;
	xsForget(tcp->instance);
}

static int writableCount(TCPRecord* tcp)
{
	int sndbuf = 0, queued = 0;
	socklen_t size = sizeof(sndbuf);
	getsockopt(tcp->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &size);
	ioctl(tcp->fd, SIOCOUTQ, &queued);
	/* Linux doubles SO_SNDBUF for its bookkeeping; grant the half a program can really use. */
	int free = sndbuf / 2 - queued;
	return free > 0 ? free : 0;
}

static void updateEvents(TCPRecord* tcp)
{
	short events = 0;
	if (!tcp->connected || tcp->wantWritable) events |= POLLOUT;
	if (tcp->connected && !tcp->readPaused) events |= POLLIN;
	simWatchSetEvents(tcp->watch, events);
}

static void fail(xsMachine* the, TCPRecord* tcp)
{
	xsSlot instance = tcp->instance;   /* a copy: release() forgets the remembered slot */
	release(the, tcp);
	simSocketCallback(the, &instance, "onError", -1);
}

static void onReady(xsMachine* the, void* context, short revents)
{
	TCPRecord* tcp = context;
	if (!tcp->connected) {
		int error = 0;
		socklen_t size = sizeof(error);
		getsockopt(tcp->fd, SOL_SOCKET, SO_ERROR, &error, &size);
		if (error || (revents & (POLLERR | POLLHUP))) { fail(the, tcp); return; }
		tcp->connected = 1;
		tcp->wantWritable = 1;
	}
	if (tcp->open && (revents & (POLLIN | POLLHUP | POLLERR))) {
		int available = 0;
		ioctl(tcp->fd, FIONREAD, &available);
		if (available > 0) {
			tcp->readCalled = 0;
			simSocketCallback(the, &tcp->instance, "onReadable", available);
			if (!tcp->open) return;
			if (!tcp->readCalled) tcp->readPaused = 1;
		}
		else {
			/* readable with nothing to read: the peer closed (or reset) the connection */
			fail(the, tcp);
			return;
		}
	}
	if (tcp->open && (revents & POLLOUT) && tcp->wantWritable) {
		int count = writableCount(tcp);
		if (count > 0) {
			tcp->wantWritable = 0;
			simSocketCallback(the, &tcp->instance, "onWritable", count);
		}
	}
	if (tcp->open) updateEvents(tcp);
}

/* constructor(options): { address, port, nodelay? } — callbacks are the instance's methods */
static void xs_tcp_constructor(xsMachine* the)
{
	char address[64];
	simOptionString(the, &xsArg(0), "address", address, sizeof(address));
	if (!address[0]) xsRangeError("address required (a numeric IPv4 address)");
	int port = simOptionInteger(the, &xsArg(0), "port", -1);
	if (port <= 0) xsRangeError("port required");
	struct sockaddr_in peer;
	simSocketAddress(the, address, port, &peer);
	int nodelay = simOptionInteger(the, &xsArg(0), "nodelay", 0);

	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) xsUnknownError("socket: %s", strerror(errno));
	if (nodelay) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay));
	if ((connect(fd, (struct sockaddr*)&peer, sizeof(peer)) < 0) && (errno != EINPROGRESS)) {
		int error = errno;
		close(fd);
		xsUnknownError("connect %s:%d: %s", address, port, strerror(error));
	}
	TCPRecord* tcp = calloc(1, sizeof(TCPRecord));
	if (!tcp) { close(fd); xsUnknownError("no memory"); }
	tcp->fd = fd;
	tcp->open = 1;
	tcp->watch = simWatchAdd(fd, POLLOUT, onReady, tcp);
	if (!tcp->watch) { close(fd); free(tcp); xsUnknownError("no memory"); }
	xsmcSetHostData(xsThis, tcp);
	tcp->instance = xsThis;
	xsRemember(tcp->instance);
}

/* read() → ArrayBuffer of all available | read(count) → up to count | read(buffer) → bytes read */
static void xs_tcp_read(xsMachine* the)
{
	TCPRecord* tcp = getTCP(the);
	int available = 0;
	ioctl(tcp->fd, FIONREAD, &available);
	tcp->readPaused = 0;
	tcp->readCalled = 1;
	updateEvents(tcp);
	if ((xsmcArgc > 0) && (xsmcTypeOf(xsArg(0)) == xsReferenceType)) {
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferWritable(xsArg(0), &data, &length);
		ssize_t n = available ? recv(tcp->fd, data, (size_t)length < (size_t)available ? length : (size_t)available, 0) : 0;
		xsmcSetInteger(xsResult, n > 0 ? (int)n : 0);
		return;
	}
	int count = available;
	if ((xsmcArgc > 0) && xsmcTest(xsArg(0))) {
		int wanted = xsmcToInteger(xsArg(0));
		if (wanted < 0) xsRangeError("negative count");
		if (wanted < count) count = wanted;
	}
	if (!count) return;   /* undefined: nothing to read */
	xsmcSetArrayBuffer(xsResult, NULL, count);
	ssize_t n = recv(tcp->fd, xsmcToArrayBuffer(xsResult), count, 0);
	if (n < count) xsmcSetArrayBufferLength(xsResult, n > 0 ? (xsUnsignedValue)n : 0);
}

/* write(buffer): all of it, or "would block" when more than onWritable granted is free */
static void xs_tcp_write(xsMachine* the)
{
	TCPRecord* tcp = getTCP(the);
	if (!tcp->connected) xsUnknownError("would block: not connected yet (wait for onWritable)");
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if ((int)length > writableCount(tcp)) xsUnknownError("would block: %u bytes is more than the socket can take now", (unsigned)length);
	ssize_t n = send(tcp->fd, data, length, MSG_NOSIGNAL);
	if (n < 0) xsUnknownError("send: %s", strerror(errno));
	if ((xsUnsignedValue)n != length) xsUnknownError("send took %d of %u bytes", (int)n, (unsigned)length);
	tcp->wantWritable = 1;
	updateEvents(tcp);
}

static void xs_tcp_close(xsMachine* the)
{
	TCPRecord* tcp = xsmcGetHostDataValidate(xsThis, (void*)&tcpHooks);
	if (tcp) release(the, tcp);
}

static const simNativeFunction functions[] = {
	{ "xs_tcp_constructor", xs_tcp_constructor, 1 },
	{ "xs_tcp_read", xs_tcp_read, 1 },
	{ "xs_tcp_write", xs_tcp_write, 1 },
	{ "xs_tcp_close", xs_tcp_close, 0 },
};
static const simNativeClass classes[] = { { "xs_tcp_destructor", &tcpHooks } };

const simNativeTable simTcpNatives = { functions, simCount(functions), classes, simCount(classes) };
