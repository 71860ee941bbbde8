/* The store's key hash and comparison for modules/dm/store on XS; registered by each host's native table. */
#ifndef DM_STORE_KEYS_H
#define DM_STORE_KEYS_H
#include "xsmc.h"

/* xs_store_hash_key(bytes): FNV-1a (32-bit) of the bytes, as an unsigned number. */
void xs_store_hash_key(xsMachine* the);
/* xs_store_lower_bound(buffer, byteOffset, count, hash): over the Uint32Array at byteOffset of buffer, the first of
   hashes[0..count) (sorted) not below hash, or count. */
void xs_store_lower_bound(xsMachine* the);
/* xs_store_index_of(buffer, byteOffset, count, value, from): over the Uint32Array at byteOffset of buffer, the first of
   slots [from..count) that holds value, or -1. */
void xs_store_index_of(xsMachine* the);
/* xs_store_same_at(a, at, b): whether a holds the bytes of b from byte `at` on (a may go on after them). */
void xs_store_same_at(xsMachine* the);

#endif
