/*
 * The card's ISO 7816-3 line on the SDK's Linux port (card-tty.ts): the serial shape
 * modules/pcsc-uart/link.ts takes (read, write, set({ baud }), setReset, close, onReadable,
 * onError), the one xsdm's embedded:io/serial and the ESP32's iso7816 line give, on a tty path:
 * a pty in development (the UICC simulator, hosts/sim/peers/uicc), or a USB serial adapter wired
 * to a card. The SDK's own serial for lin is 8N1; a card needs 8 data bits, even parity and
 * 2 stop bits, and rates with no B* constant (10 753, 250 000): termios2 through
 * hosts/sim/src/serial-baud.c, the sim host's, compiled into this build too.
 *
 * The reset line: a pty has no modem lines, so RST travels through the FIFO the options name
 * (resetPath), as on xsdm: '0' when RST is driven low, '1' when it is released.
 *
 * Events come from the port's GLib main loop (the simulator's): a watch on the fd calls
 * onReadable(count) in the machine's thread; until read() is called the watch is off, so a
 * handler that does not read is not called again and again. A hang-up (the peer closed the pty)
 * is onError, after which the port is closed.
 */
#include "xsmc.h"
#include "iso7816-line.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* hosts/sim/src/serial-baud.c: any rate through termios2 (BOTHER) */
extern int simSetBaud(int fd, unsigned baud);
extern int simGetBaud(int fd, unsigned* baud);

#ifndef MODDEF_CARDTTY_CLOCK_HZ
	#define MODDEF_CARDTTY_CLOCK_HZ (3571200)	/* the clock link.ts assumes by default: the initial rate is f / 372 */
#endif
#define CARD_TTY_OUTPUT_ROOM (4096)	/* bytes write() accepts while the kernel still holds earlier ones */

typedef struct {
	xsMachine* the;
	xsSlot obj;
	int fd;
	int resetFd;
	guint watch;		/* the GLib source watching fd; 0 while reads are paused */
	uint8_t readCalled;	/* read() was called during the last onReadable */
	uint8_t delivering;	/* inside a callback into JS */
	uint8_t closed;		/* close() came during a callback: free when it returns */
} CardTty;

void xs_card_tty_destructor(void* data);
static const xsHostHooks cardTtyHooks = { xs_card_tty_destructor, NULL, NULL };

static gboolean onReady(gint fd, GIOCondition condition, gpointer data);

static void stopWatch(CardTty* tty)
{
	if (tty->watch) g_source_remove(tty->watch);
	tty->watch = 0;
}

static void startWatch(CardTty* tty)
{
	if (!tty->watch && (tty->fd >= 0)) tty->watch = g_unix_fd_add(tty->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, onReady, tty);
}

static void closeFds(CardTty* tty)
{
	stopWatch(tty);
	if (tty->fd >= 0) close(tty->fd);
	if (tty->resetFd >= 0) close(tty->resetFd);
	tty->fd = -1;
	tty->resetFd = -1;
}

void xs_card_tty_destructor(void* data)
{
	CardTty* tty = data;
	if (!tty) return;
	closeFds(tty);
	free(tty);
}

static CardTty* getTty(xsMachine* the)
{
	CardTty* tty = xsmcGetHostDataValidate(xsThis, (void*)&cardTtyHooks);
	if (!tty || (tty->fd < 0)) xsUnknownError("card line closed: open it again");
	return tty;
}

/* Ends the port for JS: no more callbacks, the instance no longer held. */
static void release(xsMachine* the, CardTty* tty)
{
	closeFds(tty);
	xsmcSetHostData(tty->obj, NULL);
	xsForget(tty->obj);
	if (tty->delivering) tty->closed = 1;	/* onReady still uses the record: it frees it */
	else free(tty);
}

static void call(xsMachine* the, CardTty* tty, const char* name, int count)
{
	xsmcVars(2);
	xsmcGet(xsVar(0), tty->obj, xsID((char*)name));
	if (!xsmcTest(xsVar(0))) return;
	if (count >= 0) {
		xsmcSetInteger(xsVar(1), count);
		xsCallFunction1(xsVar(0), tty->obj, xsVar(1));
	}
	else xsCallFunction0(xsVar(0), tty->obj);
}

