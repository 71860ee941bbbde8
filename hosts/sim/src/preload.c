/*
 * Preloading: what the Moddable SDK's build does to a device's modules, done at start-up.
 *
 * On the device, xsl runs every module the manifest preloads at build time and links the result
 * into flash: the modules' code, functions, frozen tables and strings live in ROM, the garbage
 * collector never marks them, and an object a module leaves mutable is copied into RAM the first
 * time it is written ("aliased"). xsdm does the same with XS's own machinery: a first machine
 * imports every compiled module under build/js/modules (the manifest preloads all of modules/)
 * and the host's embedded:* modules,
 * is shared with fxShareMachine (its slots are marked for good, its mutable objects get alias
 * numbers), and the program runs in a clone of it. The clone's collector stops at the shared
 * heap as the device's stops at ROM, so CPU and heap figures measure what a device runs.
 *
 * One fix-up makes the shared heap safe to point at from the clone: a collection relocates every
 * chunk pointer through the chunk header's `temporary` field, which the clone never rewrites for
 * chunks it does not own. After the last collection of the shared machine, that field holds the
 * next chunk's address; setting it to the chunk itself makes every relocation an identity, and
 * makes fxRenewChunk see no spare capacity (so a shared string is never grown in place).
 */
#include "xsAll.h"
#include "sim.h"
#include "platform.h"
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

typedef struct { char** paths; int count; int capacity; } simPathList;

static void addPath(simPathList* list, const char* path)
{
	if (list->count == list->capacity) {
		list->capacity = list->capacity ? list->capacity * 2 : 256;
		list->paths = realloc(list->paths, list->capacity * sizeof(char*));
		if (!list->paths) { fprintf(stderr, "xsdm: out of memory listing modules\n"); exit(SIM_EXIT_ABORT); }
	}
	list->paths[list->count++] = strdup(path);
}

static int hasPath(const simPathList* list, const char* path)
{
	for (int i = 0; i < list->count; i++) if (!strcmp(list->paths[i], path)) return 1;
	return 0;
}

static char* readText(const char* path)
{
	FILE* file = fopen(path, "rb");
	if (!file) return NULL;
	fseek(file, 0, SEEK_END);
	long length = ftell(file);
	fseek(file, 0, SEEK_SET);
	char* text = (length >= 0) ? malloc(length + 1) : NULL;
	if (text && (fread(text, 1, length, file) != (size_t)length)) { free(text); text = NULL; }
	fclose(file);
	if (text) text[length] = 0;
	return text;
}

/* Where a module is preloaded from: modules/, the host's embedded:* modules, what the boards'
   hosts share (hosts/common: their manifests preload it), packages (wherever node_modules really
   is: a worktree's may be a link to another checkout's). */
static int preloadable(const char* path)
{
	static const char* const places[] = { "/build/js/modules/", "/build/js/hosts/sim/embedded/", "/build/js/hosts/common/" };
	if (strstr(path, "/node_modules/")) return 1;
	size_t root = strlen(simRoot());
	if (strncmp(path, simRoot(), root)) return 0;
	for (int i = 0; i < simCount(places); i++) if (!strncmp(path + root, places[i], strlen(places[i]))) return 1;
	return 0;
}

/* The specifiers of a compiled module's static imports: `from "x"` (import ... from, export ...
   from) and `import "x"`. A string that only looks like one resolves to no file and is skipped. */
static void eachSpecifier(const char* text, void (*found)(const char* specifier, void* context), void* context)
{
	static const char* const keys[] = { "from \"", "import \"", "from '", "import '" };
	for (int k = 0; k < simCount(keys); k++) {
		size_t length = strlen(keys[k]);
		char quote = keys[k][length - 1];
		for (const char* at = strstr(text, keys[k]); at; at = strstr(at + 1, keys[k])) {
			const char* start = at + length;
			const char* end = strchr(start, quote);
			if (!end || (end - start) >= PATH_MAX || memchr(start, '\n', end - start)) continue;
			char specifier[PATH_MAX];
			memcpy(specifier, start, end - start);
			specifier[end - start] = 0;
			found(specifier, context);
		}
	}
}

typedef struct { txMachine* the; const char* from; simPathList* preload; simPathList* scan; } simScan;

