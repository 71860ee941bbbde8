/*
 * embedded:storage/flash in the Moddable SDK's shape (its modules/io/flash/esp32): open({path})
 * names a partition; the partition reads read(byteLength | buffer, byteOffset), programs
 * write(buffer, byteOffset), erases eraseBlock(start[, end]) (blocks start..end-1), reports
 * status() {size, blockLength, blocks} and close()s. open({mode: "r"}) gives a read-only one.
 * xsdm has one data partition, SIM_FLASH_PARTITION ("dmstore", the store's journal, as in
 * hosts/esp32/partitions.csv): NOR flash in a file (--flash FILE --flash-size BYTES
 * --flash-block BYTES). Erased bytes are 0xFF, programming can only clear bits, and a block is
 * the unit of erase. A program that would set a bit throws and writes nothing, so a store bug
 * shows here instead of on a device. Tests may add { file, byteLength, blockLength } to open()'s
 * options (xsdm only) to open another file as that partition.
 *
 * With --firmware-slot BYTES the same file also holds the firmware partitions after dmstore, as
 * ESP-IDF's partition table has them: "otadata" (two blocks: the boot record's two copies),
 * "ota_0" and "ota_1" (BYTES each, a multiple of the block). The file is then --flash-size +
 * 2 blocks + 2 slots long. hosts/sim/firmware reads and writes them (the boot loader and
 * FirmwareSlots); "running" and "nextota" are the SDK's names on the ESP32, not xsdm's.
 *
 * The power-cut injector (--powercut N) counts program and erase operations from 1 across the
 * process; the N-th one changes only a prefix of its bytes (length derived from N, 0 included)
 * and the process ends at once with status 86, as if power failed mid-operation.
 */
#include "sim.h"
#include <fcntl.h>
#include <sys/stat.h>

#define SIM_FLASH_PARTITION "dmstore"

typedef struct {
	int fd;
	int readOnly;
	uint32_t base;         /* the partition's first byte in the file */
	uint32_t byteLength;
	uint32_t blockLength;
	const char* name;      /* the partition's, for the power cut's message */
} FlashRecord;

static uint32_t gOperations = 0;   /* program + erase operations so far, for --powercut */

static void flashDestructor(void* data)
{
	FlashRecord* flash = data;
	if (flash) {
		if (flash->fd >= 0) close(flash->fd);
		free(flash);
	}
}

static const xsHostHooks flashHooks = { flashDestructor, NULL, NULL };

static FlashRecord* getFlash(xsMachine* the)
{
	FlashRecord* flash = xsmcGetHostDataValidate(xsThis, (void*)&flashHooks);
	if (!flash) xsUnknownError("flash is closed");
	return flash;
}

static long optionNumber(xsMachine* the, const char* name, long fallback)
{
	if ((xsmcArgc < 1) || !xsmcTest(xsArg(0))) return fallback;
	xsmcVars(1);
	xsmcGet(xsVar(0), xsArg(0), xsID((char*)name));
	if (!xsmcTest(xsVar(0))) return fallback;
	return (long)xsmcToNumber(xsVar(0));
}

/* partition.open({ path, mode? } [, file, byteLength, blockLength]), called on the new partition
   object by embedded:storage/flash's open(): the partition's geometry from the command line unless the (xsdm-only) options say otherwise */
