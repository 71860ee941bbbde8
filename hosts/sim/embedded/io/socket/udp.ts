// embedded:io/socket/udp on xsdm — an ECMA-419 UDP socket, the shape of Moddable's.
//   new UDP({ port?: 0, address?, onReadable(count), onError? })
// onReadable(count) announces the next datagram (count = its size); read() returns it with the
// sender's address and port as properties. A datagram the program does not read in onReadable
// is dropped. write(bytes, address, port) sends one datagram.

export interface Datagram extends ArrayBuffer {
	address: string;
	port: number;
}

export interface UDPOptions {
	/** local port; 0 or absent: any free port (see .port) */
	port?: number;
	/** local address to bind; default all */
	address?: string;
	onReadable?: (this: UDP, count: number) => void;
	onError?: (this: UDP) => void;
}

const construct = native("xs_udp_constructor");
const readUDP = native("xs_udp_read");
const writeUDP = native("xs_udp_write");
const getPort = native("xs_udp_get_port");
const closeUDP = native("xs_udp_close");

export default class UDP extends Native("xs_udp_destructor") {
	readonly onReadable: ((this: UDP, count: number) => void) | undefined;
	readonly onError: ((this: UDP) => void) | undefined;

	constructor(options: UDPOptions = {}) {
		super();
		this.onReadable = options.onReadable;
		this.onError = options.onError;
		construct.call(this, options);
	}

	/** the local port the socket is bound to */
	get port(): number {
		return getPort.call(this);
	}

	read(): Datagram | undefined {
		return readUDP.call(this);
	}

	write(bytes: ArrayBuffer | ArrayBufferView, address: string, port: number): void {
		writeUDP.call(this, bytes, address, port);
	}

	close(): void {
		closeUDP.call(this);
	}
}
