// dm/uri: how a server names nodes (ClientURI, 6.1) and where the device reaches a server (ServerURI, 6.2).
export { CLIENT_URI_LIMITS, NAME_UNITS, parseClientUri, type ClientUri, type NodeValueCondition, type Segment } from "./client-uri.js";
export { MOIDS, normativeMoid } from "./moid.js";
export { RESOLVE_LIMIT, resolveClientUri, type NodeRef, type UriTarget } from "./resolve.js";
export { SERVER_URI_MAX_LENGTH, substituteServerUri, type DeviceInfoProvider } from "./server-uri.js";