static void xs_flash_open(xsMachine* the)
{
	char name[64], path[1024], mode[8];
	name[0] = path[0] = 0;
	strcpy(mode, "r+");
	if ((xsmcArgc < 1) || !xsmcTest(xsArg(0))) xsTypeError("open({ path }): give the partition's name");
	xsmcVars(1);
	xsmcGet(xsVar(0), xsArg(0), xsID("path"));
	if (!xsmcTest(xsVar(0))) xsUnknownError("no path: open({ path: \"" SIM_FLASH_PARTITION "\" })");
	xsmcToStringBuffer(xsVar(0), name, sizeof(name));
	/* which partition: dmstore first, then (with --firmware-slot) otadata, ota_0, ota_1 */
	int index = -1;
	static const char* const names[] = { SIM_FLASH_PARTITION, "otadata", "ota_0", "ota_1" };
	for (int n = 0; n < (gSimOptions.firmwareSlot ? 4 : 1); n++) if (!strcmp(name, names[n])) index = n;
	if (index < 0) {
		if (gSimOptions.firmwareSlot) xsUnknownError("can't find partition %s: xsdm has " SIM_FLASH_PARTITION ", otadata, ota_0, ota_1", name);
		xsUnknownError("can't find partition %s: xsdm has " SIM_FLASH_PARTITION " (--flash FILE; firmware slots with --firmware-slot BYTES)", name);
	}
	xsmcGet(xsVar(0), xsArg(0), xsID("mode"));
	if (xsmcTest(xsVar(0))) xsmcToStringBuffer(xsVar(0), mode, sizeof(mode));
	if (strcmp(mode, "r") && strcmp(mode, "r+")) xsRangeError("invalid mode %s: r or r+", mode);
	if (gSimOptions.flashPath) snprintf(path, sizeof(path), "%s", gSimOptions.flashPath);
	xsmcGet(xsVar(0), xsArg(0), xsID("file"));
	if (xsmcTest(xsVar(0))) xsmcToStringBuffer(xsVar(0), path, sizeof(path));
	if (!path[0]) xsUnknownError("no flash file: start xsdm with --flash FILE ");
	long byteLength = optionNumber(the, "byteLength", gSimOptions.flashSize);
	long blockLength = optionNumber(the, "blockLength", gSimOptions.flashBlock ? gSimOptions.flashBlock : 4096);
	xsmcGet(xsVar(0), xsArg(0), xsID("file"));
	/* a test's own file is that one partition; the command line's holds the firmware ones too */
	long slot = xsmcTest(xsVar(0)) ? 0 : gSimOptions.firmwareSlot;
	long firmware = slot ? 2 * blockLength + 2 * slot : 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) xsUnknownError("cannot open flash file %s: %s", path, strerror(errno));
	struct stat st;
	fstat(fd, &st);
	if (!byteLength) byteLength = st.st_size - firmware;
	if ((byteLength <= 0) || (blockLength <= 0) || (byteLength % blockLength) || (slot % blockLength) || (byteLength + firmware > 0x40000000)) {
		close(fd);
		xsRangeError("flash size %ld and firmware slot %ld must be positive multiples of the block size %ld (give --flash-size)", byteLength, slot, blockLength);
	}
	long base = 0, size = byteLength;
	if (index == 1) { base = byteLength; size = 2 * blockLength; }
	else if (index >= 2) { base = byteLength + 2 * blockLength + (index - 2) * slot; size = slot; }
	byteLength += firmware;   /* the whole file, from here to its checks */
	if (st.st_size == 0) {
		/* a new part arrives erased */
		uint8_t erased[4096];
		memset(erased, 0xFF, sizeof(erased));
		for (long at = 0; at < byteLength; at += sizeof(erased)) {
			long n = (byteLength - at) < (long)sizeof(erased) ? (byteLength - at) : (long)sizeof(erased);
			if (pwrite(fd, erased, n, at) != n) {
				close(fd);
				xsUnknownError("cannot initialise flash file %s: %s", path, strerror(errno));
			}
		}
	}
	else if (st.st_size != byteLength) {
		close(fd);
		xsRangeError("flash file %s holds %ld bytes, not the %ld asked for: delete it or give its size", path, (long)st.st_size, byteLength);
	}
	FlashRecord* flash = calloc(1, sizeof(FlashRecord));
	if (!flash) { close(fd); xsUnknownError("no memory"); }
	flash->fd = fd;
	flash->base = (uint32_t)base;
	flash->byteLength = (uint32_t)size;
	flash->blockLength = (uint32_t)blockLength;
	flash->readOnly = !strcmp(mode, "r");
	flash->name = names[index];
	xsmcSetHostData(xsThis, flash);
}

static void xs_flash_close(xsMachine* the)
{
	FlashRecord* flash = xsmcGetHostDataValidate(xsThis, (void*)&flashHooks);
	if (!flash) return;
	flashDestructor(flash);
	xsmcSetHostData(xsThis, NULL);
}

