/*
 * The XS platform hooks xsdm provides: module resolution and loading, the promise
 * job queue, and what happens when XS aborts.
 *
 * Specifiers resolve like this:
 *   "./a.js", "../a.js"   relative to the importing module's file
 *   "/abs/a.js"           as is
 *   "embedded:io/x"       the sim host's own modules, build/js/hosts/sim/embedded/io/x.js
 *   "pkg", "@s/pkg/sub"   node_modules, walking up from the importer, through the
 *                         package.json "exports" map ("import", then "default"), else "main"
 * Every module is identified by its real path, so a file is evaluated once.
 */
#include "xsAll.h"
#include "xsScript.h"
#include "sim.h"
#include "platform.h"
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

static char gRoot[PATH_MAX];   /* the repository: two levels above build/sim/xsdm */

void simSetRoot(const char* exePath)
{
	char real[PATH_MAX];
	if (!realpath(exePath, real)) {
		fprintf(stderr, "xsdm: cannot locate itself (%s): %s\n", exePath, strerror(errno));
		exit(SIM_EXIT_USAGE);
	}
	for (int i = 0; i < 3; i++) {
		char* slash = strrchr(real, '/');
		if (slash) *slash = 0;
	}
	snprintf(gRoot, sizeof(gRoot), "%s", real);
}

const char* simRoot(void)
{
	return gRoot;
}

static int isFile(const char* path)
{
	struct stat st;
	return (stat(path, &st) == 0) && S_ISREG(st.st_mode);
}

static char* readWholeFile(const char* path, size_t* size)
{
	FILE* file = fopen(path, "rb");
	if (!file) return NULL;
	fseek(file, 0, SEEK_END);
	long length = ftell(file);
	fseek(file, 0, SEEK_SET);
	char* text = malloc(length + 1);
	if (text && (fread(text, 1, length, file) != (size_t)length)) {
		free(text);
		text = NULL;
	}
	fclose(file);
	if (text) {
		text[length] = 0;
		if (size) *size = length;
	}
	return text;
}

