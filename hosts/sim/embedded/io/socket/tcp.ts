// embedded:io/socket/tcp on xsdm — an ECMA-419 TCP client socket, the shape of Moddable's.
//   new TCP({ address: "127.0.0.1", port, nodelay?, onReadable(count), onWritable(count), onError() })
// onWritable(count) grants count bytes to write() (more throws "would block"); onReadable(count)
// says how many bytes read() returns; the peer closing, a reset or a failed connect call onError().
// Callbacks run with `this` the socket; close() is safe inside them.

export interface TCPOptions {
	address: string;
	port: number;
	nodelay?: boolean;
	onReadable?: (this: TCP, count: number) => void;
	onWritable?: (this: TCP, count: number) => void;
	onError?: (this: TCP) => void;
}

const construct = native("xs_tcp_constructor");
const readTCP = native("xs_tcp_read");
const writeTCP = native("xs_tcp_write");
const closeTCP = native("xs_tcp_close");

export default class TCP extends Native("xs_tcp_destructor") {
	readonly onReadable: ((this: TCP, count: number) => void) | undefined;
	readonly onWritable: ((this: TCP, count: number) => void) | undefined;
	readonly onError: ((this: TCP) => void) | undefined;

	constructor(options: TCPOptions) {
		super();
		this.onReadable = options.onReadable;
		this.onWritable = options.onWritable;
		this.onError = options.onError;
		construct.call(this, options);
	}

	/** All available bytes, up to `count` of them, or (given a buffer) the number of bytes read into it. */
	read(): ArrayBuffer | undefined;
	read(count: number): ArrayBuffer | undefined;
	read(into: ArrayBuffer | ArrayBufferView): number;
	read(arg?: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | number | undefined {
		return readTCP.call(this, arg);
	}

	write(bytes: ArrayBuffer | ArrayBufferView): void {
		writeTCP.call(this, bytes);
	}

	close(): void {
		closeTCP.call(this);
	}
}