static uint32_t checkedRange(xsMachine* the, FlashRecord* flash, xsIntegerValue offset, xsUnsignedValue length)
{
	if ((offset < 0) || ((uint64_t)offset + length > flash->byteLength))
		xsRangeError("flash range %d+%u is outside 0..%u", (int)offset, (unsigned)length, (unsigned)flash->byteLength);
	return (uint32_t)offset;
}

static void readOrFail(xsMachine* the, FlashRecord* flash, void* into, uint32_t length, uint32_t offset)
{
	if (pread(flash->fd, into, length, (off_t)flash->base + offset) != (ssize_t)length)
		xsUnknownError("flash read failed: %s", strerror(errno));
}

static void writeOrFail(xsMachine* the, FlashRecord* flash, const void* from, uint32_t length, uint32_t offset)
{
	if (length && (pwrite(flash->fd, from, length, (off_t)flash->base + offset) != (ssize_t)length))
		xsUnknownError("flash write failed: %s", strerror(errno));
}

/* The N-th operation under --powercut: only a prefix of its bytes lands, then power is gone. */
static void powerCut(xsMachine* the, FlashRecord* flash, const uint8_t* bytes, uint32_t length, uint32_t offset)
{
	uint32_t prefix = (uint32_t)(((uint64_t)gOperations * 2654435761u) % ((uint64_t)length + 1));
	writeOrFail(the, flash, bytes, prefix, offset);
	fprintf(stderr, "xsdm: power cut at flash operation %u (%u of %u bytes at offset %u of %s written)\n",
		(unsigned)gOperations, (unsigned)prefix, (unsigned)length, (unsigned)offset, flash->name);
	simExit(the, SIM_EXIT_POWERCUT);
}

static void countOperation(xsMachine* the, FlashRecord* flash, const uint8_t* bytes, uint32_t length, uint32_t offset)
{
	gOperations++;
	if (gSimOptions.powercutAt && (gOperations == (uint32_t)gSimOptions.powercutAt))
		powerCut(the, flash, bytes, length, offset);
}

/* read(byteLength, byteOffset) → ArrayBuffer; read(buffer, byteOffset) fills buffer, → its length */
static void xs_flash_read(xsMachine* the)
{
	FlashRecord* flash = getFlash(the);
	xsIntegerValue offset = xsmcToInteger(xsArg(1));
	int type = xsmcTypeOf(xsArg(0));
	if ((type == xsIntegerType) || (type == xsNumberType)) {
		xsIntegerValue length = xsmcToInteger(xsArg(0));
		if (length < 0) xsRangeError("negative length");
		checkedRange(the, flash, offset, (xsUnsignedValue)length);
		xsmcSetArrayBuffer(xsResult, NULL, length);
		void* data = xsmcToArrayBuffer(xsResult);   /* re-fetched after the allocation */
		readOrFail(the, flash, data, (uint32_t)length, (uint32_t)offset);
	}
	else {
		void* data;
		xsUnsignedValue length;
		xsmcGetBufferWritable(xsArg(0), &data, &length);
		checkedRange(the, flash, offset, length);
		readOrFail(the, flash, data, (uint32_t)length, (uint32_t)offset);
		xsmcSetInteger(xsResult, length);
	}
}

/* write(buffer, byteOffset): programs bytes; throws, writing nothing, if it would set a bit */
static void xs_flash_write(xsMachine* the)
{
	FlashRecord* flash = getFlash(the);
	if (flash->readOnly) xsUnknownError("read-only: open the partition with mode r+");
	xsIntegerValue offset = xsmcToInteger(xsArg(1));
	void* source;
	xsUnsignedValue length;
	xsmcGetBufferReadable(xsArg(0), &source, &length);
	checkedRange(the, flash, offset, length);
	uint8_t* bytes = malloc(length ? length : 1);
	uint8_t* current = malloc(length ? length : 1);
	if (!bytes || !current) { free(bytes); free(current); xsUnknownError("no memory"); }
	memcpy(bytes, source, length);   /* no XS allocation below, but keep our own copy anyway */
	if (pread(flash->fd, current, length, (off_t)flash->base + offset) != (ssize_t)length) {
		free(bytes); free(current);
		xsUnknownError("flash read failed: %s", strerror(errno));
	}
	for (uint32_t i = 0; i < length; i++) {
		if ((current[i] & bytes[i]) != bytes[i]) {
			unsigned at = (unsigned)offset + i, was = current[i], want = bytes[i];
			free(bytes); free(current);
			xsRangeError("flash: programming 0x%02x over 0x%02x at offset %u would set bits; erase the block first", want, was, at);
		}
	}
	free(current);
	countOperation(the, flash, bytes, length, (uint32_t)offset);
	if (pwrite(flash->fd, bytes, length, (off_t)flash->base + offset) != (ssize_t)length) {
		free(bytes);
		xsUnknownError("flash write failed: %s", strerror(errno));
	}
	free(bytes);
}

