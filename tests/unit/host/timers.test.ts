// Timer and promise-job ordering: what xsdm's event loop must share with Node (and the device).
import { assert, describe, it } from "../../harness/index.js";

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("timers and promise jobs", () => {
	it("runs promise jobs before any timer, even a 0 ms one", async () => {
		const order: string[] = [];
		setTimeout(() => order.push("timeout 0"), 0);
		void Promise.resolve().then(() => order.push("job 1")).then(() => order.push("job 2"));
		order.push("sync");
		await sleep(20);
		assert.deepEqual(order, ["sync", "job 1", "job 2", "timeout 0"]);
	});

	it("fires timers in order of their deadlines, ties in order of creation", async () => {
		const order: number[] = [];
		setTimeout(() => order.push(30), 30);
		setTimeout(() => order.push(10), 10);
		setTimeout(() => order.push(11), 10);
		setTimeout(() => order.push(20), 20);
		await sleep(60);
		assert.deepEqual(order, [10, 11, 20, 30]);
	});

	it("drains the jobs a timer queues before the next timer runs", async () => {
		const order: string[] = [];
		setTimeout(() => { order.push("a"); void Promise.resolve().then(() => order.push("a-job")); }, 5);
		setTimeout(() => order.push("b"), 5);
		await sleep(30);
		assert.deepEqual(order, ["a", "a-job", "b"]);
	});

	it("clearTimeout cancels a pending timer", async () => {
		let fired = false;
		const id = setTimeout(() => { fired = true; }, 5);
		clearTimeout(id);
		await sleep(20);
		assert.equal(fired, false);
	});

	it("passes extra arguments to the callback", async () => {
		const got = await new Promise<unknown[]>((resolve) => setTimeout((a: number, b: string) => resolve([a, b]), 1, 7, "x"));
		assert.deepEqual(got, [7, "x"]);
	});

	it("repeats an interval until clearInterval, even when cleared from inside", async () => {
		let count = 0;
		await new Promise<void>((resolve) => {
			const id = setInterval(() => {
				count++;
				if (count === 3) { clearInterval(id); setTimeout(resolve, 30); }
			}, 2);
		});
		assert.equal(count, 3);
	});

	it("waits at least the delay it was given", async () => {
		const start = Date.now();
		await sleep(25);
		assert.ok(Date.now() - start >= 24, `woke after ${Date.now() - start} ms`);
	});
});
