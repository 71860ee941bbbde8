// Package#0 binary format (7.1.1): packages assembled by hand from the spec's field layout decode
// to the values they were built from, encode back to the same bytes, and every malformation is
// DmError 400 at the byte where it is.
import { ConnectionType, decodePackage0, encodePackage0, type Notification } from "../../../modules/dm/codec/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { assert, describe, it } from "../../harness/index.js";
import { PACKAGE0_SEEDS } from "../../fuzz/seeds/package0/seeds.js";

const { fromHex: h } = assert;
const seed = (name: string): Uint8Array => h(PACKAGE0_SEEDS.find((s) => s.name === name)!.hex);
const FEB_9_2016 = 1454976000;   // the spec's date, 0x56b92c00

function rejects(bytes: Uint8Array, offset: number, message: RegExp, require?: Parameters<typeof decodePackage0>[1]): void {
	const e = assert.throws(() => decodePackage0(bytes, require), DmError) as DmError;
	assert.equal(e.status, 400, e.message);
	assert.equal(e.offset, offset, e.message);
	assert.ok(message.test(e.message), e.message);
}

function roundTrips(bytes: Uint8Array, expected: Notification & { digestOffset?: number }): void {
	const n = decodePackage0(bytes);
	assert.deepEqual(n, expected);
	assert.bytes(encodePackage0(n), bytes);
}

describe("Package#0 binary format: the spec's scenarios", () => {
	it("decodes and re-encodes the notification before I.1's session (no REQ-MOS)", () => {
		// 0x21 0x80 = 0010 00011 0000000: VER 2, OC 3, reserved 0
		roundTrips(seed("I.1 notification"), { requestMos: false, serverId: "dms1", notificationId: 1, timestamp: FEB_9_2016, timestampLength: 4 });
	});

	it("decodes and re-encodes the notification before I.2's session (REQ-MOS)", () => {
		roundTrips(seed("I.2 notification"), { requestMos: true, serverId: "dms1", notificationId: 1, timestamp: FEB_9_2016, timestampLength: 4 });
	});

	it("decodes every option of Table 1, each delta 1", () => {
		roundTrips(seed("every option"), {
			requestMos: true, serverId: "dms1", preferredConnections: [ConnectionType.Wlan, ConnectionType.Cellular, ConnectionType.AnyAvailable],
			notificationId: 0x0102, digest: new Uint8Array(32), digestOffset: 19, timestamp: FEB_9_2016, timestampLength: 8,
		});
	});

	it("accepts no options at all: every option is ZeroOrOne", () => {
		roundTrips(seed("no options"), { requestMos: false });
	});

	it("keeps reserved header bits and later options, so the bytes survive a re-encoding", () => {
		roundTrips(seed("reserved bits and an option of a later version"), { requestMos: false, reserved: 0x55, serverId: "s", extensions: [{ number: 9, value: h("abcd") }] });
	});

	it("reads a TIMESTAMP of 4 and of 8 bytes", () => {
		roundTrips(seed("8-byte timestamp"), { requestMos: false, timestamp: 2 ** 40 + 5, timestampLength: 8 });
		roundTrips(h("2080" + "5004" + "ffffffff"), { requestMos: false, timestamp: 0xffffffff, timestampLength: 4 });
		roundTrips(h("2080" + "5008" + "001fffff" + "ffffffff"), { requestMos: false, timestamp: Number.MAX_SAFE_INTEGER, timestampLength: 8 });
	});
});

describe("Package#0 binary format: encoding", () => {
	it("computes the deltas from the option numbers", () => {
		// SERVER-ID (delta 1), TIMESTAMP (delta 5 - 1 = 4), option 20 (delta 15)
		assert.bytes(encodePackage0({ serverId: "a", timestamp: 1, requestMos: false, extensions: [{ number: 20, value: h("") }] }), h("2180" + "1001" + "61" + "4004" + "00000001" + "f000"));
	});

	it("writes the shortest TIMESTAMP unless told its length", () => {
		assert.bytes(encodePackage0({ timestamp: 2 ** 32, requestMos: false }), h("2080" + "5008" + "0000000100000000"));
		assert.bytes(encodePackage0({ timestamp: 7, timestampLength: 8, requestMos: false }), h("2080" + "5008" + "0000000000000007"));
	});

	it("writes a zero digest for signing", () => {
		assert.bytes(encodePackage0({ withDigest: true, requestMos: false }), h("2080" + "4020" + "00".repeat(32)));
	});

	it("refuses values the format cannot carry", () => {
		const refuses = (n: Notification): void => { assert.throws(() => encodePackage0(n), RangeError); };
		refuses({ notificationId: 65536, requestMos: false });
		refuses({ notificationId: 1.5, requestMos: false });
		refuses({ timestamp: -1, requestMos: false });
		refuses({ timestamp: 2 ** 53, requestMos: false });
		refuses({ timestamp: 2 ** 32, timestampLength: 4, requestMos: false });
		refuses({ digest: new Uint8Array(31), requestMos: false });
		refuses({ serverId: "x".repeat(4096), requestMos: false });
		refuses({ reserved: 128, requestMos: false });
		refuses({ extensions: [{ number: 6, value: h("") }], requestMos: false });
		refuses({ extensions: [{ number: 9, value: h("") }, { number: 8, value: h("") }], requestMos: false });
		refuses({ serverId: "a", extensions: [{ number: 17, value: h("") }], requestMos: false });
		refuses({ extensions: Array.from({ length: 32 }, (_, i) => ({ number: 7 + i, value: h("") })), requestMos: false });
	});
});

