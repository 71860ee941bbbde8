// embedded:io/socket/udp on xsdm: an ECMA-419 UDP socket that behaves as the Moddable SDK's (lwip)
// one, so module code runs unchanged on the device. What modules may rely on:
// - write(address, port, bytes): the address comes first, as in the SDK (not the bytes);
// - onReadable(count) counts queued datagrams, not bytes, and comes again only when more arrive:
//   read until read() returns undefined; each datagram is an ArrayBuffer with `address` and `port`;
// - close() is safe anywhere, twice too; afterwards every method throws.
// Differences to know: `port` (the bound port) exists only here, the SDK cannot report it; the SDK
// ignores `address` and binds every interface; onError is accepted but never called, as on lwip.

import type { Bytes } from "./tcp.js";

export interface Datagram extends ArrayBuffer {
	address: string;
	port: number;
}

export interface UDPOptions {
	/** local port; 0 or absent: any free port */
	port?: number;
	/** local address to bind (xsdm only; the SDK binds every interface) */
	address?: string;
	format?: "buffer";
	target?: unknown;
	onReadable?: (this: UDP, count: number) => void;
	onError?: (this: UDP) => void;
}

const construct = native("xs_udp_constructor");
const readUDP = native("xs_udp_read");
const writeUDP = native("xs_udp_write");
const getPort = native("xs_udp_get_port");
const closeUDP = native("xs_udp_close");
const getFormat = native("xs_udp_get_format");
const setFormat = native("xs_udp_set_format");

export default class UDP extends Native("xs_udp_destructor") {
	declare readonly target: unknown;

	constructor(options: UDPOptions) {
		super();
		construct.call(this, options);
	}

	/** xsdm only: the local port the socket is bound to */
	get port(): number {
		return getPort.call(this);
	}

	read(): Datagram | undefined {
		return readUDP.apply(this, arguments as unknown as unknown[]);
	}

	write(address: string, port: number, bytes: Bytes): void {
		writeUDP.call(this, address, port, bytes);
	}

	close(): void {
		closeUDP.call(this);
	}

	get format(): "buffer" {
		return getFormat.call(this);
	}

	set format(value: "buffer") {
		setFormat.call(this, value);
	}
}
Object.freeze(UDP.prototype);
