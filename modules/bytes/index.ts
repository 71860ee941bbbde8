// Bytes: what every room needs of them and nothing DM-specific, so transport, pcsc-uart and dm
// share one strict UTF-8 validator, one Latin-1 conversion, one base64, one hex and one comparison. Imports nothing.
export { Base64Encoder, decodeBase64, encodeBase64, isBase64 } from "./base64.js";
export { constantTimeEqual, sameBytes } from "./compare.js";
export { toHex } from "./hex.js";
export { isSpace } from "./char-class.js";
export { Pattern, pattern } from "./pattern.js";
export { span, spanBytes, spanBytesReference, spanReference, unitRange, unitSet, type UnitSet } from "./span.js";
export { asciiBytes, latin1Bytes, latin1BytesReference, latin1Text, latin1TextReference } from "./latin1.js";
export { Utf8Validator, Utf8Verdict, decodeUtf8, encodeUtf8, encodeUtf8Into, isUtf8, utf8Length } from "./utf8.js";
