// Which TLS mode an account's key material means (interpretation 11, 12.2.1).
import { bootstrapCredentials, isDerCertificate, trspCredentials } from "../../../modules/dm/credentials.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import { assert, describe, it } from "../../harness/index.js";

/** A DER SEQUENCE { SEQUENCE {…} } of the given total length, as a certificate is shaped. */
function derLike(total: number): Uint8Array {
	const b = new Uint8Array(total).fill(0x41);
	const body = total - 4;
	b.set([0x30, 0x82, body >> 8, body & 255, 0x30]);
	return b;
}

describe("credentials: the TLS mode of an account", () => {
	it("recognises a DER certificate's shape, and never a UTF-8 PSK identity", () => {
		assert.equal(isDerCertificate(derLike(600)), true);
		const truncated = derLike(600).subarray(0, 599);
		assert.equal(isDerCertificate(truncated), false, "length must cover the bytes exactly");
		const short = new Uint8Array([0x30, 0x03, 0x30, 0x01, 0x00]);
		assert.equal(isDerCertificate(short), false, "too short for a certificate");
		for (const id of ["device-1", "0123456789", "0\u0081x", "ID:Ж"]) assert.equal(isDerCertificate(encodeUtf8(id)), false, id);
	});

	it("Auth/Trsp: a certificate in Data means X.509 with the account's trust anchors; otherwise a PSK", () => {
		const cert = derLike(500), key = new Uint8Array([1, 2, 3]), anchor = derLike(400);
		assert.deepEqual(trspCredentials(cert, key, [anchor]), { mode: "x509", trustAnchors: [anchor], certificate: cert, key });
		assert.deepEqual(trspCredentials(encodeUtf8("id"), key, []), { mode: "psk", identity: encodeUtf8("id"), key });
		assert.deepEqual(trspCredentials(undefined, undefined, [anchor]), { mode: "x509", trustAnchors: [anchor] }, "server authentication only");
		assert.equal(trspCredentials(encodeUtf8("id"), undefined, []), undefined, "an identity without its key is nothing");
	});

	it("Auth/Bootstrap: both ends must be provable, so X.509 needs the server's certificate too (9.3.2)", () => {
		const cert = derLike(500), key = new Uint8Array([9]), server = derLike(450);
		assert.deepEqual(bootstrapCredentials(cert, key, server), { mode: "x509", trustAnchors: [server], certificate: cert, key });
		assert.equal(bootstrapCredentials(cert, key, encodeUtf8("bs")), undefined);
		assert.deepEqual(bootstrapCredentials(encodeUtf8("id"), key, encodeUtf8("bs")), { mode: "psk", identity: encodeUtf8("id"), key });
		assert.equal(bootstrapCredentials(encodeUtf8("id"), undefined, undefined), undefined);
	});
});
