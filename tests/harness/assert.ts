// Assertions that run on Node and on XS alike (no node:assert, no string formatting of Node).

export class AssertionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "AssertionError";
	}
}

function show(value: unknown): string {
	if (value instanceof Uint8Array) return `Uint8Array[${Array.from(value.subarray(0, 48), (b) => b.toString(16).padStart(2, "0")).join(" ")}${value.length > 48 ? " …" : ""}] (${value.length} bytes)`;
	if (typeof value === "string") return JSON.stringify(value.length > 200 ? value.slice(0, 200) + "…" : value);
	if (typeof value === "bigint") return `${value}n`;
	try {
		const text = JSON.stringify(value);
		if (text !== undefined) return text.length > 300 ? text.slice(0, 300) + "…" : text;
	} catch { /* cyclic: fall through */ }
	return String(value);
}

function fail(message: string | undefined, fallback: string): never {
	throw new AssertionError(message ? `${message}: ${fallback}` : fallback);
}

export function ok(value: unknown, message?: string): asserts value {
	if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
	if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

export function notEqual<T>(actual: T, unexpected: T, message?: string): void {
	if (Object.is(actual, unexpected)) fail(message, `expected anything but ${show(unexpected)}`);
}

function deepEq(a: unknown, b: unknown, seen: Map<object, object>): boolean {
	if (Object.is(a, b)) return true;
	if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
	if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
	if (seen.get(a) === b) return true;
	seen.set(a, b);
	if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
		const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
		return x.length === y.length && x.every((v, i) => v === y[i]);
	}
	if (a instanceof ArrayBuffer && b instanceof ArrayBuffer) return deepEq(new Uint8Array(a), new Uint8Array(b), seen);
	if (a instanceof Map && b instanceof Map) {
		if (a.size !== b.size) return false;
		for (const [k, v] of a) if (!b.has(k) || !deepEq(v, b.get(k), seen)) return false;
		return true;
	}
	if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
	if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
	const ka = Object.keys(a), kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen)) return false;
	return true;
}

export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
	if (!deepEq(actual, expected, new Map())) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

export function match(actual: string, pattern: RegExp, message?: string): void {
	if (!pattern.test(actual)) fail(message, `expected ${show(actual)} to match ${String(pattern)}`);
}

export function bytes(actual: Uint8Array, expected: Uint8Array | string, message?: string): void {
	const want = typeof expected === "string" ? fromHex(expected) : expected;
	if (!deepEq(actual, want, new Map())) fail(message, `expected ${toHex(want)}, got ${toHex(actual)}`);
}

type ErrorMatch = RegExp | ((e: unknown) => boolean) | (new (...args: any[]) => unknown);

function matches(error: unknown, match: ErrorMatch | undefined): boolean {
	if (!match) return true;
	if (match instanceof RegExp) return match.test(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
	if (match.prototype !== undefined && error instanceof (match as new () => unknown)) return true;
	if (match.prototype === undefined || match.prototype === Function.prototype) return (match as (e: unknown) => boolean)(error) === true;
	return false;
}

export function throws(fn: () => unknown, match?: ErrorMatch, message?: string): unknown {
	try {
		fn();
	} catch (e) {
		if (!matches(e, match)) fail(message, `threw ${show(e instanceof Error ? `${e.name}: ${e.message}` : e)}, which does not match ${String(match)}`);
		return e;
	}
	return fail(message, "expected an exception, none was thrown");
}

export async function rejects(promise: Promise<unknown> | (() => Promise<unknown>), match?: ErrorMatch, message?: string): Promise<unknown> {
	try {
		await (typeof promise === "function" ? promise() : promise);
	} catch (e) {
		if (!matches(e, match)) fail(message, `rejected with ${show(e instanceof Error ? `${e.name}: ${e.message}` : e)}, which does not match ${String(match)}`);
		return e;
	}
	return fail(message, "expected a rejection, the promise fulfilled");
}

export function fromHex(hex: string): Uint8Array {
	const clean = hex.replace(/\s+/g, "");
	if (clean.length % 2 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not hex: ${hex}`);
	const out = new Uint8Array(clean.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
	return out;
}

export function toHex(data: Uint8Array): string {
	let s = "";
	for (const b of data) s += b.toString(16).padStart(2, "0");
	return s;
}
