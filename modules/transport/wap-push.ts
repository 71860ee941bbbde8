// Package#0 out of a connectionless WAP push datagram (Appendix E.1, E.1.1): a WSP Push PDU
// (WAP-230 8.2.4.1) — transaction id, PDU type 0x06, headers length as a uintvar, the content type,
// further headers, then the body. A datagram is routed to the DM client only if its content type
// is application/vnd.syncml.dm.notification (well-known code 0x58, or the same as text) and its
// X-Wap-Application-Id (field 0x2F) is 0x07; anything else, or anything malformed, is undefined.

const PUSH = 0x06;
const DM_CONTENT_TYPE = 0x58;
const DM_CONTENT_TEXT = "application/vnd.syncml.dm.notification";
const APPLICATION_ID = 0x2f;
const DM_APPLICATION = 0x07;
/** E.1: the push header must leave room for the notification; more than this is not ours */
const HEADERS_MAX = 48;

/** The Package#0 a WAP push datagram carries for the DM client, or undefined. */
export function package0FromWapPush(datagram: Uint8Array): Uint8Array | undefined {
	if (datagram.length < 3 || datagram[1] !== PUSH) return undefined;
	let at = 2, length = 0, i = 0;
	for (;; i++) {
		if (at >= datagram.length || i >= 5) return undefined;
		const b = datagram[at++]!;
		length = (length << 7) | (b & 0x7f);
		if (!(b & 0x80)) break;
	}
	if (length < 1 || length > HEADERS_MAX || at + length > datagram.length) return undefined;
	const headers = datagram.subarray(at, at + length);
	const body = datagram.subarray(at + length);
	// content type: a short integer, or a NUL-terminated text
	let h = 0;
	if (headers[0]! & 0x80) {
		if ((headers[0]! & 0x7f) !== DM_CONTENT_TYPE) return undefined;
		h = 1;
	}
	else {
		const end = headers.indexOf(0);
		if (end < 0) return undefined;
		let text = "";
		for (let k = 0; k < end; k++) text += String.fromCharCode(headers[k]!);
		if (text.toLowerCase() !== DM_CONTENT_TEXT) return undefined;
		h = end + 1;
	}
	// the other headers: the application id must be there and be the DM client's
	let application = false;
	while (h < headers.length) {
		const field = headers[h++]!;
		if (field === (0x80 | APPLICATION_ID)) {
			if (h >= headers.length || headers[h] !== (0x80 | DM_APPLICATION)) return undefined;
			application = true;
			h++;
			continue;
		}
		// skip a value we do not need: a short integer, a NUL-terminated text, or a length-prefixed one
		if (h >= headers.length) return undefined;
		const v = headers[h]!;
		if (v & 0x80) h++;
		else if (v <= 30) h += 1 + v;
		else { const end = headers.indexOf(0, h); if (end < 0) return undefined; h = end + 1; }
	}
	return application && body.length ? body : undefined;
}