/* Joins a directory and a relative path, folding "." and ".." segments. */
static int joinPath(char* out, size_t size, const char* directory, const char* relative)
{
	char buffer[PATH_MAX * 2];
	if (relative[0] == '/')
		snprintf(buffer, sizeof(buffer), "%s", relative);
	else
		snprintf(buffer, sizeof(buffer), "%s/%s", directory, relative);
	char* segments[PATH_MAX / 2];
	int count = 0;
	char* save = NULL;
	for (char* s = strtok_r(buffer, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
		if (!strcmp(s, ".")) continue;
		if (!strcmp(s, "..")) { if (count) count--; continue; }
		segments[count++] = s;
	}
	size_t used = 0;
	out[0] = 0;
	for (int i = 0; i < count; i++) {
		int n = snprintf(out + used, size - used, "/%s", segments[i]);
		if ((n < 0) || ((size_t)n >= size - used)) return 0;
		used += n;
	}
	if (!count) snprintf(out, size, "/");
	return 1;
}

/* Reads key from the object on top of the XS stack; leaves the value pushed. */
static void pushProperty(txMachine* the, const char* key)
{
	mxDub();
	mxGetID(fxID(the, (txString)key));
}

/* With the package.json's "exports" value on the stack, finds the target for subpath
   ("." or "./x.js"). Returns 1 and fills target on success. */
static int resolveExportsTarget(txMachine* the, txSlot* value, char* target, size_t size, int depth)
{
	if (depth > 8) return 0;
	if ((value->kind == XS_STRING_KIND) || (value->kind == XS_STRING_X_KIND)) {
		snprintf(target, size, "%s", value->value.string);
		return 1;
	}
	if (value->kind != XS_REFERENCE_KIND) return 0;
	static const char* conditions[] = { "xs", "import", "module", "default" };
	for (int i = 0; i < 4; i++) {
		mxPushSlot(value);
		mxGetID(fxID(the, (txString)conditions[i]));
		int found = (the->stack->kind != XS_UNDEFINED_KIND) && resolveExportsTarget(the, the->stack, target, size, depth + 1);
		mxPop();
		if (found) return 1;
	}
	return 0;
}

static int resolvePackage(txMachine* the, const char* packageDirectory, const char* subpath, char* out, size_t size)
{
	char manifestPath[PATH_MAX];
	snprintf(manifestPath, sizeof(manifestPath), "%s/package.json", packageDirectory);
	size_t length;
	char* text = readWholeFile(manifestPath, &length);
	if (!text) return 0;
	int resolved = 0;
	char target[PATH_MAX] = "";
	mxTry(the) {
		mxPush(mxGlobal);
		mxGetID(fxID(the, "JSON"));
		mxDub();
		mxGetID(fxID(the, "parse"));
		mxCall();
		mxPushStringC(text);
		mxRunCount(1);
		/* stack: manifest (the call's result takes the place of its this, JSON) */
		pushProperty(the, "exports");
		if (the->stack->kind != XS_UNDEFINED_KIND) {
			char key[PATH_MAX];
			snprintf(key, sizeof(key), "%s%s", subpath[0] ? "./" : ".", subpath);
			txSlot* exports = the->stack;
			int sugar = (exports->kind == XS_STRING_KIND) || (exports->kind == XS_STRING_X_KIND);
			if (!sugar && (exports->kind == XS_REFERENCE_KIND)) {
				mxPushSlot(exports);
				mxGetID(fxID(the, "."));
				int hasDot = the->stack->kind != XS_UNDEFINED_KIND;
				mxPop();
				/* { "import": ..., "default": ... } without subpaths means ".": ... */
				if (!hasDot) {
					mxPushSlot(exports);
					mxGetID(fxID(the, "import"));
					sugar = the->stack->kind != XS_UNDEFINED_KIND;
					mxPop();
					if (!sugar) {
						mxPushSlot(exports);
						mxGetID(fxID(the, "default"));
						sugar = the->stack->kind != XS_UNDEFINED_KIND;
						mxPop();
					}
				}
			}
			if (sugar) {
				if (!subpath[0]) resolved = resolveExportsTarget(the, exports, target, sizeof(target), 0);
			}
			else {
				mxPushSlot(exports);
				mxGetID(fxNewNameC(the, key));
				if (the->stack->kind != XS_UNDEFINED_KIND)
					resolved = resolveExportsTarget(the, the->stack, target, sizeof(target), 0);
				mxPop();
			}
		}
		else if (!subpath[0]) {
			mxPop();
			pushProperty(the, "module");
			if (the->stack->kind == XS_UNDEFINED_KIND) {
				mxPop();
				pushProperty(the, "main");
			}
			if ((the->stack->kind == XS_STRING_KIND) || (the->stack->kind == XS_STRING_X_KIND)) {
				snprintf(target, sizeof(target), "%s", the->stack->value.string);
				resolved = 1;
			}
			else {
				snprintf(target, sizeof(target), "index.js");
				resolved = 1;
			}
		}
		else {
			snprintf(target, sizeof(target), "%s", subpath);
			resolved = 1;
		}
		mxPop();
		mxPop();
	}
	mxCatch(the) {
		fprintf(stderr, "xsdm: cannot read %s\n", manifestPath);
		resolved = 0;
	}
	free(text);
	if (!resolved) return 0;
	return joinPath(out, size, packageDirectory, target);
}

static int resolveBare(txMachine* the, const char* fromDirectory, const char* specifier, char* out, size_t size)
{
	char name[PATH_MAX];
	const char* subpath = "";
	const char* slash = strchr(specifier, '/');
	if ((specifier[0] == '@') && slash)
		slash = strchr(slash + 1, '/');
	if (slash) {
		snprintf(name, sizeof(name), "%.*s", (int)(slash - specifier), specifier);
		subpath = slash + 1;
	}
	else
		snprintf(name, sizeof(name), "%s", specifier);
	char directory[PATH_MAX];
	snprintf(directory, sizeof(directory), "%s", fromDirectory);
	for (;;) {
		char candidate[PATH_MAX];
		int n = snprintf(candidate, sizeof(candidate), "%s/node_modules/%s", strcmp(directory, "/") ? directory : "", name);
		struct stat st;
		if ((n > 0) && ((size_t)n < sizeof(candidate)) && (stat(candidate, &st) == 0) && S_ISDIR(st.st_mode))
			return resolvePackage(the, candidate, subpath, out, size);
		char* last = strrchr(directory, '/');
		if (!last || (last == directory && !directory[1])) break;
		if (last == directory) directory[1] = 0; else *last = 0;
	}
	return 0;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char specifier[PATH_MAX];
	char directory[PATH_MAX];
	char path[PATH_MAX];
	char real[PATH_MAX];
	(void)realm;
	/* what this leaves on XS's stack must be what it found: one slot popped too many is the
	   caller's (during preloading, the host frame's), which a collection later trips over */
	txSlot* stack = the->stack;
	fxToStringBuffer(the, slot, specifier, sizeof(specifier));
	if (moduleID != XS_NO_ID) {
		snprintf(directory, sizeof(directory), "%s", fxGetKeyName(the, moduleID));
		char* last = strrchr(directory, '/');
		if (last) *last = 0;
	}
	else if (!getcwd(directory, sizeof(directory)))
		snprintf(directory, sizeof(directory), "/");

	int found;
	if (!strncmp(specifier, "./", 2) || !strncmp(specifier, "../", 3) || (specifier[0] == '/'))
		found = joinPath(path, sizeof(path), directory, specifier);
	else if (!strncmp(specifier, "embedded:", 9)) {
		char relative[PATH_MAX];
		int n = snprintf(relative, sizeof(relative), "%s/build/js/hosts/sim/embedded/%s.js", gRoot, specifier + 9);
		found = (n > 0) && ((size_t)n < sizeof(relative)) && joinPath(path, sizeof(path), "/", relative);
	}
	else
		found = resolveBare(the, directory, specifier, path, sizeof(path));
	if (!found || !isFile(path) || !realpath(path, real)) {
		const char* from = (moduleID != XS_NO_ID) ? fxGetKeyName(the, moduleID) : "the command line";
		/* XS keeps 128 bytes of an error message: name the importer relative to the working
		   directory when it is below it, so the message fits wherever the project is checked out */
		char cwd[PATH_MAX];
		size_t n = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0;
		if (n > 1 && !strncmp(from, cwd, n) && from[n] == '/') from += n + 1;
		mxReferenceError("module \"%s\" not found (imported by %s)", specifier, from);
	}
	if (the->stack != stack) {
		fprintf(stderr, "xsdm: resolving \"%s\" left XS's stack unbalanced\n", specifier);
		fxAbort(the, XS_FATAL_CHECK_EXIT);
	}
	return fxNewNameC(the, real);
}

static void reportParserDiagnostic(const char* kind, const char* path, txInteger line, txString format, c_va_list arguments)
{
	fprintf(stderr, "%s:%d: %s: ", path ? path : "?", (int)line, kind);
	vfprintf(stderr, format, arguments);
	fputc('\n', stderr);
}

static void reportParserError(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	reportParserDiagnostic("syntax error", path, line, format, arguments);
}

static void reportParserWarning(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	reportParserDiagnostic("warning", path, line, format, arguments);
}

/* XS's parser must not chase "//# sourceMappingURL" comments to files that do not exist;
   tsc emits none (sourceMap is off), so the script is parsed as read. */
void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	txString path = fxGetKeyName(the, moduleID);
	FILE* file = fopen(path, "r");
	if (!file)
		mxReferenceError("module %s: %s", path, strerror(errno));
	txParser _parser;
	txParser* parser = &_parser;
	txParserJump jump;
	txScript* script = NULL;
	fxInitializeParser(parser, the, the->parserBufferSize, the->parserTableModulo);
	parser->firstJump = &jump;
	parser->reportError = reportParserError;
	parser->reportWarning = reportParserWarning;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser->path = fxNewParserSymbol(parser, path);
		fxParserTree(parser, file, (txGetter)fgetc, mxDebugFlag, NULL);
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	fclose(file);
	fxTerminateParser(parser);
	if (!script)
		mxSyntaxError("module %s: cannot be parsed (see the error above)", path);
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
}

