/*
 * native(name) and Native(name): how JavaScript reaches the host's C, the same two
 * globals Moddable's XS offers on the device. Also the output globals trace() and
 * console.log/console.error (console exists on the development hosts only).
 */
#include "xsAll.h"
#include "sim.h"
#include "platform.h"

extern const simNativeTable simHostNatives;
extern const simNativeTable simTcpNatives;
extern const simNativeTable simUdpNatives;
extern const simNativeTable simSerialNatives;
extern const simNativeTable simFlashNatives;
extern const simNativeTable simCryptoNatives;
extern const simNativeTable simStoreNatives;
extern const simNativeTable simTransportNatives;
extern const simNativeTable simCodecNatives;
extern const simNativeTable simBytesNatives;
extern const simNativeTable simDnsNatives;
extern const simNativeTable simMbedtlsMemoryNatives;
extern const simNativeTable simMbedtlsCpuNatives;

static const simNativeTable* const gTables[] = {
	&simHostNatives,
	&simTcpNatives,
	&simUdpNatives,
	&simSerialNatives,
	&simFlashNatives,
	&simCryptoNatives,
	&simStoreNatives,
	&simTransportNatives,
	&simCodecNatives,
	&simBytesNatives,
	&simDnsNatives,
	&simMbedtlsMemoryNatives,
	&simMbedtlsCpuNatives,
};

/* On the device, xsl runs the preloaded modules at build time, when no native can run: a call there
   stops the build with "link: unavailable function". While xsdm preloads, native() hands out
   functions that refuse the same way, so that a module-level call into C fails in npm test and not
   only in the SDK's build; simEndPreloadNatives() then gives each of them its real callback. */
typedef struct { txSlot* callback; xsCallback address; } simPreloadedNative;
static simPreloadedNative* gPreloadedNatives = NULL;
static int gPreloadedCount = 0, gPreloadedSize = 0;
static int gNativesAtPreload = 0;

static void xs_native_at_preload(xsMachine* the)
{
	/* XS prefixes the message with the native's name */
	xsUnknownError("link: unavailable function: a native called while the modules are preloaded; "
		"on the device no native runs then, so call it from a function, not at module level");
}

void simBeginPreloadNatives(void)
{
	gNativesAtPreload = 1;
}

void simEndPreloadNatives(void)
{
	for (int i = 0; i < gPreloadedCount; i++) {
		txSlot* slot = gPreloadedNatives[i].callback;
		/* a function the preload dropped may have left its slot to another value: only ours are set */
		if ((slot->kind == XS_CALLBACK_KIND) && (slot->value.callback.address == xs_native_at_preload))
			slot->value.callback.address = gPreloadedNatives[i].address;
	}
	free(gPreloadedNatives);
	gPreloadedNatives = NULL;
	gPreloadedCount = gPreloadedSize = 0;
	gNativesAtPreload = 0;
}

static void deferNative(txSlot* function, xsCallback address)
{
	if (gPreloadedCount == gPreloadedSize) {
		gPreloadedSize = gPreloadedSize ? 2 * gPreloadedSize : 64;
		gPreloadedNatives = realloc(gPreloadedNatives, (size_t)gPreloadedSize * sizeof(simPreloadedNative));
		if (!gPreloadedNatives) { fprintf(stderr, "xsdm: out of memory\n"); exit(SIM_EXIT_ABORT); }
	}
	txSlot* callback = function->next;
	gPreloadedNatives[gPreloadedCount++] = (simPreloadedNative){ callback, address };
	callback->value.callback.address = xs_native_at_preload;
}

static void xs_native(xsMachine* the)
{
	xsStringValue name = xsmcToString(xsArg(0));
	for (int t = 0; t < simCount(gTables); t++) {
		const simNativeTable* table = gTables[t];
		for (int i = 0; i < table->functionCount; i++) {
			if (!strcmp(table->functions[i].name, name)) {
				/* named, so that its errors read "xs_flash_read: ..." rather than "@anonymous-12: ..." */
				txSlot* function = fxNewHostFunction(the, table->functions[i].callback, table->functions[i].length, fxID(the, (txString)table->functions[i].name), XS_NO_ID);
				if (gNativesAtPreload) deferNative(function, table->functions[i].callback);
				xsResult = *the->stack;
				the->stack++;
				return;
			}
		}
	}
	xsReferenceError("native \"%s\" is not in this host", name);
}

static void xs_native_base(xsMachine* the)
{
	/* Make the instance from new.target's prototype: a subclass's prototype was itself made
	   from our host prototype, so it carries the hooks, and so will the instance. */
	if (!xsmcTest(xsTarget)) xsTypeError("a Native class needs new");
	xsmcVars(1);
	xsmcGet(xsVar(0), xsTarget, xsID("prototype"));
	xsResult = xsmcNewHostInstance(xsVar(0));
}

static void xs_Native(xsMachine* the)
{
	xsStringValue name = xsmcToString(xsArg(0));
	const simNativeClass* found = NULL;
	for (int t = 0; !found && (t < simCount(gTables)); t++) {
		const simNativeTable* table = gTables[t];
		for (int i = 0; i < table->classCount; i++)
			if (!strcmp(table->classes[i].name, name)) { found = &table->classes[i]; break; }
	}
	if (!found)
		xsReferenceError("Native \"%s\" is not in this host", name);
	xsmcVars(1);
	xsVar(0) = xsNewHostObject(NULL);
	xsSetHostHooks(xsVar(0), found->hooks);
	xsResult = xsNewHostConstructor(xs_native_base, 0, xsVar(0));
}

static void writeArguments(xsMachine* the, FILE* out)
{
	xsIntegerValue argc = xsmcArgc;
	for (xsIntegerValue i = 0; i < argc; i++) {
		if (i) fputc(' ', out);
		fputs(xsmcToString(xsArg(i)), out);
	}
	fputc('\n', out);
	fflush(out);
}

/* trace() is Moddable's; on the device it goes to the debug console, here to stderr,
   so it never mixes with what a program prints on stdout. */
static void xs_trace(xsMachine* the) { writeArguments(the, stderr); }
static void xs_console_log(xsMachine* the) { writeArguments(the, stdout); }
static void xs_console_error(xsMachine* the) { writeArguments(the, stderr); }

extern void simInstallTimers(xsMachine* the);

void simInstallGlobals(xsMachine* the)
{
	xsBeginHost(the);
	{
		xsmcVars(1);
		xsResult = xsNewHostFunction(xs_native, 1);
		xsmcDefine(xsGlobal, xsID("native"), xsResult, xsDontEnum);
		xsResult = xsNewHostFunction(xs_Native, 1);
		xsmcDefine(xsGlobal, xsID("Native"), xsResult, xsDontEnum);
		xsResult = xsNewHostFunction(xs_trace, 1);
		xsmcDefine(xsGlobal, xsID("trace"), xsResult, xsDontEnum);
		xsmcSetNewObject(xsVar(0));
		xsResult = xsNewHostFunction(xs_console_log, 1);
		xsmcSet(xsVar(0), xsID("log"), xsResult);
		xsResult = xsNewHostFunction(xs_console_error, 1);
		xsmcSet(xsVar(0), xsID("error"), xsResult);
		xsmcDefine(xsGlobal, xsID("console"), xsVar(0), xsDontEnum);
		simInstallTimers(the);
	}
	xsEndHost(the);
}
