// DM notifications by connectionless WAP push over UDP (Appendix E.1): the WSP Push PDU of
// WAP-230 8.2.4.1 — TID, PDU type 0x06, the headers' length as a uintvar, the content type, the
// headers, then the body (the Package#0). E.1.1 lets a device without a WAP stack decode just
// enough: the content type must be application/vnd.syncml.dm.notification (well-known code 0x58)
// and X-Wap-Application-Id (field 0x2F) must be 0x07 (x-wap-application:syncml.dm), in at most
// 48 header bytes. Everything else is dropped and counted; a datagram never throws past here.

/** The IANA port of connectionless WAP push (E.1). */
export const WAP_PUSH_PORT = 2948;
/** E.1: content type and headers together. */
export const MAX_PUSH_HEADERS = 48;

const PDU_PUSH = 0x06;
const CONTENT_TYPE_DM_NOTIFICATION = 0x58;
const CONTENT_TYPE_TEXT = "application/vnd.syncml.dm.notification";
const FIELD_APPLICATION_ID = 0x2f;
const APPLICATION_ID_DM = 0x07;
const APPLICATION_ID_TEXT = "x-wap-application:syncml.dm";

/** Why a datagram was not a DM notification; each is counted by the listener. */
export const PushDrop = Object.freeze({
	/** too short, a length running past the end, a uintvar over 5 bytes, an unterminated text */
	Malformed: 1,
	/** PDU type other than Push (0x06), e.g. a ConfirmedPush or a WSP reply */
	NotPush: 2,
	/** the headers exceed E.1's 48 bytes */
	HeadersTooLong: 3,
	/** a content type other than application/vnd.syncml.dm.notification */
	ContentType: 4,
	/** no X-Wap-Application-Id, or one other than 0x07 */
	ApplicationId: 5,
	/** nothing after the headers */
	EmptyBody: 6,
	/** a header code page shift: not used by any DM server, not decoded here */
	Unsupported: 7,
} as const);
export type PushDrop = (typeof PushDrop)[keyof typeof PushDrop];

export class WapPushError extends Error {
	// a field, not `this.name = ...`: preloaded on the device, Error.prototype is frozen and an assignment would throw
	override name = "WapPushError";
	readonly drop: PushDrop;
	constructor(drop: PushDrop, message: string) {
		super(message);
		this.drop = drop;
	}
}

/** The Package#0 a WSP Push PDU carries (a view into `pdu`), or a WapPushError saying why not. */
export function parseWapPush(pdu: Uint8Array): Uint8Array {
	const r = new Reader(pdu);
	r.byte();	// TID: connectionless push gives it no meaning
	const type = r.byte();
	if (type !== PDU_PUSH) throw new WapPushError(PushDrop.NotPush, `WSP PDU type 0x${type.toString(16)} is not Push (0x06)`);
	const headersLength = r.uintvar();
	if (headersLength > MAX_PUSH_HEADERS) throw new WapPushError(PushDrop.HeadersTooLong, `push headers of ${headersLength} bytes exceed E.1's ${MAX_PUSH_HEADERS}`);
	const end = r.at + headersLength;
	if (end > pdu.length) throw new WapPushError(PushDrop.Malformed, "push headers run past the end of the datagram");
	const headers = new Reader(pdu.subarray(r.at, end));
	if (!isDmNotification(headers)) throw new WapPushError(PushDrop.ContentType, "content type is not application/vnd.syncml.dm.notification (0x58)");
	let application = false;
	while (!headers.done) {
		const name = headers.peek();
		if (name >= 0x80) {
			headers.byte();
			if ((name & 0x7f) === FIELD_APPLICATION_ID) {
				if (!isDmApplication(headers)) throw new WapPushError(PushDrop.ApplicationId, "X-Wap-Application-Id is not 0x07 (x-wap-application:syncml.dm)");
				application = true;
			}
			else headers.skipValue();
		}
		else if (name >= 0x20 && name !== 0x7f) {
			headers.text();			// an application header's name...
			headers.skipValue();	// ...and its value
		}
		else throw new WapPushError(PushDrop.Unsupported, "WSP header code page shifts are not supported");
	}
	if (!application) throw new WapPushError(PushDrop.ApplicationId, "no X-Wap-Application-Id header");
	if (end === pdu.length) throw new WapPushError(PushDrop.EmptyBody, "the push carries no notification");
	return pdu.subarray(end);
}

