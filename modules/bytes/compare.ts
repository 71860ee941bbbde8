// Byte comparison. sameBytes stops at the first difference (store keys, cache validators);
// constantTimeEqual reads every byte so its timing says nothing about where a secret-derived value
// (a Package#0 digest, an SCP03 cryptogram or MAC) differs from the one received.

/** Whether a and b hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** Compares every byte, with no early exit, so timing says nothing about where two digests differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	let diff = a.length ^ b.length;
	const n = Math.max(a.length, b.length);
	for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return diff === 0;
}
