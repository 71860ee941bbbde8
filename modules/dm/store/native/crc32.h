/* CRC-32 for modules/dm/store on XS; registered by each host's native table. */
#ifndef DM_STORE_CRC32_H
#define DM_STORE_CRC32_H
#include "xsmc.h"

/* xs_store_crc32(bytes, previous): the CRC-32 of bytes continued from previous (0 to start). */
void xs_store_crc32(xsMachine* the);

#endif
