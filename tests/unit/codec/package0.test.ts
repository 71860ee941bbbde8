// Package#0 (7.1.1): hand-assembled packages decode to what the spec's fields say, encode back to
// the same bytes, and every malformation is DmError 400 at the right byte.
import { sha256 } from "@noble/hashes/sha2.js";
import { ConnectionType, NotificationFilter, constantTimeEqual, decodePackage0, encodePackage0, isTimestampFresh, signPackage0, verifyPackage0 } from "../../../modules/dm/codec/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { assert, describe, it } from "../../harness/index.js";
import { prng } from "../../fuzz/json.js";

const { fromHex: h } = assert;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

// VER=2, OC=4: 0010 00100 0000000 = 0x22 0x00
// SERVER-ID "srv1" (delta 1, len 4), NOTIFICATION-ID 0x1234 (delta 2, len 2),
// TIMESTAMP 0x5F5E1000 (delta 2, len 4), REQ-MOS (delta 1, len 0)
const sample = h("2200" + "1004" + "73727631" + "2002" + "1234" + "2004" + "5f5e1000" + "1000");

function rejects(bytes: Uint8Array, offset: number, message: RegExp): void {
	const e = assert.throws(() => decodePackage0(bytes), DmError) as DmError;
	assert.equal(e.status, 400);
	assert.equal(e.offset, offset, e.message);
	assert.ok(message.test(e.message), e.message);
}

describe("Package#0 binary format", () => {
	it("decodes the header and each option", () => {
		const n = decodePackage0(sample);
		assert.equal(n.serverId, "srv1");
		assert.equal(n.notificationId, 0x1234);
		assert.equal(n.timestamp, 0x5f5e1000);
		assert.equal(n.requestMos, true);
		assert.equal(n.digest, undefined);
	});

	it("encodes to the same bytes, with option deltas computed", () => {
		assert.bytes(encodePackage0({ serverId: "srv1", notificationId: 0x1234, timestamp: 0x5f5e1000, requestMos: true }), sample);
	});

	it("round-trips every option, PREFERRED-CON-TYPE and an 8-byte TIMESTAMP included", () => {
		const n = { serverId: "DM server é", preferredConnections: [ConnectionType.Wlan, ConnectionType.Cellular, ConnectionType.AnyAvailable], notificationId: 65535, digest: sha256(ascii("x")), timestamp: 2 ** 40 + 5, requestMos: false };
		const back = decodePackage0(encodePackage0(n));
		assert.deepEqual({ ...back, digestOffset: undefined }, { ...n, digestOffset: undefined });
		assert.bytes(encodePackage0(back), encodePackage0(n));
	});

	it("accepts a package with no options, and ignores the reserved bits", () => {
		assert.deepEqual(decodePackage0(h("2000")), { requestMos: false });
		assert.deepEqual(decodePackage0(h("207f")), { requestMos: false });
	});

	it("skips options of a later version (number above 6)", () => {
		assert.deepEqual(decodePackage0(h("2080" + "7002" + "abcd")), { requestMos: false });
	});

	it("refuses malformed packages at the right byte", () => {
		rejects(h(""), 0, /shorter/);
		rejects(h("22"), 1, /shorter/);
		rejects(h("1000"), 0, /version 1/);
		rejects(h("3000"), 0, /version 3/);
		rejects(h("2080"), 2, /option 1 of 1 is missing/);
		rejects(h("2080" + "10"), 2, /missing/);
		rejects(h("2080" + "1005" + "73727631"), 2, /says 5 bytes, 4 remain/);
		rejects(h("2000" + "00"), 2, /1 bytes after/);
		rejects(h("2080" + "0000"), 2, /option number 0/);
		rejects(h("2200" + "1001" + "61" + "0001" + "62"), 5, /option 1 appears twice/);
		rejects(h("2080" + "3003" + "010203"), 2, /NOTIFICATION-ID of 3 bytes/);
		rejects(h("2080" + "4010" + "00".repeat(16)), 2, /SHA256-DIGEST of 16 bytes/);
		rejects(h("2080" + "5003" + "010203"), 2, /TIMESTAMP of 3 bytes/);
		rejects(h("2080" + "6001" + "00"), 2, /REQ-MOS carries 1 bytes/);
		rejects(h("2080" + "2002" + "0001"), 4, /ANY_AVAILABLE must come last/);
		rejects(h("2080" + "2001" + "04"), 4, /connection type 4/);
		rejects(h("2080" + "1002" + "c0af"), 4, /not a UTF-8 string/);
		rejects(h("2080" + "1000"), 4, /not a UTF-8 string/);
	});
});

