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

/* Collections so far. XS counts them only in instrumented builds; instead a host object that
   only the host holds (simCountCollections) has a marker hook, which every collection calls once. */
static unsigned long gCollections = 0;
static int gCounterData;
static void countCollection(xsMachine* the, void* data, xsMarkRoot markRoot)
{
	(void)the; (void)data; (void)markRoot;
	gCollections++;
}
static const xsHostHooks gCounterHooks = { NULL, countCollection, NULL };
static xsSlot gCounter;

void simCountCollections(xsMachine* the)
{
	xsBeginHost(the);
	{
		gCounter = xsNewHostObject(NULL);
		fxSetHostData(the, &gCounter, &gCounterData);
		xsSetHostHooks(gCounter, &gCounterHooks);
		xsRemember(gCounter);
	}
	xsEndHost(the);
}

static void xs_host_collections(xsMachine* the)
{
	xsResult = xsNumber((double)gCollections);
}

/* Bytes of the shared, read-only module heap (0 with --no-preload): what a device keeps in flash. */
static void xs_host_shared_bytes(xsMachine* the)
{
	xsResult = xsNumber((double)simSharedBytes());
}

/* XS's sampling profiler, in the build that has it (make -C hosts/sim prof: build/sim/xsdm-prof).
   profile(true) starts it; profile(false, path) writes a .cpuprofile (Chrome's format) to path.
   Returns false where the build has no profiler. */
static void xs_host_profile(xsMachine* the)
{
#ifdef mxProfile
	if (xsmcTest(xsArg(0))) {
		if (!the->profiler) fxCreateProfiler(the);
	}
	else if (the->profiler) {
		FILE* file = fopen(xsmcToString(xsArg(1)), "w");
		if (!file) xsUnknownError("profile: cannot write %s", xsmcToString(xsArg(1)));
		fxDeleteProfiler(the, file);
	}
	xsResult = xsTrue;
#else
	xsResult = xsFalse;
#endif
}

#ifdef mxProfile
/* The clock of XS's profiler in build/sim/xsdm-prof (the Makefile renames its gettimeofday):
   CPU time of this process, in units of 1/SIM_PROFILE_SCALE µs. XS samples every 1250 of its
   units, which makes one sample per 125 µs of CPU; bench/profile.ts divides by the same scale.
   XS reads its clock at every call and return: the process's CPU clock is a system call, so it is
   read again only once 100 µs have passed on the monotonic clock (a vDSO read), and in between the
   profiler sees the time stand still. Otherwise the clock reads would be most of what it measures. */
#define SIM_PROFILE_SCALE 10
int simProfileClock(struct timeval* tv, void* zone)
{
	static unsigned long long lastWall = 0, cpu = 0;
	(void)zone;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned long long wall = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL;
	if (wall - lastWall >= 100) {
		lastWall = wall;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		cpu = ((unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL) * SIM_PROFILE_SCALE;
	}
	tv->tv_sec = (time_t)(cpu / 1000000ULL);
	tv->tv_usec = (suseconds_t)(cpu % 1000000ULL);
	return 0;
}
#endif

static const simNativeFunction functions[] = {
	{ "xs_host_collections", xs_host_collections, 0 },
	{ "xs_host_shared_bytes", xs_host_shared_bytes, 0 },
	{ "xs_host_profile", xs_host_profile, 2 },
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
