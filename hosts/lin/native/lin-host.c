/*
 * What the SDK's Linux port lacks for the device: random bytes (getrandom, as a board takes them
 * from its hardware RNG), a line to the terminal (trace() does not reach it in a release build)
 * and the process's exit status, which the e2e test reads; and the machine's heap high-water marks
 * for the bench (npm run bench -- lin).
 */
#include "xsAll.h"	/* the machine's peak fields, as xsdm's heap report reads them */
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

/* heap() → { peakChunks, peakSlots, slots, slotSize }: the most chunk bytes and slots (and their size in
   bytes) this machine has held in use, the figures xsdm's --heap-report prints */
void xs_lin_heap(xsMachine* the)
{
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetInteger(xsVar(0), (xsIntegerValue)the->peakChunksSize);
	xsmcSet(xsResult, xsID("peakChunks"), xsVar(0));
	xsmcSetInteger(xsVar(0), (xsIntegerValue)the->peakHeapCount);
	xsmcSet(xsResult, xsID("peakSlots"), xsVar(0));
	xsmcSetInteger(xsVar(0), (xsIntegerValue)sizeof(txSlot));
	xsmcSet(xsResult, xsID("slotSize"), xsVar(0));
}
