// embedded:io/socket/tcp on xsdm: an ECMA-419 TCP client socket that behaves as the Moddable
// SDK's (lwip) one, so module code runs unchanged on the device. What modules may rely on:
// - callbacks are taken from the options once (not looked up on the instance later), `this` = socket;
// - onWritable(count) grants count bytes after connect and again after writes drain; write() of more
//   throws "would block"; write() before the first onWritable, or after onError, throws "not ready";
// - onReadable(count) reports every buffered byte, again each time more arrive (also when the last
//   call read nothing); read() takes all, read(count) and read(view) exactly that many, and asking
//   for more than is buffered throws; read() with nothing buffered returns undefined;
// - a refused connect, a reset and the peer's orderly close are all onError(), after the last
//   buffered byte has been read; the socket then stays allocated until close();
// - close() is safe anywhere, twice too; afterwards every method throws.
// Only format "buffer" exists here (the SDK also has "number"); there is no `host` or `from`.

export type Bytes = ArrayBuffer | ArrayBufferView;

export interface TCPOptions {
	/** numeric IPv4 address, e.g. "127.0.0.1" (the SDK resolves no names either) */
	address: string;
	port: number;
	nodelay?: boolean;
	format?: "buffer";
	/** stored on the instance as `target`, for callbacks to find their owner */
	target?: unknown;
	onReadable?: (this: TCP, count: number) => void;
	onWritable?: (this: TCP, count: number) => void;
	onError?: (this: TCP) => void;
}

const construct = native("xs_tcp_constructor");
const readTCP = native("xs_tcp_read");
const writeTCP = native("xs_tcp_write");
const closeTCP = native("xs_tcp_close");
const getRemoteAddress = native("xs_tcp_get_remoteAddress");
const getRemotePort = native("xs_tcp_get_remotePort");
const getFormat = native("xs_tcp_get_format");
const setFormat = native("xs_tcp_set_format");

export default class TCP extends Native("xs_tcp_destructor") {
	declare readonly target: unknown;

	constructor(options: TCPOptions) {
		super();
		construct.call(this, options);
	}

	/** All buffered bytes, exactly `count` of them, or (given a view) as many as the view holds, returning that number. */
	read(): ArrayBuffer | undefined;
	read(count: number): ArrayBuffer | undefined;
	read(into: Bytes): number | undefined;
	read(argument?: number | Bytes): ArrayBuffer | number | undefined {
		return argument === undefined ? readTCP.call(this) : readTCP.call(this, argument);
	}

	write(bytes: Bytes): void {
		writeTCP.call(this, bytes);
	}

	close(): void {
		closeTCP.call(this);
	}

	get remoteAddress(): string {
		return getRemoteAddress.call(this);
	}

	get remotePort(): number {
		return getRemotePort.call(this);
	}

	get format(): "buffer" {
		return getFormat.call(this);
	}

	set format(value: "buffer") {
		setFormat.call(this, value);
	}
}
Object.freeze(TCP.prototype);
