/*
 * Platform header for the XS engine inside xsdm, the Linux simulator host.
 * XS includes it through -DXSPLATFORM; it names the C library XS may use and
 * which of XS's default platform hooks we keep (the rest live in platform.c).
 */
#ifndef XSDM_HOST_PLATFORM_H
#define XSDM_HOST_PLATFORM_H

#undef mxLittleEndian
#define mxLittleEndian 1
#undef mxLinux
#define mxLinux 1
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

/* Kept from XS: key table, script parsing, the inert debugger stubs. */
#define mxUseDefaultBuildKeys 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1
#define mxUseDefaultMachinePlatform 1

/* XS's own diagnostics (syntax errors, aborts) go to stderr, never into a program's stdout. */
#define c_printf(...) fprintf(stderr, __VA_ARGS__)
#define c_vprintf(FORMAT, ARGUMENTS) vfprintf(stderr, FORMAT, ARGUMENTS)

/* Ours (platform.c): module loader, promise job queue, abort, and chunk/slot allocation
   under a limit (--heap-limit), so a runaway program ends with "memory full" as on the device. */

#define mxMachinePlatform \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	int abortStatus;

#endif