/** Content-type-value (WSP 8.4.2.24): a short integer, a text, or the general form with parameters. */
function isDmNotification(r: Reader): boolean {
	const first = r.peek();
	if (first >= 0x80) return r.byte() === (0x80 | CONTENT_TYPE_DM_NOTIFICATION);
	if (first >= 0x20) return r.text().toLowerCase() === CONTENT_TYPE_TEXT;
	// Content-general-form: Value-length Media-type *(Parameter); only the media type matters
	const inner = r.sub(r.valueLength());
	const media = inner.peek();
	if (media >= 0x80) return inner.byte() === (0x80 | CONTENT_TYPE_DM_NOTIFICATION);
	if (media >= 0x20) return inner.text().toLowerCase() === CONTENT_TYPE_TEXT;
	return inner.longInteger() === CONTENT_TYPE_DM_NOTIFICATION;
}

/** X-Wap-Application-Id value (WSP 8.4.2.54): Absolute-uri text or an Integer-value. */
function isDmApplication(r: Reader): boolean {
	const first = r.peek();
	if (first >= 0x80) return r.byte() === (0x80 | APPLICATION_ID_DM);
	if (first >= 0x20) return r.text().toLowerCase() === APPLICATION_ID_TEXT;
	return r.longInteger() === APPLICATION_ID_DM;
}

