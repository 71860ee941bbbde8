/*
 * Serial port on a tty (a pty in development), ECMA-419 shaped like Moddable's embedded:io/serial,
 * with the framing ISO 7816-3 needs (8 data bits, even parity, 2 stop bits) and any baud rate.
 *
 * The reset line. A pty has no modem lines, so RST travels out of band: when the options name a
 * `resetPath` (a FIFO the peer created and reads), setReset(asserted) writes one byte to it,
 * '0' when RST is driven low (reset asserted) and '1' when it is released high. A UICC simulator
 * sees the transitions in order; it answers a release with its ATR on the pty, so the ordering
 * between the two channels never matters to a terminal that waits for the ATR.
 *
 * On a pty, Linux keeps CS8 and clears PARENB whatever is asked; the framing is still requested so
 * that a real UART (a USB serial adapter wired to a card) gets 8E2.
 *
 * Flow control by counts as for TCP: onWritable(count) grants bytes, write() of more throws
 * "would block"; onReadable(count) says how many bytes read() returns.
 */
#include "socket.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

extern int simSetBaud(int fd, unsigned baud);
extern int simGetBaud(int fd, unsigned* baud);

#define SERIAL_OUTPUT_ROOM 4096   /* what we grant per onWritable: the tty layer's buffer is larger */

typedef struct {
	int fd;
	int resetFd;
	simWatch* watch;
	xsSlot instance;
	uint8_t open;
	uint8_t readPaused;
	uint8_t readCalled;
	uint8_t wantWritable;
} SerialRecord;

static void serialDestructor(void* data)
{
	SerialRecord* serial = data;
	if (serial) {
		if (serial->fd >= 0) close(serial->fd);
		if (serial->resetFd >= 0) close(serial->resetFd);
		free(serial);
	}
}
static const xsHostHooks serialHooks = { serialDestructor, NULL, NULL };

static SerialRecord* getSerial(xsMachine* the)
{
	SerialRecord* serial = xsmcGetHostDataValidate(xsThis, (void*)&serialHooks);
	if (!serial || !serial->open) xsUnknownError("serial port is closed");
	return serial;
}

static void release(xsMachine* the, SerialRecord* serial)
{
	if (!serial->open) return;
	serial->open = 0;
	simWatchRemove(serial->watch);
	close(serial->fd);
	serial->fd = -1;
	if (serial->resetFd >= 0) close(serial->resetFd);
	serial->resetFd = -1;
	xsForget(serial->instance);
}

static int writableCount(SerialRecord* serial)
{
	int queued = 0;
	ioctl(serial->fd, TIOCOUTQ, &queued);
	int free = SERIAL_OUTPUT_ROOM - queued;
	return free > 0 ? free : 0;
}

static void updateEvents(SerialRecord* serial)
{
	short events = 0;
	if (serial->wantWritable) events |= POLLOUT;
	if (!serial->readPaused) events |= POLLIN;
	simWatchSetEvents(serial->watch, events);
}

static void onReady(xsMachine* the, void* context, short revents)
{
	SerialRecord* serial = context;
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		int available = 0;
		ioctl(serial->fd, FIONREAD, &available);
		if (available > 0) {
			serial->readCalled = 0;
			simSocketCallback(the, &serial->instance, "onReadable", available);
			if (!serial->open) return;
			if (!serial->readCalled) serial->readPaused = 1;
		}
		else if (revents & (POLLHUP | POLLERR)) {
			/* the other end of the pty is gone */
			xsSlot instance = serial->instance;
			release(the, serial);
			simSocketCallback(the, &instance, "onError", -1);
			return;
		}
	}
	if ((revents & POLLOUT) && serial->wantWritable) {
		int count = writableCount(serial);
		if (count > 0) {
			serial->wantWritable = 0;
			simSocketCallback(the, &serial->instance, "onWritable", count);
		}
	}
	if (serial->open) updateEvents(serial);
}

static void applyFraming(xsMachine* the, int fd, xsSlot* options)
{
	char parity[8];
	simOptionString(the, options, "parity", parity, sizeof(parity));
	int dataBits = simOptionInteger(the, options, "dataBits", 8);
	int stopBits = simOptionInteger(the, options, "stopBits", 1);
	if ((dataBits < 5) || (dataBits > 8)) xsRangeError("dataBits must be 5..8");
	if ((stopBits != 1) && (stopBits != 2)) xsRangeError("stopBits must be 1 or 2");
	struct termios t;
	if (tcgetattr(fd, &t) < 0) xsUnknownError("not a serial port: %s", strerror(errno));
	cfmakeraw(&t);
	/* A port last left at a non-standard baud (set through termios2 by applyBaud) reads back with
	   BOTHER as its speed, which tcsetattr refuses (EINVAL): start from a standard speed here, and
	   applyBaud sets the real one right after. */
	cfsetispeed(&t, B9600);
	cfsetospeed(&t, B9600);
	t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CREAD | CLOCAL;
	t.c_cflag |= (dataBits == 5) ? CS5 : (dataBits == 6) ? CS6 : (dataBits == 7) ? CS7 : CS8;
	if (!strcmp(parity, "even")) t.c_cflag |= PARENB;
	else if (!strcmp(parity, "odd")) t.c_cflag |= PARENB | PARODD;
	else if (parity[0] && strcmp(parity, "none")) xsRangeError("parity must be \"none\", \"even\" or \"odd\"");
	if (t.c_cflag & PARENB) t.c_iflag |= INPCK;
	if (stopBits == 2) t.c_cflag |= CSTOPB;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) < 0) xsUnknownError("cannot set the port's framing: %s", strerror(errno));
}