static gboolean onReady(gint fd, GIOCondition condition, gpointer data)
{
	CardTty* tty = data;
	int available = 0;
	ioctl(fd, FIONREAD, &available);
	/* this source ends here; startWatch makes a new one when reading may go on */
	tty->watch = 0;
	tty->delivering = 1;
	xsBeginHost(tty->the);
	if (available > 0) {
		tty->readCalled = 0;
		call(the, tty, "onReadable", available);
		if (!tty->closed && tty->readCalled) startWatch(tty);
	}
	else if (condition & (G_IO_HUP | G_IO_ERR)) {
		/* the other end of the pty is gone, or the adapter was unplugged */
		xsSlot obj = tty->obj;
		xsmcVars(1);
		xsVar(0) = obj;	/* held while the record goes */
		release(the, tty);
		xsmcGet(xsVar(0), xsVar(0), xsID("onError"));
		if (xsmcTest(xsVar(0))) xsCallFunction0(xsVar(0), obj);
	}
	else startWatch(tty);
	xsEndHost(tty->the);
	tty->delivering = 0;
	if (tty->closed) free(tty);
	return G_SOURCE_REMOVE;
}

static int optionInteger(xsMachine* the, const char* name, int otherwise)
{
	xsmcGet(xsVar(0), xsArg(0), xsID((char*)name));
	return xsmcTest(xsVar(0)) ? xsmcToInteger(xsVar(0)) : otherwise;
}

/* The caller's copy of a string option, or "" when absent. */
static void optionString(xsMachine* the, const char* name, char* into, size_t size)
{
	into[0] = 0;
	xsmcGet(xsVar(0), xsArg(0), xsID((char*)name));
	if (!xsmcTest(xsVar(0))) return;
	const char* s = xsmcToString(xsVar(0));
	if (strlen(s) >= size) xsRangeError("%s is too long", name);
	strcpy(into, s);
}

/* 8 data bits, even parity (checked on input), 2 stop bits, raw, no flow control, reads that
   never wait. On a pty Linux keeps CS8 and drops PARENB whatever is asked: a real UART gets 8E2. */
static int setFraming(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &t) < 0) return -1;
	cfmakeraw(&t);
	/* a port left at a BOTHER rate reads back a speed tcsetattr refuses: start from a standard one,
	   the real rate follows through termios2 */
	cfsetispeed(&t, B9600);
	cfsetospeed(&t, B9600);
	t.c_cflag &= ~(CSIZE | PARODD | CRTSCTS);
	t.c_cflag |= CS8 | PARENB | CSTOPB | CREAD | CLOCAL;
	t.c_iflag |= INPCK;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t);
}

/* constructor({ path, resetPath?, baud?, onReadable?, onError? }) */
void xs_card_tty_constructor(xsMachine* the)
{
	char path[256], resetPath[256];
	xsmcVars(1);
	if ((xsmcArgc < 1) || (xsmcTypeOf(xsArg(0)) != xsReferenceType)) xsTypeError("options required: { path, resetPath }");
	optionString(the, "path", path, sizeof(path));
	optionString(the, "resetPath", resetPath, sizeof(resetPath));
	if (!path[0]) xsRangeError("path required (the card's tty)");
	int baud = optionInteger(the, "baud", (int)iso7816Baud(MODDEF_CARDTTY_CLOCK_HZ, ISO7816_FI_DEFAULT, ISO7816_DI_DEFAULT));
	if (baud <= 0) xsRangeError("baud must be positive");

	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) xsUnknownError("cannot open %s: %s", path, strerror(errno));
	if (setFraming(fd) < 0) {
		int e = errno;
		close(fd);
		xsUnknownError("%s: cannot set 8E2: %s", path, strerror(e));
	}
	if (simSetBaud(fd, (unsigned)baud) < 0) {
		int e = errno;
		close(fd);
		xsUnknownError("%s: cannot set %d baud: %s", path, baud, strerror(e));
	}
	int resetFd = -1;
	if (resetPath[0]) {
		/* O_NONBLOCK on a FIFO's write end fails (ENXIO) unless the peer has it open: say so */
		resetFd = open(resetPath, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (resetFd < 0) {
			int e = errno;
			close(fd);
			xsUnknownError("cannot open the reset line %s: %s (the card's end must have it open for reading)", resetPath, strerror(e));
		}
	}
	CardTty* tty = calloc(1, sizeof(CardTty));
	if (!tty) {
		close(fd);
		if (resetFd >= 0) close(resetFd);
		xsUnknownError("no memory for the card line");
	}
	tty->the = the;
	tty->fd = fd;
	tty->resetFd = resetFd;
	tty->obj = xsThis;
	xsmcSetHostData(xsThis, tty);
	xsSetHostHooks(xsThis, (xsHostHooks*)&cardTtyHooks);
	xsRemember(tty->obj);
	startWatch(tty);
}

