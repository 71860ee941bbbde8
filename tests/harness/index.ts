// One test API for both engines. Under mocha (Node) describe/it are mocha's own; on XS
// (xsdm) they register into the small runner in ./runner.ts, which tests/xs/run.ts drives.
// Test files import from here and never from mocha or node:assert, so each file runs on both.
import { registry, type TestFn } from "./runner.js";

type Describe = (name: string, body: () => void) => void;
/** timeoutMs overrides the default (mocha's 120 s here, the XS runner's --timeout) for a long test */
type It = (name: string, fn: TestFn, timeoutMs?: number) => void;
type MochaIt = (name: string, fn: TestFn) => { timeout(ms: number): void };
type Hook = (fn: TestFn) => void;

const g = globalThis as unknown as { describe?: Describe; it?: MochaIt; before?: Hook; after?: Hook; beforeEach?: Hook; afterEach?: Hook };
const mocha = typeof g.describe === "function" && typeof g.it === "function";

export const describe: Describe = mocha ? (name, body) => g.describe!(name, body) : (name, body) => registry.describe(name, body);
export const it: It = mocha
	? (name, fn, timeoutMs) => { const test = g.it!(name, fn); if (timeoutMs) test.timeout(timeoutMs); }
	: (name, fn, timeoutMs) => registry.it(name, fn, timeoutMs);
export const before: Hook = mocha ? (fn) => g.before!(fn) : (fn) => registry.hook("before", fn);
export const after: Hook = mocha ? (fn) => g.after!(fn) : (fn) => registry.hook("after", fn);
export const beforeEach: Hook = mocha ? (fn) => g.beforeEach!(fn) : (fn) => registry.hook("beforeEach", fn);
export const afterEach: Hook = mocha ? (fn) => g.afterEach!(fn) : (fn) => registry.hook("afterEach", fn);

/** Which engine runs this file: tests that need a host object (xsdm's IO) check it. */
export const engine: "node" | "xs" = mocha ? "node" : "xs";

export * as assert from "./assert.js";
