// TextEncoder/TextDecoder for the @streamparser/json bench only: XS 13 (our sim host's engine) has
// neither global, and that package constructs both. On the device the Moddable SDK's are C; here
// they sit on XS's own C conversions (ArrayBuffer.fromString, String.fromArrayBuffer), so the
// package pays no JS loop for them. They do not refuse invalid UTF-8 as a fatal decoder would.
const X = ArrayBuffer as unknown as { fromString(s: string): ArrayBuffer };
const S = String as unknown as { fromArrayBuffer(b: ArrayBufferLike, offset?: number, length?: number): string };

class ShimEncoder {
	readonly encoding = "utf-8";
	encode(text = ""): Uint8Array { return new Uint8Array(X.fromString(text)); }
}

class ShimDecoder {
	readonly encoding = "utf-8";
	decode(bytes?: ArrayBufferView | ArrayBuffer): string {
		if (!bytes) return "";
		if (bytes instanceof ArrayBuffer) return S.fromArrayBuffer(bytes);
		return bytes.byteLength ? S.fromArrayBuffer(bytes.buffer, bytes.byteOffset, bytes.byteLength) : "";
	}
}

export function installTextShim(): boolean {
	const g = globalThis as Record<string, unknown>;
	if (typeof g["TextDecoder"] === "function" && typeof g["TextEncoder"] === "function") return false;
	g["TextEncoder"] = ShimEncoder;
	g["TextDecoder"] = ShimDecoder;
	return true;
}
