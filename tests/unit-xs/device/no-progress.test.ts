// The per-account no-progress limit (5.1.1 sets no time-out between packages; modules/dm/device/
// no-progress.ts) on a fake clock, through the device's own transport over a scripted TCP socket
// (a development-mode http SrvURI, so no TLS is in the way). XS only: the device room loads the
// native transport.
//
//   client                                 server (scripted)
//     | POST Package#1 ->
//     |                                    silent for Ext/NoProgressLimit - 1 ms: still waiting
//     |                                    1 ms more: the session is aborted (timeout)
//   and with progress: the head at 100 s, a body byte every 100 s, the whole Package#2 after
//   500 s > the 120 s limit: the session ends with END, because every piece restarts the count.
import { DEFAULT_NO_PROGRESS_MS, Device, NO_PROGRESS_LIMIT, noProgressLimit } from "../../../modules/dm/device/index.js";
import { encodeUtf8 } from "../../../modules/bytes/index.js";
import type { SessionOutcome } from "../../../modules/dm/session/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import type { TcpConstructor, TcpOptions } from "../../../modules/transport/index.js";
import { FakeClock } from "../../harness/fake-clock.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";
import { DEVICE } from "../../unit/commands/setup.js";

function account(srvId: string, limit: number | undefined): object {
	return { ClientURI: `${MOIDS.dmAcc}/${srvId}/`, MOData: { [srvId]: {
		SrvID: srvId, SrvURI: "http://127.0.0.1:8080/dm", Name: srvId, Perm: { "1": { MOID: "*" } },
		...(limit !== undefined ? { Ext: { NoProgressLimit: limit } } : {}),
	} } };
}

/** The server end of every socket the device opens: what it wrote, and send() to answer. */
class Wire {
	written = "";
	private incoming: Uint8Array[] = [];
	private o: TcpOptions | undefined;
	readonly Tcp: TcpConstructor;
	constructor() {
		const wire = this;
		this.Tcp = function (this: unknown, o: TcpOptions) {
			wire.o = o;
			wire.incoming = [];
			void Promise.resolve().then(() => o.onWritable(65536));
			return {
				// ECMA-419's read(buffer), the shape HttpConnection reads with
				read: (into: Uint8Array): number | undefined => {
					const next = wire.incoming.shift();
					if (!next) return undefined;
					if (next.length > into.length) wire.incoming.unshift(next.subarray(into.length));
					const n = Math.min(next.length, into.length);
					into.set(next.subarray(0, n));
					return n;
				},
				write: (bytes: Uint8Array): void => { wire.written += String.fromCharCode(...bytes); },
				close: (): void => undefined,
			};
		} as unknown as TcpConstructor;
	}
	send(text: string): void {
		const bytes = encodeUtf8(text);
		this.incoming.push(bytes);
		this.o!.onReadable(bytes.length);
	}
}

async function settle(): Promise<void> {
	for (let i = 0; i < 200; i++) await Promise.resolve();
}

async function device(clock: FakeClock, wire: Wire): Promise<Device> {
	const d = new Device({
		tcp: wire.Tcp, flash: new RamNorFlash(64 * 4096, 4096), now: () => clock.now(), timers: clock,
		random: (n) => new Uint8Array(n).fill(7), device: DEVICE, development: true,
		factory: encodeUtf8(JSON.stringify([account("slow", 120), account("plain", undefined)])),
	});
	await d.start();
	return d;
}

function watch(p: Promise<SessionOutcome>): { outcome?: SessionOutcome } {
	const w: { outcome?: SessionOutcome } = {};
	void p.then((o) => { w.outcome = o; });
	return w;
}

describe("device: the no-progress limit, per account (fake clock)", () => {
	it("reads Ext/NoProgressLimit in seconds; absent, 0 or not a number: the host's default, five minutes unless it says", async () => {
		const clock = new FakeClock();
		const d = await device(clock, new Wire());
		const tree = d.client.tree;
		assert.deepEqual(NO_PROGRESS_LIMIT, ["Ext", "NoProgressLimit"]);
		assert.equal(noProgressLimit(tree, "slow"), 120000);
		assert.equal(noProgressLimit(tree, "plain"), DEFAULT_NO_PROGRESS_MS);
		assert.equal(DEFAULT_NO_PROGRESS_MS, 300000);
		assert.equal(noProgressLimit(tree, "plain", 42000), 42000);
		await d.client.update((cs) => cs.put({ moid: MOIDS.dmAcc, miid: "plain", path: [...NO_PROGRESS_LIMIT] }, 0));
		assert.equal(noProgressLimit(tree, "plain"), DEFAULT_NO_PROGRESS_MS, "0 is not 'no limit': the default holds");
		assert.equal(noProgressLimit(tree, undefined), DEFAULT_NO_PROGRESS_MS);
	});

	it("a server silent after Package#1 is given up after exactly the account's limit, not a fixed short one", async () => {
		const clock = new FakeClock();
		const wire = new Wire();
		const d = await device(clock, wire);
		const w = watch(d.session("slow"));
		await settle();
		assert.match(wire.written, /^POST \/dm HTTP\/1\.1/, "Package#1 went out");
		clock.advance(119999);
		await settle();
		assert.equal(w.outcome, undefined, "still waiting 1 ms before the limit");
		clock.advance(1);
		await settle();
		assert.ok(w.outcome && !w.outcome.ok && /120000 ms/.test(w.outcome.reason), JSON.stringify(w.outcome));
	});

	it("the default limit is long: an account without Ext/NoProgressLimit waits the host's five minutes", async () => {
		const clock = new FakeClock();
		const wire = new Wire();
		const d = await device(clock, wire);
		const w = watch(d.session("plain"));
		await settle();
		clock.advance(DEFAULT_NO_PROGRESS_MS - 1);
		await settle();
		assert.equal(w.outcome, undefined);
		clock.advance(1);
		await settle();
		assert.ok(w.outcome && !w.outcome.ok, JSON.stringify(w.outcome));
	});

	it("any progress restarts the count: a Package#2 trickling in over 500 s ends the session with END under a 120 s limit", async () => {
		const clock = new FakeClock();
		const wire = new Wire();
		const d = await device(clock, wire);
		const w = watch(d.session("slow"));
		await settle();
		const body = JSON.stringify({ CMD: [["END"]] });
		clock.advance(100000);
		wire.send(`HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oma.dm.request+json\r\nContent-Length: ${body.length}\r\n\r\n`);
		await settle();
		for (let i = 0; i < 4; i++) {
			clock.advance(100000);
			wire.send(body.slice(i * 4, i * 4 + 4));
			await settle();
			assert.equal(w.outcome, undefined, `still running after ${(i + 2) * 100} s`);
		}
		clock.advance(100000);
		wire.send(body.slice(16));
		await settle();
		assert.deepEqual(w.outcome, { ok: true, packages: 1 });
		assert.ok(clock.now() >= 500000);
	});
});