/* eraseBlock(start[, end]): every byte of blocks start..end-1 (end: start + 1) becomes 0xFF, one
   block at a time (each one program/erase operation for --powercut) */
static void xs_flash_eraseBlock(xsMachine* the)
{
	FlashRecord* flash = getFlash(the);
	if (flash->readOnly) xsUnknownError("read-only: open the partition with mode r+");
	xsIntegerValue start = xsmcToInteger(xsArg(0));
	xsIntegerValue end = (xsmcArgc > 1) ? xsmcToInteger(xsArg(1)) : start + 1;
	uint32_t count = flash->byteLength / flash->blockLength;
	if ((start < 0) || (end <= start) || ((uint32_t)end > count))
		xsRangeError("flash blocks %d..%d are outside 0..%u", (int)start, (int)end - 1, (unsigned)(count - 1));
	uint8_t* erased = malloc(flash->blockLength);
	if (!erased) xsUnknownError("no memory");
	memset(erased, 0xFF, flash->blockLength);
	for (xsIntegerValue block = start; block < end; block++) {
		uint32_t offset = (uint32_t)block * flash->blockLength;
		countOperation(the, flash, erased, flash->blockLength, offset);
		ssize_t n = pwrite(flash->fd, erased, flash->blockLength, (off_t)flash->base + offset);
		if (n != (ssize_t)flash->blockLength) { free(erased); xsUnknownError("flash erase failed: %s", strerror(errno)); }
	}
	free(erased);
}

/* status() → { size, blockLength, blocks } */
static void xs_flash_status(xsMachine* the)
{
	FlashRecord* flash = getFlash(the);
	xsmcVars(1);
	xsmcSetNewObject(xsResult);
	xsmcSetInteger(xsVar(0), flash->byteLength);
	xsmcSet(xsResult, xsID("size"), xsVar(0));
	xsmcSetInteger(xsVar(0), flash->blockLength);
	xsmcSet(xsResult, xsID("blockLength"), xsVar(0));
	xsmcSetInteger(xsVar(0), flash->byteLength / flash->blockLength);
	xsmcSet(xsResult, xsID("blocks"), xsVar(0));
}

static void xs_flash_operations(xsMachine* the) { xsmcSetNumber(xsResult, gOperations); }

/* the partitions' names: dmstore, and with --firmware-slot otadata, ota_0, ota_1 */
static void xs_flash_partitions(xsMachine* the)
{
	static const char* const names[] = { SIM_FLASH_PARTITION, "otadata", "ota_0", "ota_1" };
	int count = gSimOptions.firmwareSlot ? 4 : 1;
	xsmcVars(1);
	xsmcSetNewArray(xsResult, count);
	for (int n = 0; n < count; n++) {
		xsmcSetString(xsVar(0), (char*)names[n]);
		xsmcSetIndex(xsResult, n, xsVar(0));
	}
}

static const simNativeFunction functions[] = {
	{ "xs_flash_open", xs_flash_open, 1 },
	{ "xs_flash_close", xs_flash_close, 0 },
	{ "xs_flash_read", xs_flash_read, 2 },
	{ "xs_flash_write", xs_flash_write, 2 },
	{ "xs_flash_erase_block", xs_flash_eraseBlock, 2 },
	{ "xs_flash_status", xs_flash_status, 0 },
	{ "xs_flash_operations", xs_flash_operations, 0 },
	{ "xs_flash_partitions", xs_flash_partitions, 0 },
};
static const simNativeClass classes[] = {
	{ "xs_flash_destructor", &flashHooks },
};

const simNativeTable simFlashNatives = { functions, simCount(functions), classes, simCount(classes) };