static void applyBaud(xsMachine* the, int fd, int baud)
{
	if (baud <= 0) xsRangeError("baud must be positive");
	if (simSetBaud(fd, (unsigned)baud) < 0) xsUnknownError("cannot set %d baud: %s", baud, strerror(errno));
}

/* constructor({ path, baud, dataBits?, parity?, stopBits?, resetPath? }) */
static void xs_serial_constructor(xsMachine* the)
{
	char path[256], resetPath[256];
	simOptionString(the, &xsArg(0), "path", path, sizeof(path));
	simOptionString(the, &xsArg(0), "resetPath", resetPath, sizeof(resetPath));
	if (!path[0]) xsRangeError("path required (the tty to open)");
	int baud = simOptionInteger(the, &xsArg(0), "baud", 9600);
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) xsUnknownError("cannot open %s: %s", path, strerror(errno));
	int resetFd = -1;
	xsTry {
		applyFraming(the, fd, &xsArg(0));
		applyBaud(the, fd, baud);
		if (resetPath[0]) {
			/* O_NONBLOCK on a FIFO's write end fails (ENXIO) unless the peer has it open: good, say so */
			resetFd = open(resetPath, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
			if (resetFd < 0) xsUnknownError("cannot open the reset line %s: %s (the peer must have it open for reading)", resetPath, strerror(errno));
		}
	}
	xsCatch {
		close(fd);
		xsThrow(xsException);
	}
	SerialRecord* serial = calloc(1, sizeof(SerialRecord));
	if (!serial) { close(fd); if (resetFd >= 0) close(resetFd); xsUnknownError("no memory"); }
	serial->fd = fd;
	serial->resetFd = resetFd;
	serial->open = 1;
	serial->wantWritable = 1;
	serial->watch = simWatchAdd(fd, POLLIN | POLLOUT, onReady, serial);
	xsmcSetHostData(xsThis, serial);
	serial->instance = xsThis;
	xsRemember(serial->instance);
}

/* set({ baud }): after ISO 7816 PPS the UART changes speed */
static void xs_serial_set(xsMachine* the)
{
	SerialRecord* serial = getSerial(the);
	int baud = simOptionInteger(the, &xsArg(0), "baud", 0);
	if (baud) applyBaud(the, serial->fd, baud);
}

/* the rate the tty reports now (read back from the kernel) */
static void xs_serial_get_baud(xsMachine* the)
{
	SerialRecord* serial = getSerial(the);
	unsigned baud = 0;
	if (simGetBaud(serial->fd, &baud) < 0) xsUnknownError("cannot read the baud rate: %s", strerror(errno));
	xsmcSetInteger(xsResult, (xsIntegerValue)baud);
}

/* setReset(asserted): drives RST low (true) or releases it high (false) */
static void xs_serial_setReset(xsMachine* the)
{
	SerialRecord* serial = getSerial(the);
	if (serial->resetFd < 0) xsUnknownError("no reset line: open the port with { resetPath }");
	char level = xsmcToBoolean(xsArg(0)) ? '0' : '1';
	if (write(serial->resetFd, &level, 1) != 1) xsUnknownError("reset line: %s", strerror(errno));
}

static void xs_serial_read(xsMachine* the)
{
	SerialRecord* serial = getSerial(the);
	int available = 0;
	ioctl(serial->fd, FIONREAD, &available);
	serial->readPaused = 0;
	serial->readCalled = 1;
	updateEvents(serial);
	int count = available;
	if ((xsmcArgc > 0) && xsmcTest(xsArg(0))) {
		int wanted = xsmcToInteger(xsArg(0));
		if (wanted < 0) xsRangeError("negative count");
		if (wanted < count) count = wanted;
	}
	if (!count) return;
	xsmcSetArrayBuffer(xsResult, NULL, count);
	ssize_t n = read(serial->fd, xsmcToArrayBuffer(xsResult), count);
	if (n < count) xsmcSetArrayBufferLength(xsResult, n > 0 ? (xsUnsignedValue)n : 0);
}

static void xs_serial_write(xsMachine* the)
{
	SerialRecord* serial = getSerial(the);
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if ((int)length > writableCount(serial)) xsUnknownError("would block: %u bytes is more than the port can take now", (unsigned)length);
	ssize_t n = write(serial->fd, data, length);
	if (n < 0) xsUnknownError("write: %s", strerror(errno));
	if ((xsUnsignedValue)n != length) xsUnknownError("write took %d of %u bytes", (int)n, (unsigned)length);
	serial->wantWritable = 1;
	updateEvents(serial);
}

static void xs_serial_close(xsMachine* the)
{
	SerialRecord* serial = xsmcGetHostDataValidate(xsThis, (void*)&serialHooks);
	if (serial) release(the, serial);
}

static const simNativeFunction functions[] = {
	{ "xs_serial_constructor", xs_serial_constructor, 1 },
	{ "xs_serial_set", xs_serial_set, 1 },
	{ "xs_serial_set_reset", xs_serial_setReset, 1 },
	{ "xs_serial_get_baud", xs_serial_get_baud, 0 },
	{ "xs_serial_read", xs_serial_read, 1 },
	{ "xs_serial_write", xs_serial_write, 1 },
	{ "xs_serial_close", xs_serial_close, 0 },
};
static const simNativeClass classes[] = { { "xs_serial_destructor", &serialHooks } };

const simNativeTable simSerialNatives = { functions, simCount(functions), classes, simCount(classes) };