describe("Package#0 digest (interpretation 4)", () => {
	const secret = ascii("noti-secret"), data = ascii("noti-data");
	const unsigned = encodePackage0({ serverId: "srv1", notificationId: 7, withDigest: true, requestMos: false });

	it("is SHA-256(secret ‖ package with a zero digest ‖ auth data)", () => {
		const signed = signPackage0(unsigned, secret, data);
		const n = decodePackage0(signed);
		const whole = new Uint8Array(secret.length + unsigned.length + data.length);
		whole.set(secret); whole.set(unsigned, secret.length); whole.set(data, secret.length + unsigned.length);
		assert.bytes(n.digest!, sha256(whole));
		assert.equal(verifyPackage0(n, signed, secret, data), true);
	});

	it("fails for a changed byte, a wrong secret or auth data, no digest, or no secret", () => {
		const signed = signPackage0(unsigned, secret, data);
		const tampered = signed.slice();
		tampered[5] = tampered[5]! ^ 1;   // inside SERVER-ID
		assert.equal(verifyPackage0(decodePackage0(tampered), tampered, secret, data), false);
		assert.equal(verifyPackage0(decodePackage0(signed), signed, ascii("other"), data), false);
		assert.equal(verifyPackage0(decodePackage0(signed), signed, secret, ascii("other")), false);
		assert.equal(verifyPackage0(decodePackage0(signed), signed, undefined, data), false);
		assert.equal(verifyPackage0(decodePackage0(signed), signed, new Uint8Array(0), data), false);
		assert.equal(verifyPackage0(decodePackage0(sample), sample, secret, data), false);
	});

	it("compares without regard to where digests differ", () => {
		assert.equal(constantTimeEqual(h("00ff"), h("00ff")), true);
		assert.equal(constantTimeEqual(h("00ff"), h("01ff")), false);
		assert.equal(constantTimeEqual(h("00ff"), h("00fe")), false);
		assert.equal(constantTimeEqual(h("00ff"), h("00ff00")), false);
		assert.equal(constantTimeEqual(h(""), h("")), true);
	});
});

describe("Package#0 timestamp window and duplicate filter", () => {
	it("accepts within 10 minutes either side, and not beyond", () => {
		assert.equal(isTimestampFresh(1000, 1600), true);
		assert.equal(isTimestampFresh(1000, 1601), false);
		assert.equal(isTimestampFresh(1600, 1000), true);
		assert.equal(isTimestampFresh(1601, 1000), false);
		assert.equal(isTimestampFresh(1000, 1030, 20), false);
	});

	it("drops a repeated (SERVER-ID, NOTIFICATION-ID) and forgets the oldest beyond its capacity", () => {
		const f = new NotificationFilter(2);
		assert.equal(f.admit("a", 1), true);
		assert.equal(f.admit("a", 1), false);
		assert.equal(f.admit("b", 1), true, "same id, other server");
		assert.equal(f.admit("a", 2), true);
		assert.equal(f.admit("a", 1), true, "evicted, so admitted again");
	});
});

describe("Package#0 fuzz", () => {
	it("lets only DmError escape from mutated packages, and re-encodes what it accepts", () => {
		const r = prng(5);
		let accepted = 0, refused = 0;
		for (let n = 0; n < 3000; n++) {
			const base = encodePackage0({
				serverId: r() < 0.7 ? "server-" + Math.floor(r() * 1000) : undefined as unknown as string,
				notificationId: Math.floor(r() * 65536), timestamp: Math.floor(r() * 2 ** 33), requestMos: r() < 0.5, withDigest: r() < 0.5,
			});
			const m = base.slice();
			for (let k = Math.floor(r() * 3); k >= 0; k--) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
			const cut = r() < 0.2 ? Math.floor(r() * m.length) : m.length;
			try {
				const decoded = decodePackage0(m.subarray(0, cut));
				accepted++;
				assert.deepEqual({ ...decodePackage0(encodePackage0(decoded)), digestOffset: 0 }, { ...decoded, digestOffset: 0 });
			} catch (e) {
				if (!(e instanceof DmError)) throw e;
				refused++;
			}
		}
		assert.ok(accepted > 0 && refused > 0, `${accepted} accepted, ${refused} refused`);
	});
});
