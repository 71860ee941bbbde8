// Lower-case hex, two digits a byte (digests in HTTP Digest responses and the card record).

const DIGITS = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
	let out = "";
	for (let i = 0; i < bytes.length; i++) out += DIGITS.charAt(bytes[i]! >> 4) + DIGITS.charAt(bytes[i]! & 15);
	return out;
}