describe("Package#0 binary format: malformed packages", () => {
	it("refuses a short or foreign header", () => {
		rejects(h(""), 0, /shorter than its 2-byte header/);
		rejects(h("22"), 1, /shorter/);
		rejects(h("1000"), 0, /version 1,/);
		rejects(h("3000"), 0, /version 3,/);
		rejects(h("f080" + "1001" + "61"), 0, /version 15,/);
	});

	it("refuses options the header counts but the package lacks, or cuts short", () => {
		rejects(h("2080"), 2, /option 1 of 1 is missing/);
		rejects(h("2080" + "10"), 2, /option 1 of 1 is missing/);
		rejects(h("2100" + "1001" + "61"), 5, /option 2 of 2 is missing/);
		rejects(h("2080" + "1005" + "73727631"), 2, /option 1 says 5 bytes, 4 remain/);
		rejects(h("2080" + "1fff" + "61".repeat(4094)), 2, /says 4095 bytes, 4094 remain/);
	});

	it("refuses bytes after the last option the header counts", () => {
		rejects(h("2000" + "00"), 2, /1 bytes after the last of 0 options/);
		rejects(h("2080" + "1001" + "61" + "1000"), 5, /2 bytes after the last of 1 options/);
	});

	it("refuses option 0, repeats, and out-of-order options (which read as other options)", () => {
		rejects(h("2080" + "0000"), 2, /option number 0/);
		rejects(h("2100" + "1001" + "61" + "0001" + "62"), 5, /option 1 appears twice/);
		rejects(h("2100" + "6000" + "0000"), 4, /option 6 appears twice/);
		// NOTIFICATION-ID (3) then SERVER-ID sent with delta 1 lands on SHA256-DIGEST (4)
		rejects(h("2100" + "3002" + "0001" + "1004" + "646d7331"), 6, /SHA256-DIGEST of 4 bytes/);
	});

	it("refuses option values of the wrong size", () => {
		rejects(h("2080" + "3003" + "010203"), 2, /NOTIFICATION-ID of 3 bytes, not 2/);
		rejects(h("2080" + "3001" + "01"), 2, /NOTIFICATION-ID of 1 bytes/);
		rejects(h("2080" + "4010" + "00".repeat(16)), 2, /SHA256-DIGEST of 16 bytes, not 32/);
		rejects(h("2080" + "4021" + "00".repeat(33)), 2, /SHA256-DIGEST of 33 bytes/);
		rejects(h("2080" + "5003" + "010203"), 2, /TIMESTAMP of 3 bytes, not 4 or 8/);
		rejects(h("2080" + "5000"), 2, /TIMESTAMP of 0 bytes/);
		rejects(h("2080" + "5008" + "00200000" + "00000000"), 4, /TIMESTAMP beyond any representable time/);
		rejects(h("2080" + "6001" + "00"), 2, /REQ-MOS carries 1 bytes/);
	});

	it("refuses connection types other than 0..3, and ANY_AVAILABLE before the end", () => {
		rejects(h("2080" + "2002" + "0001"), 4, /ANY_AVAILABLE must come last/);
		rejects(h("2080" + "2001" + "04"), 4, /connection type 4, not 0..3/);
		rejects(h("2080" + "2003" + "0102ff"), 6, /connection type 255/);
		assert.deepEqual(decodePackage0(h("2080" + "2000")), { requestMos: false, preferredConnections: [] });
	});

	it("refuses a SERVER-ID that is empty, not UTF-8, or holds control characters", () => {
		rejects(h("2080" + "1000"), 4, /SERVER-ID is empty/);
		rejects(h("2080" + "1002" + "c0af"), 4, /SERVER-ID is not UTF-8/);
		rejects(h("2080" + "1003" + "eda080"), 4, /not UTF-8/);   // a surrogate
		rejects(h("2080" + "1002" + "610a"), 5, /control character/);
		rejects(h("2080" + "1002" + "7f61"), 4, /control character/);
		rejects(h("2080" + "1003" + "61c285"), 5, /control character/);   // U+0085, a C1 control
		assert.equal(decodePackage0(h("2080" + "1006" + "c2a0" + "f09f9880")).serverId, "\u00a0😀");
	});

	it("refuses a package without an option the listener requires, at its end", () => {
		rejects(h("2080" + "1001" + "61"), 5, /no NOTIFICATION-ID option/, { require: ["notificationId"] });
		rejects(h("2000"), 2, /no SERVER-ID option/, { require: ["serverId"] });
		rejects(h("2080" + "3002" + "0007"), 6, /no SHA256-DIGEST option/, { require: ["notificationId", "digest"] });
		assert.equal(decodePackage0(h("2080" + "3002" + "0007"), { require: ["notificationId"] }).notificationId, 7);
	});

	it("decodes a package inside a larger buffer (a datagram after its push header)", () => {
		const datagram = h("06" + "2180" + "1004" + "646d7331" + "2002" + "0001" + "2004" + "56b92c00" + "ee");
		const n = decodePackage0(datagram.subarray(1, datagram.length - 1));
		assert.equal(n.serverId, "dms1");
		assert.equal(n.timestamp, FEB_9_2016);
		rejects(datagram.subarray(1, 5), 2, /option 1 says 4 bytes, 0 remain/);
	});
});
