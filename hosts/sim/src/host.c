/*
 * Host services for scripts on xsdm: arguments, exit status, heap figures, clocks,
 * random bytes. Reached through the embedded:sim/host module, never as globals.
 */
#include "xsAll.h"
#include "sim.h"
#include <sys/random.h>

static void xs_host_argv(xsMachine* the)
{
	xsmcVars(2);
	xsmcSetNewArray(xsResult, gSimOptions.argc);
	for (int i = 0; i < gSimOptions.argc; i++) {
		xsmcSetInteger(xsVar(0), i);
		xsmcSetString(xsVar(1), gSimOptions.argv[i]);
		xsmcSetAt(xsResult, xsVar(0), xsVar(1));
	}
}

static void xs_host_exit(xsMachine* the)
{
	int status = (xsmcArgc > 0) ? xsmcToInteger(xsArg(0)) : 0;
	if ((status < 0) || (status > 255)) xsRangeError("exit status must be 0..255");
	simExit(the, status);
}

/* { chunks, slots, peakChunks, peakSlots, slotSize, width } in bytes */
static void xs_host_heap(xsMachine* the)
{
	static char* names[] = { "chunks", "slots", "peakChunks", "peakSlots", "slotSize", "width" };
	double values[] = {
		(double)the->currentChunksSize, (double)the->currentHeapCount * sizeof(txSlot),
		(double)the->peakChunksSize, (double)the->peakHeapCount * sizeof(txSlot),
		(double)sizeof(txSlot), (double)(sizeof(void*) * 8),
	};
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	for (int i = 0; i < simCount(names); i++) {
		xsmcSetNumber(xsVar(0), values[i]);
		xsmcSet(xsResult, xsID(names[i]), xsVar(0));
	}
}

/* Lets a benchmark start its peak from the current use. */
static void xs_host_resetPeak(xsMachine* the)
{
	xsCollectGarbage();
	the->peakChunksSize = the->currentChunksSize;
	the->peakHeapCount = the->currentHeapCount;
}

static void xs_host_gc(xsMachine* the)
{
	xsCollectGarbage();
}

static void xs_host_monotonic(xsMachine* the)
{
	xsResult = xsNumber(simMonotonicMilliseconds());
}

static void xs_host_wall(xsMachine* the)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	xsResult = xsNumber((double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1000000.0);
}

/* Milliseconds of CPU time this process has used (user + system): for benchmarks that must not
   count the time a peer on the same machine spends. */
static void xs_host_cpu_time(xsMachine* the)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	xsResult = xsNumber((double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1000000.0);
}

/* random(buffer): fills an ArrayBuffer or a view from getrandom(). */
static void xs_host_random(xsMachine* the)
{
	void* data;
	xsUnsignedValue length;
	xsmcGetBufferWritable(xsArg(0), &data, &length);
	size_t done = 0;
	while (done < length) {
		ssize_t n = getrandom((uint8_t*)data + done, length - done, 0);
		if (n < 0) {
			if (errno == EINTR) continue;
			xsUnknownError("getrandom: %s", strerror(errno));
		}
		done += (size_t)n;
	}
}

static const simNativeFunction functions[] = {
	{ "xs_host_argv", xs_host_argv, 0 },
	{ "xs_host_exit", xs_host_exit, 1 },
	{ "xs_host_heap", xs_host_heap, 0 },
	{ "xs_host_reset_peak", xs_host_resetPeak, 0 },
	{ "xs_host_gc", xs_host_gc, 0 },
	{ "xs_host_monotonic", xs_host_monotonic, 0 },
	{ "xs_host_wall", xs_host_wall, 0 },
	{ "xs_host_cpu_time", xs_host_cpu_time, 0 },
	{ "xs_host_random", xs_host_random, 1 },
};

const simNativeTable simHostNatives = { functions, simCount(functions), NULL, 0 };
