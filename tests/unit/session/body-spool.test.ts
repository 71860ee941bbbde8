// The rest of a Package#2 parked on flash (session/body-spool.ts): read back whole and in order,
// also when commits in between make the store compact and move it.
import { Store } from "../../../modules/dm/store/index.js";
import { BodySpool, PARKED_KEY } from "../../../modules/dm/session/body-spool.js";
import type { HttpResponse } from "../../../modules/dm/session/index.js";
import { RamNorFlash } from "../../fixtures/nor-flash.js";
import { assert, describe, it } from "../../harness/index.js";

function response(body: Uint8Array, piece: number): HttpResponse {
	let at = 0;
	return {
		status: 200, header: () => undefined,
		read: async () => { if (at >= body.length) return undefined; const c = body.slice(at, at + piece); at += piece; return c; },
	} as unknown as HttpResponse;
}

/** The same body through pull() as the transport gives it: each piece lent from one buffer that
    is read into again after the call (a piece kept past its call would read back garbage). */
function lending(body: Uint8Array, piece: number): HttpResponse {
	const r = response(body, piece);
	let at = 0;
	const lent = new Uint8Array(piece);
	r.pull = async (take) => {
		await Promise.resolve();
		for (; at < body.length; at += piece) {
			const c = body.subarray(at, at + piece);
			lent.set(c);
			take(lent.subarray(0, c.length));
			lent.fill(0xee);
		}
	};
	return r;
}

function pattern(length: number): Uint8Array {
	return new Uint8Array(length).map((_, i) => (i * 31 + (i >> 8)) & 255);
}

describe("session: a Package#2 parked on flash", () => {
	it("reads back every byte in order, across compactions that move it, then is cleared", async () => {
		const flash = new RamNorFlash(10 * 4096, 4096);
		const store = Store.mount(flash, { maxValueLength: 8192 });
		const body = pattern(3000);
		const spool = new BodySpool(store);
		await spool.fill(response(body, 700));
		assert.ok(spool.active && store.has(PARKED_KEY));
		const back: number[] = [];
		let chunk: Uint8Array | undefined;
		let n = 0;
		const filler = pattern(1500);
		while ((chunk = spool.next())) {
			back.push(...chunk);
			// what the commands of the package do meanwhile: commits that fill blocks, so the store
			// compacts and copies the parked value elsewhere
			for (let i = 0; i < 3; i++) {
				const t = store.begin();
				t.put(`x${n++ % 4}`, filler);
				t.commit();
			}
		}
		assert.equal(back.length, body.length);
		assert.deepEqual(Uint8Array.from(back), body);
		spool.clear();
		assert.ok(!spool.active && !store.has(PARKED_KEY));
		assert.ok(!Store.mount(flash, { maxValueLength: 8192 }).has(PARKED_KEY), "gone from flash too");
	});

	it("parks what pull() lends as read(), its reference, parks it", async () => {
		const body = pattern(5000);
		const parked: number[][] = [];
		for (const res of [response(body, 700), lending(body, 700)]) {
			const store = Store.mount(new RamNorFlash(10 * 4096, 4096), { maxValueLength: 8192 });
			const spool = new BodySpool(store);
			await spool.fill(res);
			const back: number[] = [];
			for (let c = spool.next(); c; c = spool.next()) back.push(...c);
			parked.push(back);
		}
		assert.deepEqual(parked[1], parked[0]);
		assert.deepEqual(Uint8Array.from(parked[1]!), body);
	});

	it("a body larger than the store takes is a typed error and leaves nothing parked", async () => {
		const store = Store.mount(new RamNorFlash(10 * 4096, 4096), { maxValueLength: 8192 });
		const spool = new BodySpool(store);
		let status = 0;
		try { await spool.fill(response(pattern(40000), 1000)); } catch (e) { status = (e as { status: number }).status; }
		assert.equal(status, 506);
		assert.ok(!spool.active && !store.has(PARKED_KEY));
		status = 0;
		try { await spool.fill(lending(pattern(40000), 1000)); } catch (e) { status = (e as { status: number }).status; }
		assert.equal(status, 506, "through pull() too");
		assert.ok(!spool.active && !store.has(PARKED_KEY));
	});
});
