/*
 * The event loop: promise jobs, timers, and file-descriptor watches, on poll().
 * The process ends when no promise job, timer or watch is left (or on simExit).
 * After every callback into JS the promise jobs run to completion, so a timer or an
 * IO callback sees the same job ordering as on the device.
 */
#include "xsAll.h"
#include "sim.h"
#include "platform.h"

volatile int simPromiseJobsPending = 0;

double simMonotonicMilliseconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1000000.0;
}

/* ---- timers ---- */

typedef struct simTimer simTimer;
struct simTimer {
	simTimer* next;
	xsIntegerValue id;
	double when;
	double interval;     /* 0 for setTimeout */
	int repeat;
	xsSlot callback;     /* remembered while armed */
	xsSlot arguments;    /* an Array of the extra arguments, or undefined */
};

static simTimer* gTimers = NULL;   /* ordered by when, then by creation */
static xsIntegerValue gTimerID = 0;

static void insertTimer(simTimer* timer)
{
	simTimer** address = &gTimers;
	while (*address && ((*address)->when <= timer->when))
		address = &(*address)->next;
	timer->next = *address;
	*address = timer;
}

static void scheduleTimer(xsMachine* the, int repeat)
{
	xsIntegerValue argc = xsmcArgc;
	if ((argc < 1) || !xsmcIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("callback is no function");
	double delay = (argc > 1) ? xsmcToNumber(xsArg(1)) : 0;
	if (!(delay >= 1)) delay = repeat ? 1 : 0;    /* NaN, negative and 0 alike, as in browsers */
	simTimer* timer = calloc(1, sizeof(simTimer));
	if (!timer) xsUnknownError("no memory for a timer");
	timer->id = ++gTimerID;
	timer->interval = delay;
	timer->repeat = repeat;
	timer->when = simMonotonicMilliseconds() + delay;
	timer->callback = xsArg(0);
	xsRemember(timer->callback);
	if (argc > 2) {
		xsmcVars(1);
		xsmcSetNewArray(timer->arguments, argc - 2);
		for (xsIntegerValue i = 2; i < argc; i++) {
			xsmcSetInteger(xsVar(0), i - 2);
			xsmcSetAt(timer->arguments, xsVar(0), xsArg(i));
		}
	}
	else
		timer->arguments = xsUndefined;
	xsRemember(timer->arguments);
	insertTimer(timer);
	xsmcSetInteger(xsResult, timer->id);
}

static void freeTimer(xsMachine* the, simTimer* timer)
{
	xsForget(timer->callback);
	xsForget(timer->arguments);
	free(timer);
}

static void xs_setTimeout(xsMachine* the) { scheduleTimer(the, 0); }
static void xs_setInterval(xsMachine* the) { scheduleTimer(the, 1); }

static simTimer* gFiring = NULL;   /* the timer whose callback runs now (clearInterval from inside) */
static int gFiringCleared = 0;

static void xs_clearTimer(xsMachine* the)
{
	if ((xsmcArgc < 1) || !xsmcTest(xsArg(0))) return;
	xsIntegerValue id = xsmcToInteger(xsArg(0));
	if (gFiring && (gFiring->id == id)) {
		gFiringCleared = 1;
		return;
	}
	for (simTimer** address = &gTimers; *address; address = &(*address)->next) {
		if ((*address)->id == id) {
			simTimer* timer = *address;
			*address = timer->next;
			freeTimer(the, timer);
			return;
		}
	}
}

static void runPromiseJobs(xsMachine* the)
{
	while (simPromiseJobsPending) {
		simPromiseJobsPending = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
}

static void fireTimer(xsMachine* the, simTimer* timer)
{
	gFiring = timer;
	gFiringCleared = 0;
	xsBeginHost(the);
	{
		xsmcVars(1);
		xsVar(0) = timer->arguments;
		if (xsmcTest(xsVar(0))) {
			/* callback(...arguments) through Function.prototype.apply */
			xsCall2(timer->callback, xsID("apply"), xsUndefined, xsVar(0));
		}
		else
			xsCallFunction0(timer->callback, xsUndefined);
	}
	xsEndHost(the);
	gFiring = NULL;
	if (timer->repeat && !gFiringCleared) {
		timer->when += timer->interval;
		double now = simMonotonicMilliseconds();
		if (timer->when < now) timer->when = now;   /* no burst of catch-up calls */
		insertTimer(timer);
	}
	else
		freeTimer(the, timer);
}

/* ---- watches ---- */

struct simWatch {
	simWatch* next;
	int fd;
	short events;
	int removed;
	simWatchCallback callback;
	void* context;
};

static simWatch* gWatches = NULL;
static int gWatchCount = 0;

simWatch* simWatchAdd(int fd, short events, simWatchCallback callback, void* context)
{
	simWatch* watch = calloc(1, sizeof(simWatch));
	if (!watch) return NULL;
	watch->fd = fd;
	watch->events = events;
	watch->callback = callback;
	watch->context = context;
	watch->next = gWatches;
	gWatches = watch;
	gWatchCount++;
	return watch;
}

void simWatchSetEvents(simWatch* watch, short events)
{
	if (watch) watch->events = events;
}

void simWatchRemove(simWatch* watch)
{
	if (watch && !watch->removed) {
		watch->removed = 1;     /* freed by the loop, never under a running callback */
		gWatchCount--;
	}
}

static void sweepWatches(void)
{
	for (simWatch** address = &gWatches; *address;) {
		simWatch* watch = *address;
		if (watch->removed) {
			*address = watch->next;
			free(watch);
		}
		else
			address = &watch->next;
	}
}

/* ---- the loop ---- */

void simRunLoop(xsMachine* the)
{
	struct pollfd* fds = NULL;
	simWatch** owners = NULL;
	int capacity = 0;
	for (;;) {
		runPromiseJobs(the);
		sweepWatches();
		if (!gTimers && !gWatchCount)
			break;
		int timeout = -1;
		if (gTimers) {
			double wait = gTimers->when - simMonotonicMilliseconds();
			timeout = (wait <= 0) ? 0 : (int)(wait + 0.999);
		}
		if (capacity < gWatchCount) {
			capacity = gWatchCount + 8;
			fds = realloc(fds, capacity * sizeof(struct pollfd));
			owners = realloc(owners, capacity * sizeof(simWatch*));
			if (!fds || !owners) {
				fprintf(stderr, "xsdm: no memory for the event loop\n");
				simExit(the, SIM_EXIT_ABORT);
			}
		}
		int count = 0;
		for (simWatch* watch = gWatches; watch; watch = watch->next) {
			if (watch->removed) continue;
			fds[count].fd = watch->fd;
			fds[count].events = watch->events;
			fds[count].revents = 0;
			owners[count++] = watch;
		}
	#ifdef mxProfile
		/* the profiler samples wall time: waiting for a peer is nobody's CPU */
		fxSuspendProfiler(the);
	#endif
		int ready = poll(fds, count, timeout);
	#ifdef mxProfile
		fxResumeProfiler(the);
	#endif
		if ((ready < 0) && (errno != EINTR)) {
			fprintf(stderr, "xsdm: poll: %s\n", strerror(errno));
			simExit(the, SIM_EXIT_ABORT);
		}
		for (int i = 0; (ready > 0) && (i < count); i++) {
			if (!fds[i].revents) continue;
			ready--;
			simWatch* watch = owners[i];
			if (watch->removed) continue;
			(*watch->callback)(the, watch->context, fds[i].revents);
			runPromiseJobs(the);
		}
		double now = simMonotonicMilliseconds();
		/* Fire only what was due before this pass, so an interval of 0 cannot starve IO. */
		while (gTimers && (gTimers->when <= now)) {
			simTimer* timer = gTimers;
			gTimers = timer->next;
			fireTimer(the, timer);
			runPromiseJobs(the);
		}
	}
	free(fds);
	free(owners);
	fxCheckUnhandledRejections(the, 1);
}

void simInstallTimers(xsMachine* the)
{
	xsResult = xsNewHostFunction(xs_setTimeout, 2);
	xsmcSet(xsGlobal, xsID("setTimeout"), xsResult);
	xsResult = xsNewHostFunction(xs_setInterval, 2);
	xsmcSet(xsGlobal, xsID("setInterval"), xsResult);
	xsResult = xsNewHostFunction(xs_clearTimer, 1);
	xsmcSet(xsGlobal, xsID("clearTimeout"), xsResult);
	xsmcSet(xsGlobal, xsID("clearInterval"), xsResult);
}