/* Every block XS takes from the system carries its size in front, so frees can be counted. */
typedef union { size_t size; max_align_t align; } simBlockHeader;
static size_t gAllocated = 0;
static int gLimitArmed = 0;

/* The machine's creation (its stack and first blocks) cannot fail gracefully in XS, so the
   limit applies from the first allocation after it: a too-small limit then means "memory full". */
void simArmHeapLimit(void)
{
	gLimitArmed = 1;
}

/* The preloaded machine's blocks are never freed: they leave the count for good. */
void simResetAllocated(void)
{
	gAllocated = 0;
}

static void* allocateCounted(size_t size)
{
	if (gLimitArmed && ((size > gSimOptions.heapLimit) || (gAllocated > gSimOptions.heapLimit - size)))
		return NULL;    /* XS aborts with XS_NOT_ENOUGH_MEMORY_EXIT */
	simBlockHeader* block = malloc(sizeof(simBlockHeader) + size);
	if (!block) return NULL;
	block->size = size;
	gAllocated += size;
	return block + 1;
}

static void freeCounted(void* data)
{
	if (!data) return;
	simBlockHeader* block = (simBlockHeader*)data - 1;
	gAllocated -= block->size;
	free(block);
}

void* fxAllocateChunks(txMachine* the, txSize size)
{
	(void)the;
	return allocateCounted((size_t)size);
}

