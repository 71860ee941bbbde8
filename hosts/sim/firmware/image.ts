// The sim firmware file: what the sim host "boots" from a firmware slot, and so the payload a FUMO
// envelope carries to an xsdm device (modules/firmware). A real file with a header the host reads
// as the running firmware's facts (DevInfo/FwV), the way esp_app_get_description reads an ESP-IDF
// app image. Little-endian:
//
//   0  "XSFW"                      magic
//   4  u8   1                      format
//   5  u8   model's UTF-8 length   (1..64)
//   6  u8   version's UTF-8 length (1..32)
//   7  u8   0                      reserved
//   8  u32  payload length
//  12  32 bytes                    SHA-256 of the payload (the boot loader's own integrity check,
//                                  as ESP-IDF appends one to an app image; not the FUMO signature)
//  44  model, version (UTF-8), then the payload
//
// The payload is opaque: a stand-in for the code a board would run.
import { decodeUtf8, encodeUtf8 } from "../../../modules/bytes/index.js";
import { createSha256, sha256 } from "../../../modules/crypto/index.js";

export const SIM_IMAGE_MAGIC = 0x57465358;   // "XSFW" read little-endian
export const SIM_IMAGE_HEADER_BYTES = 44;
/** the longest header: the fixed part and the longest model and version */
export const SIM_IMAGE_HEADER_MAX = SIM_IMAGE_HEADER_BYTES + 64 + 32;

/** The built-in factory image's facts (README "Firmware update on the sim host"). */
export const SIM_FACTORY_MODEL = "xsdm-sim";
export const SIM_FACTORY_VERSION = "1.0";

export interface SimImageHeader {
	readonly model: string;
	readonly version: string;
	readonly payloadLength: number;
	readonly payloadSha256: Uint8Array;
	/** where the payload starts */
	readonly headerLength: number;
	/** header and payload: the file's length */
	readonly byteLength: number;
}

/** A whole sim firmware file (tools, tests, the built-in factory image). */
export function encodeSimImage(model: string, version: string, payload: Uint8Array): Uint8Array {
	const m = encodeUtf8(model), v = encodeUtf8(version);
	if (m.length < 1 || m.length > 64) throw new RangeError("give a model of 1 to 64 UTF-8 bytes");
	if (v.length < 1 || v.length > 32) throw new RangeError("give a version of 1 to 32 UTF-8 bytes");
	const out = new Uint8Array(SIM_IMAGE_HEADER_BYTES + m.length + v.length + payload.length);
	const d = new DataView(out.buffer);
	d.setUint32(0, SIM_IMAGE_MAGIC, true);
	d.setUint8(4, 1);
	d.setUint8(5, m.length);
	d.setUint8(6, v.length);
	d.setUint32(8, payload.length, true);
	out.set(sha256(payload), 12);
	out.set(m, SIM_IMAGE_HEADER_BYTES);
	out.set(v, SIM_IMAGE_HEADER_BYTES + m.length);
	out.set(payload, SIM_IMAGE_HEADER_BYTES + m.length + v.length);
	return out;
}

/** A deterministic payload of `length` bytes for a version (tests and the factory image). */
export function simPayload(version: string, length: number): Uint8Array {
	const text = encodeUtf8(`xsdm sim firmware ${version}\n`);
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = text[i % text.length]!;
	return out;
}

/** The built-in factory image: model xsdm-sim, version 1.0, a 4 KiB payload. */
export function factoryImage(): Uint8Array {
	return encodeSimImage(SIM_FACTORY_MODEL, SIM_FACTORY_VERSION, simPayload(SIM_FACTORY_VERSION, 4096));
}

/** The header at the start of `bytes` (at least SIM_IMAGE_HEADER_MAX bytes, or the whole file),
    or undefined when they do not start a sim firmware file (an erased or torn slot). */
export function readSimImageHeader(bytes: Uint8Array): SimImageHeader | undefined {
	if (bytes.length < SIM_IMAGE_HEADER_BYTES) return undefined;
	const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (d.getUint32(0, true) !== SIM_IMAGE_MAGIC || d.getUint8(4) !== 1 || d.getUint8(7) !== 0) return undefined;
	const m = d.getUint8(5), v = d.getUint8(6);
	if (m < 1 || m > 64 || v < 1 || v > 32 || bytes.length < SIM_IMAGE_HEADER_BYTES + m + v) return undefined;
	const model = decodeUtf8(bytes.subarray(SIM_IMAGE_HEADER_BYTES, SIM_IMAGE_HEADER_BYTES + m));
	const version = decodeUtf8(bytes.subarray(SIM_IMAGE_HEADER_BYTES + m, SIM_IMAGE_HEADER_BYTES + m + v));
	if (model === undefined || version === undefined) return undefined;
	const payloadLength = d.getUint32(8, true), headerLength = SIM_IMAGE_HEADER_BYTES + m + v;
	return { model, version, payloadLength, payloadSha256: bytes.slice(12, 44), headerLength, byteLength: headerLength + payloadLength };
}

/** Whether a slot holds a whole, intact image of `byteLength` bytes: the header parses, its length
    is byteLength, and the payload's SHA-256 matches (read in 1 KiB pieces, never whole). */
export function checkSimImage(read: (length: number, offset: number) => Uint8Array, byteLength: number): SimImageHeader | undefined {
	if (byteLength < SIM_IMAGE_HEADER_BYTES) return undefined;
	const header = readSimImageHeader(read(Math.min(byteLength, SIM_IMAGE_HEADER_MAX), 0));
	if (!header || header.byteLength !== byteLength) return undefined;
	const digest = createSha256();
	for (let at = header.headerLength; at < byteLength; at += 1024) digest.update(read(Math.min(1024, byteLength - at), at));
	const got = digest.digest();
	for (let i = 0; i < 32; i++) if (got[i] !== header.payloadSha256[i]) return undefined;
	return header;
}