/** Bytes of a WSP PDU, every step bounds-checked: running out is Malformed, never an exception of another kind. */
class Reader {
	at = 0;
	readonly #b: Uint8Array;
	constructor(bytes: Uint8Array) {
		this.#b = bytes;
	}
	get done(): boolean {
		return this.at >= this.#b.length;
	}
	peek(): number {
		if (this.done) throw short();
		return this.#b[this.at]!;
	}
	byte(): number {
		const b = this.peek();
		this.at++;
		return b;
	}
	/** WSP uintvar: 7 bits a byte, high bit set on all but the last, at most 5 bytes (32 bits) */
	uintvar(): number {
		let value = 0;
		for (let i = 0; i < 5; i++) {
			const b = this.byte();
			value = value * 128 + (b & 0x7f);
			if (!(b & 0x80)) return value;
		}
		throw new WapPushError(PushDrop.Malformed, "uintvar longer than 5 bytes");
	}
	/** Value-length: a short length 0..30, or 31 then a uintvar */
	valueLength(): number {
		const b = this.byte();
		if (b <= 30) return b;
		if (b === 31) return this.uintvar();
		throw new WapPushError(PushDrop.Malformed, "value length expected");
	}
	/** Long-integer: a length 1..30, then that many big-endian bytes (more than 6 cannot be an id we know) */
	longInteger(): number {
		const length = this.byte();
		if (length < 1 || length > 30) throw new WapPushError(PushDrop.Malformed, "long integer length out of 1..30");
		const bytes = this.sub(length);
		let value = 0;
		while (!bytes.done) value = value * 256 + bytes.byte();
		return length > 6 ? -1 : value;
	}
	/** A text string up to its NUL (a leading quote 0x7F is part of the WSP encoding, not of the text) */
	text(): string {
		let s = "";
		if (this.peek() === 0x7f) this.at++;
		for (let c = this.byte(); c !== 0; c = this.byte()) s += String.fromCharCode(c);
		return s;
	}
	/** Skips one field value (WSP 8.4.1.2): short integer, text, or length-prefixed */
	skipValue(): void {
		const first = this.peek();
		if (first >= 0x80) this.at++;
		else if (first >= 0x20) this.text();
		else this.sub(this.valueLength());
	}
	/** The next `length` bytes as their own reader */
	sub(length: number): Reader {
		if (this.at + length > this.#b.length) throw short();
		const r = new Reader(this.#b.subarray(this.at, this.at + length));
		this.at += length;
		return r;
	}
}

function short(): WapPushError {
	return new WapPushError(PushDrop.Malformed, "the push PDU ends inside a field");
}

/** The part of an ECMA-419 UDP socket the listener uses (the host's embedded:io/socket/udp). */
export interface UdpSocket {
	read(): (ArrayBuffer & { address?: string; port?: number }) | undefined;
	close(): void;
	/** the bound port, where the host can say (xsdm can; the SDK's lwip socket cannot) */
	readonly port?: number;
}
export type UdpConstructor = new (options: { port: number; address?: string; onReadable: (count: number) => void }) => UdpSocket;

export interface PushSender {
	address: string | undefined;
	port: number | undefined;
}

export interface WapPushListenerOptions {
	/** the host's UDP socket class (embedded:io/socket/udp) */
	udp: UdpConstructor;
	/** default 2948 (E.1) */
	port?: number;
	/** local address to bind, where the host supports it */
	address?: string;
	/** a Package#0 to screen (modules/dm/codec screenPackage0); its bytes are valid only during the call */
	onNotification: (package0: Uint8Array, from: PushSender) => void;
}

export interface PushCounts {
	received: number;
	delivered: number;
	/** datagrams dropped, by PushDrop */
	dropped: Record<PushDrop, number>;
	/** onNotification threw: counted, the listener goes on */
	handlerFailed: number;
}

/** Listens for WAP push datagrams and hands each DM notification on; all else is counted and dropped. */
export class WapPushListener {
	#socket: UdpSocket;
	#onNotification: WapPushListenerOptions["onNotification"];
	#counts: PushCounts = {
		received: 0, delivered: 0, handlerFailed: 0,
		dropped: { [PushDrop.Malformed]: 0, [PushDrop.NotPush]: 0, [PushDrop.HeadersTooLong]: 0, [PushDrop.ContentType]: 0, [PushDrop.ApplicationId]: 0, [PushDrop.EmptyBody]: 0, [PushDrop.Unsupported]: 0 },
	};

	constructor(options: WapPushListenerOptions) {
		if (typeof options?.onNotification !== "function") throw new TypeError("WapPushListener needs options.onNotification");
		this.#onNotification = options.onNotification;
		const socketOptions: { port: number; address?: string; onReadable: (count: number) => void } = { port: options.port ?? WAP_PUSH_PORT, onReadable: () => this.#readable() };
		if (options.address !== undefined) socketOptions.address = options.address;
		this.#socket = new options.udp(socketOptions);
	}

	/** A copy of the counters. */
	get counts(): PushCounts {
		const c = this.#counts;
		return { received: c.received, delivered: c.delivered, handlerFailed: c.handlerFailed, dropped: { ...c.dropped } };
	}

	/** The port listened on, when the host's socket tells it (e.g. after asking for port 0). */
	get port(): number | undefined {
		return this.#socket.port;
	}

	close(): void {
		this.#socket.close();
	}

	#readable(): void {
		for (let datagram = this.#socket.read(); datagram; datagram = this.#socket.read()) {
			this.#counts.received++;
			let body: Uint8Array;
			try {
				body = parseWapPush(new Uint8Array(datagram));
			}
			catch (e) {
				if (!(e instanceof WapPushError)) throw e;
				this.#counts.dropped[e.drop]++;
				continue;
			}
			try {
				this.#onNotification(body, { address: datagram.address, port: datagram.port });
				this.#counts.delivered++;
			}
			catch {
				this.#counts.handlerFailed++;
			}
		}
	}
}
