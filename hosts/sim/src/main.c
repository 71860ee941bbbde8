/*
 * xsdm: runs one ES module on the XS engine with the ECMA-419-shaped IO of the simulator host.
 *
 *   xsdm [--heap-report] [--heap-limit BYTES] [--no-preload] [--flash FILE --flash-size N --flash-block N [--firmware-slot N]] [--powercut N] entry.js [args...]
 *
 * The modules of build/js/modules (and packages, and the embedded:* ones) that the entry imports
 * are preloaded into a shared, read-only heap first (preload.c),
 * as the device keeps them in flash: the program's heap, its collections and the heap figures are
 * the device's. --no-preload compiles them into the program's own heap instead, as they load.
 *
 * --heap-limit bounds what XS takes from the system for chunks and slots (default 256 MiB); past it
 * XS reports "memory full", as the device does when its heap is exhausted.
 *
 * Exit status: 0 when the program ran out of work (or exit(0)); 1 on an uncaught exception,
 * an unhandled rejection or a module that failed to load; 2 on a bad command line; 3 when XS
 * aborted (memory full, stack overflow); 86 when the flash power-cut injector fired; 87 when the
 * program restarts the device (exit(87), hosts/sim/firmware's restart()): its driver runs xsdm again.
 * --firmware-slot N adds the firmware partitions (otadata, ota_0, ota_1) to the flash file (flash.c).
 */
#include "xsAll.h"
#include "sim.h"
#include "platform.h"

/* A runaway program should end in "memory full" within a second, not swap: 256 MiB by default. */
#define SIM_DEFAULT_HEAP_LIMIT ((size_t)256 * 1024 * 1024)

simOptions gSimOptions = { NULL, 0, 0, 0, 0, 0, SIM_DEFAULT_HEAP_LIMIT, 0, NULL, 0 };

static void usage(const char* message)
{
	fprintf(stderr, "xsdm: %s\n"
		"usage: xsdm [--heap-report] [--heap-limit BYTES] [--no-preload] [--flash FILE --flash-size BYTES --flash-block BYTES [--firmware-slot BYTES]] [--powercut N] entry.js [args...]\n",
		message);
	exit(SIM_EXIT_USAGE);
}

static long numberOption(const char* name, const char* text)
{
	char* end;
	long value = strtol(text ? text : "", &end, 0);
	if (!text || *end || (value <= 0)) {
		char message[128];
		snprintf(message, sizeof(message), "%s needs a positive number", name);
		usage(message);
	}
	return value;
}

void simExit(xsMachine* the, int status)
{
	fflush(stdout);
	if (gSimOptions.heapReport && the) {
		txMachine* machine = the;
		long chunks = (long)machine->peakChunksSize;
		long slots = (long)machine->peakHeapCount * (long)sizeof(txSlot);
		fprintf(stderr, "{\"heapReport\":{\"width\":%d,\"slotSize\":%d,\"peakChunkBytes\":%ld,\"peakSlotBytes\":%ld,\"peakTotalBytes\":%ld,\"sharedBytes\":%ld}}\n",
			(int)(sizeof(void*) * 8), (int)sizeof(txSlot), chunks, slots, chunks + slots, (long)simSharedBytes());
	}
	fflush(stderr);
	_exit(status);
}

static void onEntryFulfilled(txMachine* the) { (void)the; }

static void onEntryRejected(txMachine* the)
{
	mxException = *mxArgv(0);
	fxAbort(the, XS_UNHANDLED_EXCEPTION_EXIT);
}

int main(int argc, char** argv)
{
	int i = 1;
	for (; i < argc; i++) {
		const char* a = argv[i];
		if (a[0] != '-' || a[1] != '-') break;
		if (!strcmp(a, "--heap-report")) gSimOptions.heapReport = 1;
		else if (!strcmp(a, "--probe-32")) return 0;   /* xsdm32's wrapper: can this kernel run us? */
		else if (!strcmp(a, "--flash")) { if (++i >= argc) usage("--flash needs a file"); gSimOptions.flashPath = argv[i]; }
		else if (!strcmp(a, "--flash-size")) { gSimOptions.flashSize = numberOption(a, (++i < argc) ? argv[i] : NULL); }
		else if (!strcmp(a, "--flash-block")) { gSimOptions.flashBlock = numberOption(a, (++i < argc) ? argv[i] : NULL); }
		else if (!strcmp(a, "--no-preload")) gSimOptions.noPreload = 1;
		else if (!strcmp(a, "--heap-limit")) { gSimOptions.heapLimit = (size_t)numberOption(a, (++i < argc) ? argv[i] : NULL); }
		else if (!strcmp(a, "--firmware-slot")) { gSimOptions.firmwareSlot = numberOption(a, (++i < argc) ? argv[i] : NULL); }
		else if (!strcmp(a, "--powercut")) { gSimOptions.powercutAt = numberOption(a, (++i < argc) ? argv[i] : NULL); }
		else if (!strcmp(a, "--")) { i++; break; }
		else {
			char message[256];
			snprintf(message, sizeof(message), "unknown option %s", a);
			usage(message);
		}
	}
	if (i >= argc) usage("no entry module");
	const char* entry = argv[i];
	gSimOptions.argc = argc - i - 1;
	gSimOptions.argv = argv + i + 1;
	simSetRoot("/proc/self/exe");
	simMbedtlsMemoryInit();

	/* Start small, as the device does; XS grows the heap as needed. */
	xsCreation creation = {
		32 * 1024,     /* initialChunkSize */
		32 * 1024,     /* incrementalChunkSize */
		2048,          /* initialHeapCount (slots) */
		1024,          /* incrementalHeapCount */
		4096,          /* stackCount */
		2048,          /* initialKeyCount */
		512,           /* incrementalKeyCount */
		1993,          /* nameModulo */
		127,           /* symbolModulo */
		64 * 1024,     /* parserBufferSize */
		1993,          /* parserTableModulo */
		0,             /* staticSize: grow on demand */
	};
	char path[4096];
	if (entry[0] == '/')
		snprintf(path, sizeof(path), "%s", entry);
	else {
		char cwd[2048];
		if (!getcwd(cwd, sizeof(cwd))) usage("cannot read the working directory");
		snprintf(path, sizeof(path), "%s/%s", cwd, entry);
	}
	txMachine* shared = gSimOptions.noPreload ? NULL : simPreload(&creation, path);
	/* the shared heap is the device's flash: --heap-limit and the heap report count what follows */
	simResetAllocated();
	txMachine* the = shared ? xsCloneMachine(&creation, shared, "xsdm", NULL) : xsCreateMachine(&creation, "xsdm", NULL);
	if (!the) {
		fprintf(stderr, "xsdm: cannot create the XS machine\n");
		return SIM_EXIT_ABORT;
	}
	simArmHeapLimit();
	simInstallGlobals(the);
	simCountCollections(the);

	simImport(the, path, onEntryFulfilled, onEntryRejected);
	simRunLoop(the);
	simExit(the, 0);
}
