// Package#0 delivery by connectionless WAP push over UDP (Appendix E.1): a WSP Push PDU
// (WAP-230 8.2.4.1: TID, PDU type 0x06, headers length as a uintvar, content type, headers, body)
// whose content type is the well-known code 0x58 (application/vnd.syncml.dm.notification) and
// whose X-Wap-Application-Id header (field 0x2F) is 0x07, both as WSP short integers (| 0x80).
import { createSocket } from "node:dgram";

export const WAP_PUSH_PORT = 2948;

/** A WSP uintvar: 7 bits a byte, most significant first, the high bit set on all but the last. */
export function uintvar(n: number): Buffer {
	const bytes = [n & 0x7f];
	for (n >>>= 7; n > 0; n >>>= 7) bytes.unshift(0x80 | (n & 0x7f));
	return Buffer.from(bytes);
}

export function wapPush(package0: Uint8Array, transactionId = 0): Buffer {
	const headers = Buffer.from([0x80 | 0x58, 0x80 | 0x2f, 0x80 | 0x07]);
	return Buffer.concat([Buffer.from([transactionId & 0xff, 0x06]), uintvar(headers.length), headers, package0]);
}

export async function sendDatagram(bytes: Uint8Array, port: number, host = "127.0.0.1"): Promise<void> {
	const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
	try {
		await new Promise<void>((resolve, reject) => socket.send(bytes, port, host, (e) => (e ? reject(e) : resolve())));
	} finally {
		socket.close();
	}
}
