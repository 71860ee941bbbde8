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

/* Every *.js below directory, depth first. */
static void listModules(simPathList* list, const char* directory)
{
	DIR* dir = opendir(directory);
	if (!dir) return;
	struct dirent* entry;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.') continue;
		char path[PATH_MAX];
		int n = snprintf(path, sizeof(path), "%s/%s", directory, entry->d_name);
		if ((n < 0) || ((size_t)n >= sizeof(path))) continue;
		struct stat st;
		if (stat(path, &st) != 0) continue;
		if (S_ISDIR(st.st_mode)) listModules(list, path);
		else if (S_ISREG(st.st_mode) && (n > 3) && !strcmp(path + n - 3, ".js")) addPath(list, path);
	}
	closedir(dir);
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

size_t simSharedBytes(void)
{
	return gSharedBytes;
}

txMachine* simPreload(xsCreation* creation)
{
	/* modules/ (the manifest preloads all of it) and the host's embedded:* modules, which stand for
	   the SDK's own, preloaded on the device too */
	static const char* const directories[] = { "build/js/modules", "build/js/hosts/sim/embedded" };
	simPathList list = { NULL, 0, 0 };
	for (int i = 0; i < simCount(directories); i++) {
		char directory[PATH_MAX];
		snprintf(directory, sizeof(directory), "%s/%s", simRoot(), directories[i]);
		listModules(&list, directory);
	}
	if (!list.count) return NULL;
	qsort(list.paths, list.count, sizeof(char*), comparePaths);

	txMachine* root = xsCreateMachine(creation, "xsdm-preload", NULL);
	if (!root) {
		fprintf(stderr, "xsdm: cannot create the preload machine\n");
		exit(SIM_EXIT_ABORT);
	}
	simInstallGlobals(root);
	txMachine* the = root;
	for (int i = 0; (i < list.count) && !gPreloadFailed; i++) {
		gPreloading = list.paths[i];
		xsBeginHost(the);
		{
			txSlot* realm = mxProgram.value.reference->next->value.module.realm;
			mxPushStringC(list.paths[i]);
			fxRunImport(the, realm, XS_NO_ID);
			mxDub();
			fxGetID(the, mxID(_then));
			mxCall();
			fxNewHostFunction(the, onPreloaded, 1, XS_NO_ID, XS_NO_ID);
			fxNewHostFunction(the, onPreloadFailed, 1, XS_NO_ID, XS_NO_ID);
			mxRunCount(2);
			mxPop();
		}
		xsEndHost(the);
		while (simPromiseJobsPending) {
			simPromiseJobsPending = 0;
			fxRunPromiseJobs(the);
		}
		fxEndJob(the);
	}
	for (int i = 0; i < list.count; i++) free(list.paths[i]);
	free(list.paths);
	if (gPreloadFailed) exit(SIM_EXIT_FAILURE);
	fxShareMachine(root);
	pinChunks(root);
	gSharedBytes = (size_t)root->currentChunksSize + (size_t)root->currentHeapCount * sizeof(txSlot);
	return root;
}
