// The SHA256-DIGEST of a Package#0 (5.2.1.2, DESIGN.md interpretation 4):
//   SHA-256(Auth/Noti/Secret ‖ the package as received, its 32 digest bytes zeroed ‖ Auth/Noti/Data)
// The package is hashed as received, reserved bits and unknown options included, so nothing in
// it escapes the digest. Nothing here puts a secret into an error or a return value.
import { constantTimeEqual } from "../../bytes/index.js";
import { createSha256 } from "../../crypto/index.js";
import { DIGEST_LENGTH, decodePackage0, type DecodedNotification } from "./package0.js";

/** The digest the package should carry, `digestOffset` being where its 32 bytes start. */
export function package0Digest(bytes: Uint8Array, digestOffset: number, secret: Uint8Array, authData: Uint8Array): Uint8Array {
	if (!(digestOffset >= 0 && digestOffset + DIGEST_LENGTH <= bytes.length)) throw new RangeError("the digest lies outside the package");
	const h = createSha256();
	h.update(secret);
	h.update(bytes.subarray(0, digestOffset));
	h.update(new Uint8Array(DIGEST_LENGTH));
	h.update(bytes.subarray(digestOffset + DIGEST_LENGTH));
	h.update(authData);
	return h.digest();
}

/** Fills in the digest of a package encoded with { withDigest: true } (the server's side). */
export function signPackage0(bytes: Uint8Array, secret: Uint8Array, authData: Uint8Array): Uint8Array {
	const { digestOffset } = decodePackage0(bytes);
	if (digestOffset === undefined) throw new TypeError("the package has no SHA256-DIGEST option to fill in");
	const signed = bytes.slice();
	signed.set(package0Digest(bytes, digestOffset, secret, authData), digestOffset);
	return signed;
}

/**
 * Whether the package carries the right digest. No digest, or no secret to check it with, is
 * false (5.2.1.2: such a notification is ignored). A malformed package throws DmError(400);
 * pass `decoded` when the package is decoded already.
 */
export function verifyPackage0(bytes: Uint8Array, secret: Uint8Array | undefined, authData: Uint8Array, decoded: DecodedNotification = decodePackage0(bytes)): boolean {
	if (!decoded.digest || decoded.digestOffset === undefined || !secret || secret.length === 0) return false;
	return constantTimeEqual(package0Digest(bytes, decoded.digestOffset, secret, authData), decoded.digest);
}