/* Resolves a specifier as the loader would (fxFindModule) and files the module. */
static void fileSpecifier(const char* specifier, void* context)
{
	simScan* scan = context;
	txMachine* the = scan->the;
	char path[PATH_MAX];
	path[0] = 0;
	mxTry(the) {
		txSlot* realm = mxProgram.value.reference->next->value.module.realm;
		txID from = fxNewNameC(the, (txString)scan->from);
		mxPushStringC((txString)specifier);
		txID id = fxFindModule(the, realm, from, the->stack);
		mxPop();
		if (id != XS_NO_ID) snprintf(path, sizeof(path), "%s", fxGetKeyName(the, id));
	}
	mxCatch(the) {
		mxException = mxUndefined;   /* not a module: left to the program to report, if it imports it */
	}
	if (!path[0]) return;
	if (preloadable(path)) { if (!hasPath(scan->preload, path)) addPath(scan->preload, path); }
	else if (!hasPath(scan->scan, path)) addPath(scan->scan, path);
}

/* The preloadable modules the entry imports statically, through any number of its own files. */
static void collectImports(txMachine* the, const char* entry, simPathList* preload)
{
	simPathList scan = { NULL, 0, 0 };
	addPath(&scan, entry);
	xsBeginHost(the);
	{
		for (int i = 0; i < scan.count; i++) {
			char* text = readText(scan.paths[i]);
			if (!text) continue;
			simScan context = { the, scan.paths[i], preload, &scan };
			eachSpecifier(text, fileSpecifier, &context);
			free(text);
		}
	}
	xsEndHost(the);
	for (int i = 0; i < scan.count; i++) free(scan.paths[i]);
	free(scan.paths);
}

static int comparePaths(const void* a, const void* b)
{
	return strcmp(*(char* const*)a, *(char* const*)b);
}

/* Identity relocation for every chunk of the shared machine (see the comment at the top). */
static void pinChunks(txMachine* the)
{
	for (txBlock* block = the->firstBlock; block; block = block->nextBlock) {
		txByte* current = ((txByte*)block) + sizeof(txBlock);
		while (current < block->current) {
			txChunk* chunk = (txChunk*)current;
			txByte* next = chunk->temporary;
			chunk->temporary = current;
			current = next;
		}
	}
}

static size_t gSharedBytes = 0;
static const char* gPreloading = NULL;
static int gPreloadFailed = 0;

static void onPreloaded(txMachine* the) { (void)the; }

/* A module that throws while it is evaluated would stop the device's build; here it stops xsdm. */
static void onPreloadFailed(txMachine* the)
{
	fprintf(stderr, "xsdm: preloading %s: %s\n", gPreloading, fxToString(the, mxArgv(0)));
	gPreloadFailed = 1;
}

/* Imports the module at path; fulfilled or rejected gets its outcome once the promise jobs run.
   The entry (main.c) and each preloaded module are loaded this way. */
void simImport(txMachine* the, const char* path, xsCallback fulfilled, xsCallback rejected)
{
	xsBeginHost(the);
	{
		txSlot* realm = mxProgram.value.reference->next->value.module.realm;
		mxPushStringC((txString)path);
		fxRunImport(the, realm, XS_NO_ID);
		mxDub();
		fxGetID(the, mxID(_then));
		mxCall();
		fxNewHostFunction(the, fulfilled, 1, XS_NO_ID, XS_NO_ID);
		fxNewHostFunction(the, rejected, 1, XS_NO_ID, XS_NO_ID);
		mxRunCount(2);
		mxPop();
	}
	xsEndHost(the);
}

size_t simSharedBytes(void)
{
	return gSharedBytes;
}

txMachine* simPreload(xsCreation* creation, const char* entry)
{
	txMachine* root = xsCreateMachine(creation, "xsdm-preload", NULL);
	if (!root) {
		fprintf(stderr, "xsdm: cannot create the preload machine\n");
		exit(SIM_EXIT_ABORT);
	}
	simPathList list = { NULL, 0, 0 };
	char real[PATH_MAX];
	if (realpath(entry, real)) collectImports(root, real, &list);
	if (!list.count) {
		/* nothing of modules/ to preload: the program runs in a machine of its own */
		free(list.paths);
		xsDeleteMachine(root);
		return NULL;
	}
	qsort(list.paths, list.count, sizeof(char*), comparePaths);
	simInstallGlobals(root);
	simBeginPreloadNatives();
	txMachine* the = root;
	for (int i = 0; (i < list.count) && !gPreloadFailed; i++) {
		gPreloading = list.paths[i];
		simImport(the, list.paths[i], onPreloaded, onPreloadFailed);
		while (simPromiseJobsPending) {
			simPromiseJobsPending = 0;
			fxRunPromiseJobs(the);
		}
		fxEndJob(the);
	}
	for (int i = 0; i < list.count; i++) free(list.paths[i]);
	free(list.paths);
	if (gPreloadFailed) exit(SIM_EXIT_FAILURE);
	simEndPreloadNatives();
	fxShareMachine(root);
	pinChunks(root);
	gSharedBytes = (size_t)root->currentChunksSize + (size_t)root->currentHeapCount * sizeof(txSlot);
	return root;
}
