// dm/codec: the byte formats of DM 2.0. Readers take bytes in any split and never hold a whole
// document; writers fill a fixed buffer and hand it to a sink.
export { Feed, JsonError, JsonReader, hasNativeScan, type JsonBytesHandler, type JsonHandler, type JsonLimits } from "./json-reader.js";
export { JsonWriter, type JsonSink } from "./json-writer.js";
export { decodeJson, type JsonValue } from "./json-value.js";
export { ConnectionType, DIGEST_LENGTH, NOTIFICATION_VERSION, decodePackage0, encodePackage0, type DecodeOptions, type DecodedNotification, type ExtensionOption, type Notification, type RequiredOption } from "./package0.js";
export { package0Digest, signPackage0, verifyPackage0 } from "./package0-digest.js";
export { DEFAULT_TIMESTAMP_WINDOW, NotificationFilter, isTimestampFresh } from "./package0-replay.js";
export { screenPackage0, type DropReason, type NotificationAccount, type ScreenContext, type Verdict } from "./package0-screen.js";
export { Package2Reader, toCommand, type CommandItem, type DmCommand, type Package2Limits } from "./package2.js";
export { Package3Writer, decodePackage3, decodeAlerts, writeAlert, writeJsonValue, type GenericAlert, type Status } from "./package3.js";
export { DmmoReader, DmmoWriter, type DmmoHandler, type DmmoItemInfo, type LeafValue } from "./dmmo.js";
export { MultipartWriter, makeBoundary, type ByteSink } from "./multipart.js";
export { AlertTypes, decodePackage1, serverInitiatedAlert, writePackage1, type SupportedMo } from "./package1.js";
