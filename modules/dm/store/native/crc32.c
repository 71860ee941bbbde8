/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), the same function as crc32.ts, for the
 * journal's mount: the TypeScript loop costs ~0.6 s a MiB on the simulator host and tens of times
 * that on an ESP32, so mounting a full journal partition would take seconds. Not cryptographic.
 */
#include "crc32.h"
#include <stdint.h>

static uint32_t table[256];
static int tableReady;

static void makeTable(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
	tableReady = 1;
}

void xs_store_crc32(xsMachine* the)
{
	void* data;
	xsUnsignedValue size;
	uint32_t c = (xsmcArgc > 1) ? ~(uint32_t)xsmcToInteger(xsArg(1)) : 0xFFFFFFFFu;
	if (!tableReady) makeTable();
	/* no allocation below, so the pointer into the XS heap stays valid */
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	const uint8_t* p = data;
	for (xsUnsignedValue i = 0; i < size; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	xsmcSetNumber(xsResult, (double)(uint32_t)~c);
}
