// The WSP Push PDU of Appendix E.1 on both engines: the forms a DM server may use for the content
// type and X-Wap-Application-Id, other headers skipped, and every refusal a typed WapPushError
// (cut at every byte, and mutated at random, nothing else is ever thrown).
import { MAX_PUSH_HEADERS, PushDrop, WapPushError, parseWapPush } from "../../../modules/transport/wap-push.js";
import { assert, describe, it } from "../../harness/index.js";

const text = (s: string): number[] => [...Array.from(s, (c) => c.charCodeAt(0)), 0];
const BODY = [0x20, 0x01, 0x02, 0x03, 0xfe];
/** TID, Push, headers length (one-byte uintvar), headers, body */
const pdu = (headers: number[], body: number[] = BODY, type = 0x06): Uint8Array => Uint8Array.from([0x2a, type, headers.length, ...headers, ...body]);
const DM = [0xd8, 0xaf, 0x87];

function dropped(bytes: Uint8Array, why: PushDrop): void {
	assert.throws(() => parseWapPush(bytes), (e: unknown) => e instanceof WapPushError && e.drop === why);
}

describe("parseWapPush", () => {
	it("takes the body of the PDU the development server sends (0xD8, 0xAF 0x87)", () => {
		assert.deepEqual([...parseWapPush(pdu(DM))], BODY);
	});

	it("takes the content type as text and in the general form with parameters", () => {
		assert.deepEqual([...parseWapPush(pdu([...text("application/vnd.syncml.dm.notification"), 0xaf, 0x87]))], BODY);
		assert.deepEqual([...parseWapPush(pdu([0x03, 0xd8, 0x81, 0xea, 0xaf, 0x87]))], BODY, "0x58 with charset=utf-8");
		assert.deepEqual([...parseWapPush(pdu([0x02, 0x01, 0x58, 0xaf, 0x87]))], BODY, "media type as a long integer");
	});

	it("takes the application id as a long integer and as its registered URI, among other headers", () => {
		assert.deepEqual([...parseWapPush(pdu([0xd8, 0xaf, 0x01, 0x07]))], BODY);
		assert.deepEqual([...parseWapPush(pdu([0xd8, ...text("X-Note"), ...text("hi"), 0xaf, ...text("x-wap-application:syncml.dm")]))], BODY);
		assert.deepEqual([...parseWapPush(pdu([0xd8, 0xb4, 0x02, 0x00, 0x01, 0xa9, 0x81, 0xaf, 0x87]))], BODY, "a length-prefixed and a short header first");
	});

	it("reads a headers length written as a two-byte uintvar", () => {
		assert.deepEqual([...parseWapPush(Uint8Array.from([0x01, 0x06, 0x80, 0x03, ...DM, ...BODY]))], BODY);
	});

	it("drops what is not a DM notification, saying why", () => {
		dropped(pdu(DM, BODY, 0x07), PushDrop.NotPush);
		dropped(pdu([0xd7, 0xaf, 0x87]), PushDrop.ContentType);
		dropped(pdu([...text("text/plain"), 0xaf, 0x87]), PushDrop.ContentType);
		dropped(pdu([0xd8, 0xaf, 0x88]), PushDrop.ApplicationId);
		dropped(pdu([0xd8, 0xaf, ...text("x-wap-application:wml.ua")]), PushDrop.ApplicationId);
		dropped(pdu([0xd8, 0xa9, 0x81]), PushDrop.ApplicationId);
		dropped(pdu(DM, []), PushDrop.EmptyBody);
		dropped(pdu([0xd8, 0x7f, 0x02, 0xaf, 0x87]), PushDrop.Unsupported);
		dropped(pdu([0xd8, ...text("X-Pad"), ...text("p".repeat(MAX_PUSH_HEADERS - 9)), 0xaf, 0x87]), PushDrop.HeadersTooLong);
		dropped(Uint8Array.from([0x01, 0x06, 0x20, ...DM, ...BODY]), PushDrop.Malformed);
		dropped(Uint8Array.from([0x01, 0x06, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), PushDrop.Malformed);
	});

	it("agrees with the vectors the session's first listener was written against", () => {
		const P0 = [0x20, 0x00, 0x10, 0x01, 0x41];
		const push = (headers: number[], body = P0, tid = 7, type = 0x06): Uint8Array => Uint8Array.from([tid, type, headers.length, ...headers, ...body]);
		assert.deepEqual([...parseWapPush(push([0xd8, 0xaf, 0x87]))], P0);
		assert.deepEqual([...parseWapPush(push([...text("application/vnd.syncml.dm.notification"), 0x81, 0x83, 0xaf, 0x87]))], P0, "text content type, another header first");
		for (const d of [
			push([0xd8, 0xaf, 0x88]), push([0xd9, 0xaf, 0x87]), push([0xd8]), push([0xd8, 0xaf, 0x87], P0, 7, 0x07), push([0xd8, 0xaf, 0x87], []),
			Uint8Array.from([1, 6, 50, 0xd8]), Uint8Array.from([1, 6]), Uint8Array.from([1, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), push([0x61, 0x62]),
		]) assert.throws(() => parseWapPush(d), WapPushError, [...d].join(","));
	});

	it("drops a PDU cut at every byte as Malformed or EmptyBody, never anything else", () => {
		const whole = pdu([0x03, 0xd8, 0x81, 0xea, ...text("X-Note"), ...text("hi"), 0xaf, 0x01, 0x07]);
		const headersEnd = whole.length - BODY.length;
		for (let n = 0; n < whole.length; n++) {
			const cut = whole.subarray(0, n);
			if (n >= headersEnd + 1) assert.equal(parseWapPush(cut).length, n - headersEnd);
			else dropped(cut, n === headersEnd ? PushDrop.EmptyBody : PushDrop.Malformed);
		}
	});

	it("throws nothing but WapPushError on 3000 random mutations", () => {
		let seed = 7;
		const random = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
		const base = pdu([0x03, 0xd8, 0x81, 0xea, ...text("X-Note"), ...text("hi"), 0xaf, 0x87]);
		let accepted = 0;
		for (let i = 0; i < 3000; i++) {
			const bytes = base.slice(0, random(base.length + 1));
			for (let k = random(4) + 1; k > 0 && bytes.length; k--) bytes[random(bytes.length)] = random(256);
			try {
				parseWapPush(bytes);
				accepted++;
			}
			catch (e) {
				if (!(e instanceof WapPushError)) throw e;
			}
		}
		assert.ok(accepted > 0 && accepted < 3000, `some mutations still parse (${accepted})`);
	});
});
