// dm/tree: the DM tree. MO schemas as frozen tables, MO instances over the store, change sets
// committed atomically, access control (DMAcc Perm + DACMO) and cache validators.
export { Access, ACCESS_NAMES, FORMATS, childSchema, defineSchema, isHidden, isLeaf, schemaAt, type AccessName, type Format, type MoSchema, type Occurrence, type SchemaNode, type SchemaNodeSource } from "./schema.js";
export { decodeLeaf, encodeLeaf, encodeLeafText, leafText, validText, type LeafInput } from "./format.js";
export { NV_VALUE_MAX, Tree, type MoRegistration } from "./tree.js";
export { ChangeSet, DEVICE_WRITES, NAME_MAX, type WriteGuard, type WriteOp } from "./change-set.js";
export { AccessControl, DEVICE, Right, type Principal } from "./access.js";
export { notModified } from "./cache.js";
export { grantBootstrapRights, grantDeviceInstance } from "./default-rights.js";
export { accountOf, srvIdOf, type AccountView } from "./account.js";
