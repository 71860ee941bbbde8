/*
 * build/sim/xsdm-alloc: xsdm-prof whose profiler clock counts allocations instead of CPU time
 * (bench/alloc.ts, `npm run bench -- session-alloc`). XSDM_ALLOC says what to count:
 *   strings   String objects made for a method or property of a primitive string (s.charCodeAt(i))
 *   closures  function instances (arrow functions, closures, bound methods)
 *   slots     slots taken from the heap (objects, properties, array entries)
 *   chunks    bytes of chunks (strings, buffers, arrays' storage, saved frames)
 * Each allocation of that kind moves the clock past XS's sampling interval and takes a sample at
 * once, so the profile's "time" of a function is what it allocated, host functions' allocations
 * counted to the JavaScript that called them. A time profile cannot see this:
 * on XS what costs is often an allocation made by the engine for a line that looks free, and the
 * collections it brings later, elsewhere. The engine's functions are reached through the linker's
 * --wrap (the Makefile's ALLOC_WRAP), so XS's sources stay as they are; a call inside the same
 * source file as the function (fxNewSlot within xsMemory.c) is not seen, which the figures say.
 */
/* only ever linked with the profiler's objects (the Makefile compiles it so); said here too, so that
   npm test's warning check, which compiles every host file alone, sees the same machine */
#ifndef mxProfile
#define mxProfile 1
#endif
#include "xsAll.h"
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

enum { KIND_NONE, KIND_STRINGS, KIND_CLOSURES, KIND_SLOTS, KIND_CHUNKS };
static int gKind = -1;
static unsigned long long gCount = 0;

static int kind(void)
{
	if (gKind < 0) {
		const char* k = getenv("XSDM_ALLOC");
		gKind = !k ? KIND_NONE : !strcmp(k, "strings") ? KIND_STRINGS : !strcmp(k, "closures") ? KIND_CLOSURES
			: !strcmp(k, "slots") ? KIND_SLOTS : !strcmp(k, "chunks") ? KIND_CHUNKS : KIND_NONE;
	}
	return gKind;
}

/* XS's profiler samples when its clock has passed 1250 units since the last sample: one count is 2000 */
int simAllocClock(struct timeval* tv, void* zone)
{
	(void)zone;
	unsigned long long t = gCount * 2000ULL;
	tv->tv_sec = (time_t)(t / 1000000ULL);
	tv->tv_usec = (suseconds_t)(t % 1000000ULL);
	return 0;
}

/* Whether a frame is a host function's (Uint8Array, Array.prototype.values, a native of ours). */
static int isHostFrame(txSlot* frame)
{
	txSlot* function = frame + 3;
	if (function->kind != XS_REFERENCE_KIND || !mxIsFunction(function->value.reference)) return 0;
	txSlot* code = mxFunctionInstanceCode(function->value.reference);
	return code->kind == XS_CALLBACK_KIND || code->kind == XS_CALLBACK_X_KIND;
}

/* The sample goes to the JavaScript function that called the engine: an allocation a host function
   makes (a typed array, an iterator) is the line's that called it, and the profile should say whose. */
static void count(txMachine* the, int k, unsigned long long n)
{
	if (kind() != k) return;
	gCount += n;
	txSlot* frame = the->frame;
	while (frame && frame->next && isHostFrame(frame)) frame = frame->next;
	if (the->profiler && frame) fxCheckProfiler(the, frame);
}

txSlot* __real_fxNewStringInstance(txMachine* the);
txSlot* __wrap_fxNewStringInstance(txMachine* the)
{
	count(the, KIND_STRINGS, 1);
	return __real_fxNewStringInstance(the);
}

txSlot* __real_fxNewFunctionInstance(txMachine* the, txID name);
txSlot* __wrap_fxNewFunctionInstance(txMachine* the, txID name)
{
	count(the, KIND_CLOSURES, 1);
	return __real_fxNewFunctionInstance(the, name);
}

txSlot* __real_fxNewSlot(txMachine* the);
txSlot* __wrap_fxNewSlot(txMachine* the)
{
	count(the, KIND_SLOTS, 1);
	return __real_fxNewSlot(the);
}

void* __real_fxNewChunk(txMachine* the, txSize size);
void* __wrap_fxNewChunk(txMachine* the, txSize size)
{
	count(the, KIND_CHUNKS, (unsigned long long)size);
	return __real_fxNewChunk(the, size);
}
