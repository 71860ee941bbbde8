// Replay defences for Package#0: the TIMESTAMP window (interpretation 15), the duplicate filter
// (interpretation 4), and screenPackage0, which applies every check in an order that lets no
// forged or stale notification block a genuine one.
import { NotificationFilter, encodePackage0, isTimestampFresh, screenPackage0, signPackage0, type Notification, type NotificationAccount, type ScreenContext } from "../../../modules/dm/codec/index.js";
import { assert, describe, it } from "../../harness/index.js";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const NOW = 1454976000;

describe("Package#0 TIMESTAMP window", () => {
	it("accepts up to 10 minutes either side by default, edges included", () => {
		assert.equal(isTimestampFresh(NOW, NOW), true);
		assert.equal(isTimestampFresh(NOW - 600, NOW), true);
		assert.equal(isTimestampFresh(NOW - 601, NOW), false);
		assert.equal(isTimestampFresh(NOW + 600, NOW), true);
		assert.equal(isTimestampFresh(NOW + 601, NOW), false);
	});

	it("takes the window as a parameter", () => {
		assert.equal(isTimestampFresh(NOW - 30, NOW, 30), true);
		assert.equal(isTimestampFresh(NOW - 31, NOW, 30), false);
		assert.equal(isTimestampFresh(NOW + 1, NOW, 0), false);
		assert.equal(isTimestampFresh(0, NOW, NOW), true);
	});

	it("compares 8-byte timestamps beyond 2^32 exactly", () => {
		const t = 2 ** 40;
		assert.equal(isTimestampFresh(t + 600, t), true);
		assert.equal(isTimestampFresh(t + 601, t), false);
	});
});

describe("Package#0 duplicate filter", () => {
	it("drops a repeated (SERVER-ID, NOTIFICATION-ID), not the same id from another server", () => {
		const f = new NotificationFilter(4);
		assert.equal(f.admit("a", 1), true);
		assert.equal(f.admit("a", 1), false);
		assert.equal(f.admit("b", 1), true);
		assert.equal(f.admit("a", 2), true);
		assert.equal(f.seen("a", 1), true);
		assert.equal(f.seen("c", 1), false);
	});

	it("forgets the oldest pair beyond its capacity", () => {
		const f = new NotificationFilter(2);
		assert.equal(f.admit("a", 1), true);
		assert.equal(f.admit("a", 2), true);
		assert.equal(f.admit("a", 3), true);   // evicts (a, 1)
		assert.equal(f.seen("a", 1), false);
		assert.equal(f.admit("a", 2), false);
		assert.equal(f.admit("a", 1), true, "evicted, so admitted again");   // evicts (a, 2)
		assert.equal(f.admit("a", 3), false);
		assert.equal(f.admit("a", 2), true);
	});

	it("keeps ids and server ids apart whatever the server id holds", () => {
		const f = new NotificationFilter(8);
		assert.equal(f.admit("1:a", 2), true);
		assert.equal(f.admit("a", 21), true);
		assert.equal(f.admit("a", 2), true);
		assert.equal(f.admit("", 0), true);
		assert.equal(f.admit("", 0), false);
		assert.throws(() => new NotificationFilter(0), RangeError);
	});
});

describe("screenPackage0: the checks in order", () => {
	const secret = ascii("noti-secret"), authData = ascii("noti-data");
	const accounts: Record<string, NotificationAccount> = {
		signed: { serverId: "signed", secret, authData },
		open: { serverId: "open" },
	};
	const context = (over: Partial<ScreenContext> = {}): ScreenContext & { filter: NotificationFilter } => ({
		account: (id) => (id === undefined ? accounts.open : accounts[id]), now: NOW, ...over, filter: new NotificationFilter(8),
	});
	const signedPackage = (n: Partial<Notification>, key = secret): Uint8Array =>
		signPackage0(encodePackage0({ serverId: "signed", notificationId: 1, timestamp: NOW, requestMos: false, withDigest: true, ...n }), key, authData);
	const reason = (bytes: Uint8Array, ctx: ScreenContext): string => { const v = screenPackage0(bytes, ctx); return v.accept ? "accept" : v.reason; };

	it("accepts a signed, fresh, first notification and hands back its account and values", () => {
		const v = screenPackage0(signedPackage({ requestMos: true }), context());
		assert.ok(v.accept);
		assert.equal(v.serverId, "signed");
		assert.equal(v.notification.notificationId, 1);
		assert.equal(v.notification.requestMos, true);
	});

	it("drops a malformed package, an unknown server, and a missing required option", () => {
		assert.equal(reason(ascii("\x10\x00"), context()), "malformed");
		assert.equal(reason(encodePackage0({ serverId: "other", requestMos: false }), context()), "unknown-server");
		assert.equal(reason(encodePackage0({ serverId: "open", requestMos: false }), context({ require: ["notificationId"] })), "malformed");
	});

	it("uses the account the client discovers when there is no SERVER-ID", () => {
		const v = screenPackage0(encodePackage0({ notificationId: 3, requestMos: false }), context());
		assert.ok(v.accept);
		assert.equal(v.serverId, "open");
		assert.equal(reason(encodePackage0({ notificationId: 3, requestMos: false }), context({ account: () => undefined })), "unknown-server");
	});

	it("needs a right digest when the account has notification credentials, and a secret for any digest", () => {
		assert.equal(reason(encodePackage0({ serverId: "signed", notificationId: 1, requestMos: false }), context()), "no-digest");
		assert.equal(reason(signedPackage({}, ascii("guess")), context()), "bad-digest");
		assert.equal(reason(signPackage0(encodePackage0({ serverId: "open", withDigest: true, requestMos: false }), secret, authData), context()), "no-secret");
		const emptySecret = context({ account: () => ({ serverId: "signed", secret: new Uint8Array(0), authData }) });
		assert.equal(reason(signedPackage({}), emptySecret), "no-secret");
		assert.equal(reason(encodePackage0({ serverId: "open", notificationId: 1, requestMos: false }), context()), "accept", "no credentials, no digest");
	});

	it("drops a TIMESTAMP outside the window, unless the wall clock is not set", () => {
		assert.equal(reason(signedPackage({ timestamp: NOW - 601 }), context()), "stale");
		assert.equal(reason(signedPackage({ timestamp: NOW + 601 }), context()), "stale");
		assert.equal(reason(signedPackage({ timestamp: NOW - 601 }), context({ windowSeconds: 700 })), "accept");
		assert.equal(reason(signedPackage({ timestamp: 5 }), context({ now: undefined })), "accept");
	});

	it("drops a duplicate, but a forged or stale copy does not use up the pair", () => {
		const ctx = context();
		assert.equal(reason(signedPackage({ notificationId: 9 }, ascii("forger")), ctx), "bad-digest");
		assert.equal(reason(signedPackage({ notificationId: 9, timestamp: NOW - 3600 }), ctx), "stale");
		assert.equal(ctx.filter.seen("signed", 9), false);
		assert.equal(reason(signedPackage({ notificationId: 9 }), ctx), "accept");
		assert.equal(reason(signedPackage({ notificationId: 9 }), ctx), "duplicate");
		assert.equal(reason(signedPackage({ notificationId: 10 }), ctx), "accept");
	});

	it("says why in a detail that never holds the secret", () => {
		const v = screenPackage0(signedPackage({}, ascii("guess")), context());
		assert.ok(!v.accept && v.detail.length > 0 && !v.detail.includes("noti-secret"), JSON.stringify(v));
	});
});