/* set({ baud }): the rate after PPS */
void xs_card_tty_set(xsMachine* the)
{
	CardTty* tty = getTty(the);
	xsmcVars(1);
	int baud = optionInteger(the, "baud", 0);
	if (baud < 0) xsRangeError("baud must be positive");
	if (baud) {
		tcdrain(tty->fd);	/* the PPS request has left at the old rate */
		if (simSetBaud(tty->fd, (unsigned)baud) < 0) xsUnknownError("cannot set %d baud: %s", baud, strerror(errno));
	}
}

/* the rate the tty runs at, as the kernel reports it */
void xs_card_tty_get_baud(xsMachine* the)
{
	CardTty* tty = getTty(the);
	unsigned baud = 0;
	if (simGetBaud(tty->fd, &baud) < 0) xsUnknownError("cannot read the baud rate: %s", strerror(errno));
	xsmcSetInteger(xsResult, (xsIntegerValue)baud);
}

/* setReset(asserted): RST driven low (true) or released high (false) */
void xs_card_tty_set_reset(xsMachine* the)
{
	CardTty* tty = getTty(the);
	if (tty->resetFd < 0) xsUnknownError("no reset line: open the card line with { resetPath }");
	char level = xsmcToBoolean(xsArg(0)) ? '0' : '1';
	if (write(tty->resetFd, &level, 1) != 1) xsUnknownError("reset line: %s", strerror(errno));
}

/* read(count?) → the bytes waiting (at most count), or undefined when none wait */
void xs_card_tty_read(xsMachine* the)
{
	CardTty* tty = getTty(the);
	int available = 0;
	ioctl(tty->fd, FIONREAD, &available);
	tty->readCalled = 1;
	if (!tty->delivering) startWatch(tty);
	int count = available;
	if ((xsmcArgc > 0) && xsmcTest(xsArg(0))) {
		int wanted = xsmcToInteger(xsArg(0));
		if (wanted < 0) xsRangeError("negative count");
		if (wanted < count) count = wanted;
	}
	if (count <= 0) return;
	xsmcSetArrayBuffer(xsResult, NULL, count);
	ssize_t n = read(tty->fd, xsmcToArrayBuffer(xsResult), count);
	if (n < count) xsmcSetArrayBufferLength(xsResult, n > 0 ? (xsUnsignedValue)n : 0);
}

/* write(bytes): all of them, or "would block" when the kernel cannot take them now */
void xs_card_tty_write(xsMachine* the)
{
	CardTty* tty = getTty(the);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	int queued = 0;
	ioctl(tty->fd, TIOCOUTQ, &queued);
	if ((int)length > CARD_TTY_OUTPUT_ROOM - queued) xsUnknownError("would block: %u bytes is more than the line takes now", (unsigned)length);
	ssize_t n = write(tty->fd, data, length);
	if (n < 0) xsUnknownError("write: %s", strerror(errno));
	if ((xsUnsignedValue)n != length) xsUnknownError("write took %d of %u bytes", (int)n, (unsigned)length);
}

void xs_card_tty_close(xsMachine* the)
{
	CardTty* tty = xsmcGetHostDataValidate(xsThis, (void*)&cardTtyHooks);
	if (tty) release(the, tty);
}
