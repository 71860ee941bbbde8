// dm/store: the DM tree's persistence, a journal of atomic transactions on NOR flash.
export { crc32, crc32Reference } from "./crc32.js";
export { hashKey, hashKeyReference, indexOfHash, indexOfReference, lowerBound, lowerBoundReference, sameAt, sameAtReference } from "./key-index.js";
export { STORE_PARTITION, storeFlash, type Flash, type FlashPartition } from "./flash.js";
export * from "./keys.js";
export { FRAGMENT_MAX, Store, StoreFormatError, Transaction, type StoreOptions } from "./journal.js";
