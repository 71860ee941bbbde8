/*
 * What the SDK's Linux port lacks for the device: random bytes (getrandom, as a board takes them
 * from its hardware RNG), a line to the terminal (trace() does not reach it in a release build)
 * and the process's exit status, which the e2e test reads.
 */
#include "xsmc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* random(buffer): fills buffer with random bytes */
void xs_lin_random(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	uint8_t* at = data;
	while (length > 0) {
		ssize_t n = getrandom(at, length, 0);
		if (n < 0) {
			if (errno == EINTR) continue;
			xsUnknownError("getrandom failed: %s", strerror(errno));
		}
		at += n;
		length -= (xsUnsignedValue)n;
	}
}

/* log(text): one line on stderr */
void xs_lin_log(xsMachine* the)
{
	fprintf(stderr, "%s\n", xsmcToString(xsArg(0)));
	fflush(stderr);
}

/* exit(status): ends the process (the simulator with it) */
void xs_lin_exit(xsMachine* the)
{
	int status = xsmcToInteger(xsArg(0));
	fflush(stdout);
	fflush(stderr);
	_exit(status);
}
