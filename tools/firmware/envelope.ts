// Builds firmware envelopes (modules/firmware/envelope.ts has the layout) with node:crypto: the
// signing side, which never runs on a device. The tests and the image server use it to make good
// and deliberately bad images; tools/firmware/sign.ts is its command line.
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

const MAGIC = Buffer.from("DMFW", "ascii");

export interface EnvelopeSpec {
	model: string;
	version: string;
	payload: Uint8Array;
	/** a P-256 private key (PEM text or a KeyObject) */
	key: string | KeyObject;
	/** for tests: the digest written into the header instead of the payload's */
	digest?: Uint8Array;
}

/** The envelope's bytes: signed header, then the payload. */
export function buildEnvelope(spec: EnvelopeSpec): Buffer {
	const model = Buffer.from(spec.model, "utf8"), version = Buffer.from(spec.version, "utf8");
	if (model.length < 1 || model.length > 64) throw new RangeError("the model takes 1..64 bytes of UTF-8");
	if (version.length < 1 || version.length > 32) throw new RangeError("the version takes 1..32 bytes of UTF-8");
	const fixed = Buffer.alloc(44);
	MAGIC.copy(fixed, 0);
	fixed[4] = 1;
	fixed[5] = model.length;
	fixed[6] = version.length;
	fixed[7] = 0;
	fixed.writeUInt32LE(spec.payload.length, 8);
	Buffer.from(spec.digest ?? createHash("sha256").update(spec.payload).digest()).copy(fixed, 12);
	const signed = Buffer.concat([fixed, model, version]);
	const key = typeof spec.key === "string" ? createPrivateKey(spec.key) : spec.key;
	if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new TypeError("sign with a P-256 (prime256v1) private key");
	const signature = sign("sha256", signed, { key, dsaEncoding: "ieee-p1363" });
	return Buffer.concat([signed, signature, spec.payload]);
}

/** The 65-byte SEC1 uncompressed point of a P-256 public key (PEM of the public or private key):
    what a device is provisioned with. */
export function rawPublicKey(pem: string): Buffer {
	const jwk = createPublicKey(pem).export({ format: "jwk" });
	if (jwk.crv !== "P-256" || !jwk.x || !jwk.y) throw new TypeError("give a P-256 key");
	return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
}
