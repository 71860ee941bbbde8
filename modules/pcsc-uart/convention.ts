// ISO 7816-3 8.1: under the inverse convention (TS = 3F) a byte travels complemented with its bits
// in reverse order. A UART set for the direct convention therefore receives TS as 03, and every
// later byte must pass through this mapping both ways. The mapping is its own inverse.

export type Convention = "direct" | "inverse";

/** TS as a UART in direct convention receives it: 3B (direct) or 03 (3F sent inverse). */
export const TS_DIRECT = 0x3b;
export const TS_INVERSE_RAW = 0x03;

export function inverseByte(b: number): number {
	let r = 0;
	for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
	return ~r & 0xff;
}

/** Maps bytes in place between the line and their values (a no-op for the direct convention). */
export function convert(convention: Convention, bytes: Uint8Array): Uint8Array {
	if (convention === "inverse") for (let i = 0; i < bytes.length; i++) bytes[i] = inverseByte(bytes[i]!);
	return bytes;
}
