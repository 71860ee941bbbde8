// The XS side of the harness: collects describe/it into a tree and runs it in order,
// one test at a time, each with a timeout. Prints mocha-like lines and returns totals.

export type TestFn = () => void | Promise<void>;
type HookKind = "before" | "after" | "beforeEach" | "afterEach";

interface Suite {
	name: string;
	tests: { name: string; fn: TestFn; timeoutMs: number | undefined }[];
	suites: Suite[];
	hooks: Record<HookKind, TestFn[]>;
	parent: Suite | null;
}

function newSuite(name: string, parent: Suite | null): Suite {
	return { name, tests: [], suites: [], hooks: { before: [], after: [], beforeEach: [], afterEach: [] }, parent };
}

export interface Totals { passed: number; failed: number; skipped: number; failures: string[] }

class Registry {
	root = newSuite("", null);
	private current = this.root;

	describe(name: string, body: () => void): void {
		const suite = newSuite(name, this.current);
		this.current.suites.push(suite);
		this.current = suite;
		try { body(); } finally { this.current = suite.parent!; }
	}

	it(name: string, fn: TestFn, timeoutMs?: number): void {
		this.current.tests.push({ name, fn, timeoutMs });
	}

	hook(kind: HookKind, fn: TestFn): void {
		this.current.hooks[kind].push(fn);
	}
}

export const registry = new Registry();

function withTimeout(fn: TestFn, ms: number): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
		let result: void | Promise<void>;
		try {
			result = fn();
		} catch (e) {
			clearTimeout(timer);
			reject(e);
			return;
		}
		Promise.resolve(result).then(
			() => { clearTimeout(timer); resolve(); },
			(e: unknown) => { clearTimeout(timer); reject(e); },
		);
	});
}

function describeError(e: unknown): string {
	if (e instanceof Error) return (e as Error & { stack?: string }).stack ?? `${e.name}: ${e.message}`;
	return String(e);
}

function eachHooks(suite: Suite, kind: "beforeEach" | "afterEach"): TestFn[] {
	const chain: Suite[] = [];
	for (let s: Suite | null = suite; s; s = s.parent) chain.unshift(s);
	if (kind === "afterEach") chain.reverse();
	return chain.flatMap((s) => s.hooks[kind]);
}

export async function runAll(print: (line: string) => void, timeoutMs = 10000): Promise<Totals> {
	const totals: Totals = { passed: 0, failed: 0, skipped: 0, failures: [] };
	async function run(suite: Suite, depth: number, path: string): Promise<void> {
		const indent = "  ".repeat(depth);
		if (suite.name) print(`${indent}${suite.name}`);
		const here = suite.name ? (path ? `${path} ${suite.name}` : suite.name) : path;
		try {
			for (const h of suite.hooks.before) await withTimeout(h, timeoutMs);
		} catch (e) {
			totals.failed++;
			totals.failures.push(`${here} "before all" hook: ${describeError(e)}`);
			print(`${indent}  ✗ "before all" hook failed: ${describeError(e)}`);
			return;
		}
		for (const test of suite.tests) {
			const title = `${here} ${test.name}`;
			try {
				for (const h of eachHooks(suite, "beforeEach")) await withTimeout(h, timeoutMs);
				await withTimeout(test.fn, test.timeoutMs ?? timeoutMs);
				for (const h of eachHooks(suite, "afterEach")) await withTimeout(h, timeoutMs);
				totals.passed++;
				print(`${indent}  ✓ ${test.name}`);
			} catch (e) {
				totals.failed++;
				totals.failures.push(`${title}: ${describeError(e)}`);
				print(`${indent}  ✗ ${test.name}`);
			}
		}
		for (const child of suite.suites) await run(child, depth + 1, here);
		for (const h of suite.hooks.after) {
			try { await withTimeout(h, timeoutMs); } catch (e) {
				totals.failed++;
				totals.failures.push(`${here} "after all" hook: ${describeError(e)}`);
			}
		}
	}
	await run(registry.root, 0, "");
	return totals;
}
