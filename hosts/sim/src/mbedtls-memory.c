/*
 * mbedTLS's own heap use, counted apart from XS's (on the ESP32 they come from different pools).
 *
 * Debian's mbedTLS is built without MBEDTLS_PLATFORM_MEMORY, so it calls the C library's calloc
 * and free directly and offers no hook. xsdm therefore defines calloc and free itself: the dynamic
 * linker binds every shared library's calls to the executable's definitions (ELF interposition),
 * and these forward to glibc's __libc_calloc / __libc_free. A call is counted when its return
 * address lies in the code of libmbedtls, libmbedx509 or libmbedcrypto (found once at start-up
 * with dl_iterate_phdr), so XS's allocations and everything else pass uncounted. Sizes are the
 * requested ones, kept in a small open-addressing table keyed by pointer; were it ever to fill,
 * `lost` says how many blocks went uncounted, so a figure is never silently wrong.
 */
#define _GNU_SOURCE
#include "xsAll.h"
#include "sim.h"
#include <link.h>
#include <string.h>

extern void* __libc_calloc(size_t count, size_t size);
extern void __libc_free(void* pointer);

#define MAX_RANGES 12
#define TABLE_SIZE 8192		/* live mbedTLS blocks tracked; a TLS connection holds a few dozen */

static struct { uintptr_t start, end; } gRanges[MAX_RANGES];
static int gRangeCount = 0;
static struct { void* pointer; size_t size; } gTable[TABLE_SIZE];
static size_t gCurrent = 0, gPeak = 0, gBlocks = 0, gCalls = 0, gLost = 0;

static int inMbedtls(uintptr_t address)
{
	for (int i = 0; i < gRangeCount; i++)
		if ((address >= gRanges[i].start) && (address < gRanges[i].end)) return 1;
	return 0;
}

static int findRanges(struct dl_phdr_info* info, size_t size, void* data)
{
	if (!info->dlpi_name || !strstr(info->dlpi_name, "libmbed")) return 0;
	for (int i = 0; i < info->dlpi_phnum && gRangeCount < MAX_RANGES; i++) {
		const ElfW(Phdr)* p = &info->dlpi_phdr[i];
		if ((p->p_type != PT_LOAD) || !(p->p_flags & PF_X)) continue;
		gRanges[gRangeCount].start = info->dlpi_addr + p->p_vaddr;
		gRanges[gRangeCount].end = info->dlpi_addr + p->p_vaddr + p->p_memsz;
		gRangeCount++;
	}
	return 0;
}

static size_t slotOf(void* pointer)
{
	return (((uintptr_t)pointer >> 4) * 2654435761u) % TABLE_SIZE;
}

static void remember(void* pointer, size_t size)
{
	size_t i = slotOf(pointer);
	for (size_t n = 0; n < TABLE_SIZE; n++, i = (i + 1) % TABLE_SIZE) {
		if (gTable[i].pointer) continue;
		gTable[i].pointer = pointer;
		gTable[i].size = size;
		gCurrent += size;
		gBlocks++;
		if (gCurrent > gPeak) gPeak = gCurrent;
		return;
	}
	gLost++;
}

/* x in (a, b], going round the table */
static int cyclicallyBetween(size_t a, size_t x, size_t b)
{
	return (a <= b) ? ((a < x) && (x <= b)) : ((a < x) || (x <= b));
}

static void forget(void* pointer)
{
	size_t i = slotOf(pointer);
	for (size_t n = 0; n < TABLE_SIZE; n++, i = (i + 1) % TABLE_SIZE) {
		if (!gTable[i].pointer) return;		/* not one of mbedTLS's (or lost) */
		if (gTable[i].pointer != pointer) continue;
		gCurrent -= gTable[i].size;
		gBlocks--;
		/* backward-shift deletion keeps every probe chain unbroken */
		size_t hole = i;
		for (size_t j = (i + 1) % TABLE_SIZE; gTable[j].pointer; j = (j + 1) % TABLE_SIZE) {
			if (!cyclicallyBetween(hole, slotOf(gTable[j].pointer), j)) {
				gTable[hole] = gTable[j];
				hole = j;
			}
		}
		gTable[hole].pointer = NULL;
		return;
	}
}

void* calloc(size_t count, size_t size)
{
	void* pointer = __libc_calloc(count, size);
	if (pointer && gRangeCount && inMbedtls((uintptr_t)__builtin_return_address(0))) {
		gCalls++;
		remember(pointer, count * size);
	}
	return pointer;
}

void free(void* pointer)
{
	if (pointer && gRangeCount && gBlocks && inMbedtls((uintptr_t)__builtin_return_address(0))) forget(pointer);
	__libc_free(pointer);
}

void simMbedtlsMemoryInit(void)
{
	dl_iterate_phdr(findRanges, NULL);
}

/* { current, peak, blocks, calls, lost }: bytes mbedTLS holds now and at most since the last reset */
static void xs_host_tls_memory(xsMachine* the)
{
	static char* names[] = { "current", "peak", "blocks", "calls", "lost" };
	double values[] = { (double)gCurrent, (double)gPeak, (double)gBlocks, (double)gCalls, (double)gLost };
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	for (int i = 0; i < simCount(names); i++) {
		xsmcSetNumber(xsVar(0), values[i]);
		xsmcSet(xsResult, xsID(names[i]), xsVar(0));
	}
	if (!gRangeCount) xsUnknownError("mbedTLS's code was not found among the loaded libraries: nothing is counted");
}

static void xs_host_tls_memory_reset(xsMachine* the)
{
	gPeak = gCurrent;
	gCalls = 0;
}

static const simNativeFunction functions[] = {
	{ "xs_host_tls_memory", xs_host_tls_memory, 0 },
	{ "xs_host_tls_memory_reset", xs_host_tls_memory_reset, 0 },
};

const simNativeTable simMbedtlsMemoryNatives = { functions, simCount(functions), NULL, 0 };