void fxFreeChunks(txMachine* the, void* chunks)
{
	(void)the;
	freeCounted(chunks);
}

txSlot* fxAllocateSlots(txMachine* the, txSize count)
{
	(void)the;
	return allocateCounted((size_t)count * sizeof(txSlot));
}

void fxFreeSlots(txMachine* the, void* slots)
{
	(void)the;
	freeCounted(slots);
}

void fxQueuePromiseJobs(txMachine* the)
{
	(void)the;
	simPromiseJobsPending = 1;
}

static void reportException(txMachine* the, const char* what)
{
	/* Called from a catch that has not unwound yet (xsEndHost's else branch): return the
	   machine to the state the innermost jump saved, so that reading .stack is safe. */
	txJump* jump = the->firstJump;
	if (jump) {
		the->stack = jump->stack;
		the->scope = jump->scope;
		the->frame = jump->frame;
		the->code = jump->code;
	}
	/* Prefer error.stack: with line tracking on it ends "at f (file:line)". */
	txSlot exception = mxException;
	mxException = mxUndefined;
	char* volatile text = NULL;   /* assigned inside mxTry, read after a longjmp */
	mxTry(the) {
		mxPushSlot(&exception);
		if (exception.kind == XS_REFERENCE_KIND) {
			mxDub();
			mxGetID(mxID(_stack));
			if ((the->stack->kind == XS_STRING_KIND) || (the->stack->kind == XS_STRING_X_KIND))
				text = strdup(the->stack->value.string);
			mxPop();
		}
		if (!text)
			text = strdup(fxToString(the, the->stack));
		mxPop();
	}
	mxCatch(the) {
		text = strdup("(the exception could not be converted to a string)");
	}
	fprintf(stderr, "xsdm: %s: %s\n", what, text ? text : "?");
	free(text);
}

void fxAbort(txMachine* the, int status)
{
	switch (status) {
	case XS_UNHANDLED_EXCEPTION_EXIT:
		reportException(the, "uncaught exception");
		simExit(the, SIM_EXIT_FAILURE);
	case XS_UNHANDLED_REJECTION_EXIT:
		reportException(the, "unhandled promise rejection");
		simExit(the, SIM_EXIT_FAILURE);
	case XS_NOT_ENOUGH_MEMORY_EXIT:
		fprintf(stderr, "xsdm: XS memory full\n");
		simExit(the, SIM_EXIT_ABORT);
	case XS_STACK_OVERFLOW_EXIT:
		fprintf(stderr, "xsdm: XS stack overflow\n");
		simExit(the, SIM_EXIT_ABORT);
	default:
		fprintf(stderr, "xsdm: XS aborted (status %d)\n", status);
		simExit(the, SIM_EXIT_ABORT);
	}
}
