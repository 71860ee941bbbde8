/* The host function of modules/bytes' span (span.ts), for a host's registration table. */
#ifndef MODULES_BYTES_NATIVE_SPAN_H
#define MODULES_BYTES_NATIVE_SPAN_H
#include "xsmc.h"
/* xs_bytes_span(text, set, from, above): the index of the first code unit of text at or after
   `from` that is not in set (a 32-byte bitmap of 0..0xff; units above 0xff are in it when `above`
   is true), or -1 when there is none. Indexes count as the engine's charCodeAt does. */
void xs_bytes_span(xsMachine* the);
/* xs_bytes_span_bytes(bytes, set, from): the same over the bytes of a Uint8Array (every byte by the
   bitmap), or -1. */
void xs_bytes_span_bytes(xsMachine* the);
#endif
