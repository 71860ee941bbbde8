/*
 * Any baud rate on a Linux tty through termios2 (BOTHER): ISO 7816 cards run at rates such as
 * 10 753 or 250 000 baud that have no B* constant. Kept apart because <asm/termbits.h> cannot be
 * included together with <termios.h>.
 */
#include <asm/termbits.h>
#include <sys/ioctl.h>

int simSetBaud(int fd, unsigned baud)
{
	struct termios2 t;
	if (ioctl(fd, TCGETS2, &t) < 0) return -1;
	t.c_cflag &= ~CBAUD;
	t.c_cflag |= BOTHER;
	t.c_ispeed = baud;
	t.c_ospeed = baud;
	return ioctl(fd, TCSETS2, &t);
}

int simGetBaud(int fd, unsigned* baud)
{
	struct termios2 t;
	if (ioctl(fd, TCGETS2, &t) < 0) return -1;
	*baud = t.c_ospeed;
	return 0;
}
