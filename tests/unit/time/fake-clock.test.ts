// Every time-out of modules/ on a fake clock (tests/harness/fake-clock.ts): the HTTP no-progress
// time-out, the card's ATR and work waiting times and its bound on one exchange, the backoff
// between failed sessions and the Package#0 TIMESTAMP window. Nothing here waits: the clock moves
// when the test says, so each case checks one millisecond either side of its limit.
import { encodePackage0, NotificationFilter, screenPackage0, signPackage0, type ScreenContext } from "../../../modules/dm/codec/index.js";
import { Backoff } from "../../../modules/dm/session/index.js";
import { CardError, CardLink, blockWaitingMs, workWaitingMs, type CardPort, type PortEvents } from "../../../modules/pcsc-uart/index.js";
// the transport's files, not its index: that loads the TLS socket, which needs the host's native
import { HttpConnection, type SocketCallbacks, type StreamSocket } from "../../../modules/transport/http/connection.js";
import { HttpError, HttpErrorKind } from "../../../modules/transport/http/error.js";
import type { ResponseHead } from "../../../modules/transport/http/response-parser.js";
import { FakeClock } from "../../harness/fake-clock.js";
import { assert, describe, it } from "../../harness/index.js";

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Lets promise continuations run (a resolved timer's awaiting code). */
async function settle(): Promise<void> {
	for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("fake clock", () => {
	it("fires due timers in order, one at a time, and never a cleared one", () => {
		const clock = new FakeClock();
		const fired: string[] = [];
		clock.set(20, () => fired.push(`b@${clock.now()}`));
		clock.set(10, () => { fired.push(`a@${clock.now()}`); clock.set(5, () => fired.push(`c@${clock.now()}`)); });
		const cleared = clock.set(12, () => fired.push("never"));
		clock.clear(cleared);
		clock.advance(9);
		assert.deepEqual(fired, []);
		clock.advance(11);
		assert.deepEqual(fired, ["a@10", "c@15", "b@20"]);
		assert.equal(clock.now(), 20);
		assert.equal(clock.armed, 0);
	});
});

// ---- HTTP: no progress for `timeout` ms fails the exchange ----

class SilentServer implements StreamSocket {
	callbacks: SocketCallbacks | undefined;
	written = 0;
	closed = false;
	private incoming: Uint8Array[] = [];
	read(into: Uint8Array): number | undefined {
		const next = this.incoming.shift();
		if (!next) return undefined;
		if (next.length > into.length) this.incoming.unshift(next.subarray(into.length));
		const n = Math.min(next.length, into.length);
		into.set(next.subarray(0, n));
		return n;
	}
	write(bytes: Uint8Array): void { this.written += bytes.length; }
	close(): void { this.closed = true; }
	send(text: string): void {
		const bytes = ascii(text);
		this.incoming.push(bytes);
		this.callbacks!.onReadable(bytes.length);
	}
}

function exchange(clock: FakeClock, timeout: number): { server: SilentServer; outcome: { head?: ResponseHead; error?: Error; ended: boolean } } {
	const server = new SilentServer();
	const connection = new HttpConnection({ host: "127.0.0.1:8080", timeout, timers: clock, connect: (callbacks) => { server.callbacks = callbacks; return server; } });
	const outcome: { head?: ResponseHead; error?: Error; ended: boolean } = { ended: false };
	connection.request({ method: "GET", target: "/" }, {
		onHead: (h) => { outcome.head = h; }, onBody: () => undefined, onEnd: () => { outcome.ended = true; }, onError: (e) => { outcome.error = e; },
	});
	server.callbacks!.onWritable(4096);
	return { server, outcome };
}

describe("HTTP no-progress time-out (fake clock)", () => {
	it("fails an exchange the server never answers after exactly `timeout` ms, and drops the connection", () => {
		const clock = new FakeClock();
		const { server, outcome } = exchange(clock, 30000);
		assert.ok(server.written > 0, "the request head went out");
		clock.advance(29999);
		assert.equal(outcome.error, undefined);
		clock.advance(1);
		assert.ok(outcome.error instanceof HttpError && outcome.error.kind === HttpErrorKind.Timeout, String(outcome.error));
		assert.match(outcome.error!.message, /within 30000 ms/);
		assert.ok(server.closed);
		assert.equal(clock.armed, 0);
	});

	it("restarts the wait on every piece that arrives: a slow answer is not a dead one", () => {
		const clock = new FakeClock();
		const { server, outcome } = exchange(clock, 1000);
		clock.advance(900);
		server.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
		clock.advance(900);
		server.send("ab");
		clock.advance(999);
		assert.equal(outcome.error, undefined);
		assert.equal(outcome.head?.status, 200);
		server.send("cd");
		assert.ok(outcome.ended, "the response completed");
		assert.equal(clock.armed, 0, "no timer outlives the exchange");
		clock.advance(100000);
		assert.equal(outcome.error, undefined);
	});

	it("times out a response cut in its body after the head came", () => {
		const clock = new FakeClock();
		const { server, outcome } = exchange(clock, 500);
		server.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
		clock.advance(500);
		assert.ok(outcome.error instanceof HttpError && outcome.error.kind === HttpErrorKind.Timeout);
		assert.equal(outcome.ended, false);
	});
});

// ---- the card: ATR time-out, work waiting time, the bound on one exchange ----

class SilentCard implements CardPort {
	events: PortEvents | undefined;
	written: number[] = [];
	private incoming: Uint8Array | undefined;
	write(bytes: Uint8Array): void { this.written.push(...bytes); }
	read(): ArrayBuffer | undefined { const b = this.incoming; this.incoming = undefined; return b?.slice().buffer; }
	set(): void { /* any rate */ }
	setReset(): void { /* no line */ }
	close(): void { /* */ }
	answer(...bytes: number[]): void {
		this.incoming = Uint8Array.from(bytes);
		this.events!.onReadable(bytes.length);
	}
}

const CLOCK_HZ = 3571200;

function cardLink(clock: FakeClock, exchangeLimitMs?: number): { card: SilentCard; link: CardLink } {
	const card = new SilentCard();
	const link = new CardLink({ timers: clock, clockHz: CLOCK_HZ, maxBaud: 9600, pps: false, atrTimeoutMs: 200, ...(exchangeLimitMs ? { exchangeLimitMs } : {}), open: (_baud, events) => { card.events = events; return card; } });
	return { card, link };
}

async function outcomeOf<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; done: boolean }> {
	const o: { value?: T; error?: unknown; done: boolean } = { done: false };
	p.then((v) => { o.value = v; o.done = true; }, (e: unknown) => { o.error = e; o.done = true; });
	await settle();
	return o;
}

/** Resets the card and gives it the shortest ATR (3B 00: direct convention, WI 10 by default). */
async function activated(clock: FakeClock, exchangeLimitMs?: number): Promise<{ card: SilentCard; link: CardLink }> {
	const { card, link } = cardLink(clock, exchangeLimitMs);
	const reset = await outcomeOf(link.reset());
	clock.advance(2);   // the RST pulse
	await settle();
	card.answer(0x3b, 0x00);
	await settle();
	assert.ok(reset.done && !reset.error, String(reset.error));
	return { card, link };
}

describe("card waiting times (fake clock)", () => {
	it("gives up on a card that sends no ATR after atrTimeoutMs, not before", async () => {
		const clock = new FakeClock();
		const { link } = cardLink(clock);
		const reset = await outcomeOf(link.reset());
		clock.advance(2);
		await settle();
		clock.advance(199);
		await settle();
		assert.equal(reset.done, false);
		clock.advance(1);
		await settle();
		assert.ok(reset.error instanceof CardError && reset.error.fault === "timeout", String(reset.error));
	});

	it("fails a command after the work waiting time (960·WI·Fi clocks) of silence, and then wants a reset", async () => {
		const clock = new FakeClock();
		const { link } = await activated(clock);
		const wwt = workWaitingMs(10, 372, CLOCK_HZ);
		assert.equal(wwt, 1000);
		const sent = await outcomeOf(link.transmit({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
		clock.advance(wwt - 1);
		await settle();
		assert.equal(sent.done, false);
		clock.advance(1);
		await settle();
		assert.ok(sent.error instanceof CardError && sent.error.fault === "timeout", String(sent.error));
		const again = await outcomeOf(link.transmit({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
		assert.match(String(again.error), /needs a reset/);
	});

	it("lets each NULL byte restart the waiting time, within exchangeLimitMs for the whole exchange", async () => {
		const clock = new FakeClock();
		const { card, link } = await activated(clock, 5000);
		const sent = await outcomeOf(link.transmit({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
		for (let t = 0; t < 5; t++) {
			clock.advance(999);
			card.answer(0x60);   // NULL: "more time"
			await settle();
		}
		assert.equal(sent.done, false, "4995 ms of NULLs, each within the work waiting time");
		clock.advance(4);
		await settle();
		assert.equal(sent.done, false, "4999 ms");
		clock.advance(1);
		await settle();
		assert.ok(sent.error instanceof CardError && /kept asking for more time/.test(sent.error.message), String(sent.error));
	});

	it("completes an answered command and leaves no timer armed", async () => {
		const clock = new FakeClock();
		const { card, link } = await activated(clock);
		const sent = await outcomeOf(link.transmit({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 2 }));
		clock.advance(500);
		card.answer(0xb0, 0x12, 0x34, 0x90, 0x00);
		await settle();
		assert.ok(sent.done && !sent.error, String(sent.error));
		assert.equal(clock.armed, 0);
	});
});

// ---- the backoff between failed sessions (interpretation 13) ----

describe("session backoff (fake clock)", () => {
	it("doubles the window per failure up to maxMs, with the jitter random() gives, and clears on success", () => {
		const clock = new FakeClock();
		const b = new Backoff(() => 0.5, { baseMs: 1000, maxMs: 4000 });
		assert.ok(b.mayStart(clock.now()));
		const windows: number[] = [];
		for (let i = 0; i < 4; i++) {
			b.failed(clock.now());
			const wait = b.waitFrom(clock.now());
			windows.push(wait);
			clock.advance(wait - 1);
			assert.equal(b.mayStart(clock.now()), false, `failure ${i + 1}: 1 ms early`);
			clock.advance(1);
			assert.ok(b.mayStart(clock.now()), `failure ${i + 1}: on time`);
		}
		assert.deepEqual(windows, [500, 1000, 2000, 2000]);
		b.failed(clock.now());
		b.succeeded();
		assert.ok(b.mayStart(clock.now()));
		assert.equal(b.waitFrom(clock.now()), 0);
	});
});

// ---- T=1 on the link: IFS after activation, the block waiting time, WTX, the character waiting time ----

/** Bytes of a block with its LRC. */
function t1Block(...b: number[]): number[] {
	let x = 0;
	for (const v of b) x ^= v;
	return [...b, x];
}

describe("card T=1 waiting times (fake clock)", () => {
	it("asks IFSD 254 at activation; a silent card gets an R-block after BWT, BWT × WTX after S(WTX), and CWT inside a block", async () => {
		const clock = new FakeClock();
		const { card, link } = cardLink(clock);
		const act = await outcomeOf(link.activate());
		clock.advance(2);
		await settle();
		card.answer(0x3b, 0x80, 0x01, 0x81);   // TD1 names T=1 alone: no PPS needed
		await settle();
		assert.deepEqual(card.written, t1Block(0x00, 0xc1, 0x01, 0xfe), "S(IFS request 254)");
		card.answer(...t1Block(0x00, 0xe1, 0x01, 0xfe));
		await settle();
		assert.ok(act.done && !act.error, String(act.error));
		assert.equal(link.protocol, 1);
		const bwt = blockWaitingMs(4, 372 / CLOCK_HZ, CLOCK_HZ);
		assert.equal(bwt, 1602);   // 11 etu + 2^4 × 960 × 372 clocks
		card.written = [];
		const sent = await outcomeOf(link.transmit({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
		assert.deepEqual(card.written, t1Block(0x00, 0x00, 0x05, 0x00, 0xb0, 0x00, 0x00, 0x04));
		card.written = [];
		clock.advance(bwt - 1);
		await settle();
		assert.deepEqual(card.written, [], "nothing before BWT");
		clock.advance(1);
		await settle();
		assert.deepEqual(card.written, t1Block(0x00, 0x82, 0x00), "R(0, other error) at BWT");
		card.written = [];
		card.answer(...t1Block(0x00, 0xc3, 0x01, 0x03));   // S(WTX request, 3)
		await settle();
		assert.deepEqual(card.written, t1Block(0x00, 0xe3, 0x01, 0x03));
		card.written = [];
		clock.advance(3 * bwt - 1);
		await settle();
		assert.deepEqual(card.written, [], "WTX: three block waiting times");
		card.answer(0x00, 0x00, 0x02);   // a block begins; the rest does not come
		await settle();
		clock.advance(1000);
		await settle();
		assert.deepEqual(card.written, t1Block(0x00, 0x82, 0x00), "a block cut short: R-block after CWT");
		card.answer(...t1Block(0x00, 0x00, 0x02, 0x90, 0x00));
		await settle();
		assert.ok(sent.done && !sent.error, String(sent.error));
		assert.equal((sent.value as { sw: number }).sw, 0x9000);
		assert.equal(clock.armed, 0, "no timer outlives the exchange");
	});

	it("refuses a T=1 card that checks blocks with a CRC (TC3) with a typed error, writing nothing", async () => {
		const clock = new FakeClock();
		const { card, link } = cardLink(clock);
		const act = await outcomeOf(link.activate());
		clock.advance(2);
		await settle();
		card.answer(0x3b, 0x80, 0x81, 0x71, 0x20, 0x54, 0x01, 0x05);   // T=1 alone, TC3 = 01: CRC
		await settle();
		assert.ok(act.error instanceof CardError && act.error.fault === "atr" && /CRC/.test(act.error.message), String(act.error));
		assert.deepEqual(card.written, []);
	});
});

// ---- the Package#0 TIMESTAMP window ----

describe("Package#0 TIMESTAMP window (fake clock)", () => {
	it("accepts a notification until windowSeconds after its TIMESTAMP and drops it as stale a second later", () => {
		const clock = new FakeClock();
		const epoch = 1454976000;   // the wall clock the host set, in POSIX seconds
		const wall = (): number => epoch + Math.floor(clock.now() / 1000);
		const secret = ascii("noti-secret"), authData = ascii("noti-data");
		const account = { serverId: "srv", secret, authData };
		const ctx = (): ScreenContext => ({ account: () => account, filter: new NotificationFilter(8), now: wall(), windowSeconds: 300 });
		const pkg = signPackage0(encodePackage0({ serverId: "srv", notificationId: 7, timestamp: epoch, requestMos: false, withDigest: true }), secret, authData);
		assert.equal(screenPackage0(pkg, ctx()).accept, true);
		clock.advance(300000);
		assert.equal(screenPackage0(pkg, ctx()).accept, true, "300 s: the window's edge is in");
		clock.advance(1000);
		const v = screenPackage0(pkg, ctx());
		assert.ok(!v.accept && v.reason === "stale", JSON.stringify(v));
		const early = signPackage0(encodePackage0({ serverId: "srv", notificationId: 8, timestamp: wall() + 301, requestMos: false, withDigest: true }), secret, authData);
		const e = screenPackage0(early, ctx());
		assert.ok(!e.accept && e.reason === "stale", "301 s in the future is out too");
	});
});
