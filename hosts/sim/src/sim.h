/*
 * What the xsdm core offers its native parts (IO, crypto, host services).
 *
 * JavaScript reaches C the way Moddable's XS does on the device: native("xs_name") returns
 * the host function registered under that name, and Native("xs_name_destructor") returns a
 * base class whose instances are host objects with that class's hooks. Each native part
 * lists its entries in a simNativeTable (see natives.c for the list of tables).
 */
#ifndef XSDM_SIM_H
#define XSDM_SIM_H

#include "xsmc.h"
#include <poll.h>

typedef struct {
	const char* name;          /* "xs_tcp_read" */
	xsCallback callback;
	xsIntegerValue length;     /* the function's .length */
} simNativeFunction;

typedef struct {
	const char* name;          /* "xs_tcp_destructor": the argument of Native() */
	const xsHostHooks* hooks;  /* instances carry these hooks; validate receivers against them */
} simNativeClass;

typedef struct {
	const simNativeFunction* functions;
	int functionCount;
	const simNativeClass* classes;
	int classCount;
} simNativeTable;

#define simCount(ARRAY) ((int)(sizeof(ARRAY) / sizeof((ARRAY)[0])))

/* The event loop. A watch keeps the process alive while it exists. Callbacks run with the
   machine in host state; call JS inside xsBeginHost/xsEndHost. simWatchRemove is safe from
   inside any callback, including the watch's own. */
typedef struct simWatch simWatch;
typedef void (*simWatchCallback)(xsMachine* the, void* context, short revents);
simWatch* simWatchAdd(int fd, short events, simWatchCallback callback, void* context);
void simWatchSetEvents(simWatch* watch, short events);
void simWatchRemove(simWatch* watch);

/* Finds mbedTLS's code so that its calloc/free calls are counted (mbedtls-memory.c). */
void simMbedtlsMemoryInit(void);

/* Milliseconds on the monotonic clock. */
double simMonotonicMilliseconds(void);

/* Preloading (preload.c): the modules the entry imports, in a shared read-only machine, as a
   device keeps them in flash; NULL when there is nothing to preload. simSharedBytes: its chunks and slots. */
xsMachine* simPreload(xsCreation* creation, const char* entry);
size_t simSharedBytes(void);
/* While modules are preloaded, native() functions refuse to run, as on the device (natives.c). */
void simBeginPreloadNatives(void);
void simEndPreloadNatives(void);
/* Imports a module; fulfilled or rejected gets its outcome when the promise jobs run (preload.c). */
void simImport(xsMachine* the, const char* path, xsCallback fulfilled, xsCallback rejected);
/* Counts collections of this machine (host.c), for embedded:sim/host collections(). */
void simCountCollections(xsMachine* the);

/* Process exit: prints the heap report when asked, flushes stdio, exits with status. */
#define SIM_EXIT_FAILURE 1        /* uncaught exception, unhandled rejection, a test failed */
#define SIM_EXIT_USAGE 2          /* bad command line */
#define SIM_EXIT_ABORT 3          /* XS aborted: memory full, stack overflow */
#define SIM_EXIT_POWERCUT 86      /* the flash power-cut injector fired */
#define SIM_EXIT_RESTART 87       /* the program asked for a reboot (hosts/sim/firmware restart()):
                                     its driver starts xsdm again, as a board's reset would */
void simExit(xsMachine* the, int status) XS_FUNCTION_NORETURN;

/* Command-line options the host's parts read (flash geometry, power cut). */
typedef struct {
	const char* flashPath;
	long flashSize;
	long flashBlock;
	long powercutAt;          /* 0: off; N: the N-th program/erase is torn */
	int heapReport;
	int noPreload;            /* --no-preload: compile the modules into the program's own heap */
	size_t heapLimit;         /* bytes XS may take from the system for chunks and slots */
	int argc;                 /* the script's own arguments, after entry.js */
	char** argv;
	long firmwareSlot;        /* 0: no firmware partitions; N: otadata + ota_0/ota_1 of N bytes after dmstore */
} simOptions;
extern simOptions gSimOptions;

#endif
