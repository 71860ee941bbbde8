// Appendix E.1 / E.1.1: a Package#0 is taken out of a connectionless WAP push datagram only when
// the PDU is a Push with the DM content type and application id; anything else is not ours.
import { package0FromWapPush } from "../../../modules/transport/wap-push.js";
import { assert, describe, it } from "../../harness/index.js";

const P0 = [0x20, 0x00, 0x10, 0x01, 0x41];
const push = (headers: number[], body = P0, tid = 7, type = 0x06) => new Uint8Array([tid, type, headers.length, ...headers, ...body]);

describe("WAP push (E.1)", () => {
	it("takes the Package#0 out of a push with content type 0x58 and application id 0x07", () => {
		assert.deepEqual(Array.from(package0FromWapPush(push([0xd8, 0xaf, 0x87]))!), P0);
		const text = Array.from("application/vnd.syncml.dm.notification", (c) => c.charCodeAt(0));
		assert.deepEqual(Array.from(package0FromWapPush(push([...text, 0, 0x81, 0x83, 0xaf, 0x87]))!), P0, "text content type, another header first");
	});

	it("leaves alone what is not a DM notification, and malformed datagrams", () => {
		for (const d of [
			push([0xd8, 0xaf, 0x88]), push([0xd9, 0xaf, 0x87]), push([0xd8]), push([0xd8, 0xaf, 0x87], P0, 7, 0x07), push([0xd8, 0xaf, 0x87], []),
			new Uint8Array([1, 6, 50, 0xd8]), new Uint8Array([1, 6]), new Uint8Array([1, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), push([0x61, 0x62]),
		]) assert.equal(package0FromWapPush(d), undefined, Array.from(d).join(","));
	});
});
