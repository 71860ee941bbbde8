// Package#0 from the development server: encoded and signed with the client's own codec (the
// codec's tests hold it to Figure 9 of 7.1.1 byte by byte), wrapped for WAP push, sent over UDP.
import { signPackage0 } from "../../../../modules/dm/codec/package0-digest.js";
import { encodePackage0, type ConnectionType } from "../../../../modules/dm/codec/package0.js";
import { WAP_PUSH_PORT, sendDatagram, wapPush } from "./wap-push.js";

export interface NotifyOptions {
	serverId: string;
	notificationId: number;
	/** Auth/Noti/Secret and Auth/Noti/Data of the device's account; no secret, no digest */
	secret?: Uint8Array;
	authData?: Uint8Array;
	requestMos?: boolean;
	/** PREFERRED-CON-TYPE, by priority (ConnectionType values: 0 ANY_AVAILABLE last, 1 cellular, 2 WLAN, 3 wireline) */
	preferredConnections?: ConnectionType[];
	/** POSIX seconds; default now */
	timestamp?: number;
	host?: string;
	port?: number;
}

export function notificationBytes(o: NotifyOptions): Uint8Array {
	const plain = encodePackage0({
		serverId: o.serverId, notificationId: o.notificationId, requestMos: o.requestMos ?? false,
		timestamp: o.timestamp ?? Math.floor(Date.now() / 1000), withDigest: o.secret !== undefined,
		...(o.preferredConnections ? { preferredConnections: o.preferredConnections } : {}),
	});
	return o.secret ? signPackage0(plain, o.secret, o.authData ?? new Uint8Array(0)) : plain;
}

export async function notify(o: NotifyOptions): Promise<Uint8Array> {
	const bytes = notificationBytes(o);
	await sendDatagram(wapPush(bytes, o.notificationId & 0xff), o.port ?? WAP_PUSH_PORT, o.host);
	return bytes;
}
