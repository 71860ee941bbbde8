// The device's trust store as a host hands it over (dm-device --ca FILE): the bytes of a file that
// is either one DER certificate or PEM text holding one or more "CERTIFICATE" blocks (other PEM
// blocks, e.g. a key someone left in the bundle, are skipped, never trusted). Each certificate is
// checked for shape only; mbedTLS parses it when a connection uses it.
import { decodeBase64, isSpace } from "../../bytes/index.js";
import { isDerCertificate } from "../credentials.js";

const BEGIN = "-----BEGIN CERTIFICATE-----", END = "-----END CERTIFICATE-----";

/** The DER certificates in `file`; a TypeError says what is wrong (the action first). */
export function parseTrustStore(file: Uint8Array): Uint8Array[] {
	if (isDerCertificate(file)) return [file.slice()];
	let text = "";
	for (const b of file) {
		if (b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09)) throw new TypeError("give a PEM or DER CA certificate file: this one is neither");
		text += String.fromCharCode(b);
	}
	const out: Uint8Array[] = [];
	for (let at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at)) {
		const end = text.indexOf(END, at);
		if (end < 0) throw new TypeError(`end the PEM certificate block ${out.length + 1} with ${END}`);
		const der = decodeBase64(withoutSpace(text.slice(at + BEGIN.length, end)));
		if (!der || !isDerCertificate(der)) throw new TypeError(`fix PEM certificate block ${out.length + 1}: it is not a base64 DER certificate`);
		out.push(der);
		at = end + END.length;
	}
	if (!out.length) throw new TypeError("give a PEM or DER CA certificate file: no CERTIFICATE block found");
	return out;
}

/** PEM base64 without its line breaks and spaces. */
function withoutSpace(text: string): string {
	let out = "";
	for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) out += text.charAt(i);
	return out;
}
