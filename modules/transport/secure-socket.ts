// An ECMA-419-shaped TLS 1.2 client socket: mbedTLS in C (native/tls.c) does the TLS, this class
// moves ciphertext between it and the host's own TCP socket (embedded:io/socket/tcp, passed in as
// `socket.io`), so the C never sees a file descriptor and the same code runs on the ESP32's lwip.
//
// What a user sees is what the TCP socket offers: onWritable(count) once the handshake is done and
// again after writes drain, onReadable(count) when decrypted bytes are ready, read(view)/write(bytes),
// "would block" past the grant. onError(error) reports a failed handshake (an Error whose message
// says what to check; never a secret), a lost connection, or the server's close_notify.

import { PSK_SUITES, X509_SUITES, resumptionPays, type CipherSuite } from "./suites.js";

export type Bytes = ArrayBuffer | ArrayBufferView;

/** The part of an ECMA-419 TCP socket this class uses (the host's embedded:io/socket/tcp). */
export interface TcpSocket {
	read(into: Uint8Array): number | undefined;
	write(bytes: Uint8Array): void;
	close(): void;
}
export interface TcpOptions {
	address: string;
	port: number;
	nodelay?: boolean;
	onReadable: (count: number) => void;
	onWritable: (count: number) => void;
	onError: () => void;
}
export type TcpConstructor = new (options: TcpOptions) => TcpSocket;

export interface PskCredentials {
	/** Auth/Trsp/Data: the PSK identity (UTF-8 text or bytes) */
	identity: string | Uint8Array;
	/** Auth/Trsp/Secret: the PSK; copied into mbedTLS and wiped there, the caller's copy is left alone */
	key: Uint8Array;
}

export interface X509Credentials {
	/** the DER certificates the server's chain must end in (the account's Ext/TrustAnchor) */
	trustAnchors: readonly Bytes[];
	/** the client's own DER certificate (Auth/Trsp/Data), sent when the server asks; with `key` */
	certificate?: Bytes;
	/** its DER private key (Auth/Trsp/Secret), PKCS#8 or PKCS#1/SEC1; parsed into mbedTLS, which wipes it */
	key?: Bytes;
	/** accept a TLS 1.1 server (DM-SEC-006, interpretation 8), with AES-128 CBC SHA-1 suites for that
	    version only; off by default, and nothing below TLS 1.1 ever */
	allowTls11?: boolean;
}

/** TLS-PSK, or X.509 (interpretation 11): the mode is the credentials given. */
export type SecureOptions = ({ psk: PskCredentials; x509?: undefined } | { x509: X509Credentials; psk?: undefined }) & {
	/** a subset of PSK_SUITES or X509_SUITES (by mode), in preference order (default: all of them) */
	suites?: readonly CipherSuite[];
	/** sent as SNI; in X.509 mode required, and the server's certificate must carry it */
	serverName?: string;
	/** offered for resumption when it holds a session, and updated with this connection's */
	session?: TLSSession;
	/** "always" (the default): keep this connection's session in `session`. "when-it-pays": only when
	    its key exchange costs more than a ticket does, that is with anything but plain PSK
	    (resumptionPays); after a plain PSK handshake `session` is left as it was. */
	resume?: "always" | "when-it-pays";
};

export interface SecureSocketOptions {
	address: string;
	port: number;
	socket: { io: TcpConstructor };
	secure: SecureOptions;
	onReadable?: (this: SecureSocket, count: number) => void;
	onWritable?: (this: SecureSocket, count: number) => void;
	onError?: (this: SecureSocket, error: Error) => void;
}

export interface TlsInfo {
	suite: string;
	version: string;
	resumed: boolean;
}

/** A TLS session to resume: keep one per server. Its bytes include the master secret. */
export class TLSSession extends Native("xs_tls_session_destructor") {
	constructor(saved?: Bytes) {
		super();
		native("xs_tls_session_constructor").call(this, saved);
	}
	/** The session's bytes to persist (as a secret), or undefined when there is none yet. */
	export(): ArrayBuffer | undefined {
		return native("xs_tls_session_export").call(this);
	}
}
Object.freeze(TLSSession.prototype);

const construct = native("xs_tls_constructor");
const feed = native("xs_tls_feed");
const feedEnd = native("xs_tls_feed_end");
const room = native("xs_tls_room");
const pending = native("xs_tls_pending");
const step = native("xs_tls_step");
const take = native("xs_tls_take");
const available = native("xs_tls_available");
const readPlain = native("xs_tls_read");
const writable = native("xs_tls_writable");
const writePlain = native("xs_tls_write");
const closeNotify = native("xs_tls_close_notify");
const closeEngine = native("xs_tls_close");
const info = native("xs_tls_info");
const saveSession = native("xs_tls_save_session");
const failure = native("xs_tls_failure");

interface EngineOptions { suites: number[]; psk?: PskCredentials; x509?: X509Credentials; serverName?: string; session?: TLSSession }

/** The native half: one mbedTLS context and its two ciphertext rings. */
class Engine extends Native("xs_tls_destructor") {
	constructor(options: EngineOptions) {
		super();
		construct.call(this, options);
	}
}

const SCRATCH = 2048;	// bytes moved between TCP and the engine per call; the engine's receive ring is this size

const enum Phase { Handshake = 1, Open, Done }

export class SecureSocket {
	#engine: Engine;
	#tcp: TcpSocket;
	#phase = Phase.Handshake;
	#scratch = new Uint8Array(SCRATCH);
	#tcpReadable = 0;	// bytes TCP holds that the engine has not taken
	#tcpWritable = 0;	// bytes TCP accepts now
	#tcpGone = false;
	#busy = false;
	#again = false;
	#scheduled = false;
	#wantGrant = true;	// onWritable is due: after the handshake, then after each write drains
	#reported = 0;		// the count onReadable last reported and nobody has read since
	#session: TLSSession | undefined;
	#resume: "always" | "when-it-pays";
	#onReadable: ((this: SecureSocket, count: number) => void) | undefined;
	#onWritable: ((this: SecureSocket, count: number) => void) | undefined;
	#onError: ((this: SecureSocket, error: Error) => void) | undefined;

	constructor(options: SecureSocketOptions) {
		const secure = options.secure;
		if (!secure || (!secure.psk && !secure.x509)) throw new TypeError("secure.psk required: { identity, key } (Auth/Trsp/Data and Secret), or secure.x509: { trustAnchors, certificate?, key? }");
		if (secure.psk && secure.x509) throw new TypeError("secure.psk or secure.x509, not both: the account's Auth/Trsp holds one kind (interpretation 11)");
		const allowed = secure.psk ? PSK_SUITES : X509_SUITES;
		for (const s of secure.suites ?? []) if (!allowed.includes(s)) throw new RangeError(`cipher suite ${s.name} is not one of section 9.2.2's for ${secure.psk ? "PSK" : "X.509"} mode`);
		const suites = (secure.suites ?? allowed).map((s) => s.id);
		this.#onReadable = options.onReadable;
		this.#onWritable = options.onWritable;
		this.#onError = options.onError;
		this.#session = secure.session;
		this.#resume = secure.resume ?? "always";
		const engineOptions: EngineOptions = secure.psk ? { suites, psk: secure.psk } : { suites, x509: secure.x509 };
		if (secure.serverName !== undefined) engineOptions.serverName = secure.serverName;
		if (secure.session !== undefined) engineOptions.session = secure.session;
		this.#engine = new Engine(engineOptions);
		try {
			this.#tcp = new options.socket.io({
				address: options.address,
				port: options.port,
				nodelay: true,
				onReadable: (count) => { this.#tcpReadable = count; this.#pump(); },
				onWritable: (count) => { this.#tcpWritable = count; this.#pump(); },
				onError: () => { this.#tcpGone = true; this.#tcpWritable = 0; feedEnd.call(this.#engine); this.#pump(); },
			});
		}
		catch (e) {
			closeEngine.call(this.#engine);
			throw e;
		}
	}

	/** Plaintext bytes ready; read() takes all, read(count) at most count, read(view) fills the view as far as it can. */
	read(): ArrayBuffer | undefined;
	read(count: number): ArrayBuffer | undefined;
	read(into: Uint8Array): number;
	read(argument?: number | Uint8Array): ArrayBuffer | number | undefined {
		if (argument instanceof Uint8Array) return this.#readInto(argument);
		const ready = this.#phase === Phase.Open ? available.call(this.#engine) as number : 0;
		if (ready <= 0) return undefined;
		const out = new Uint8Array(argument === undefined ? ready : Math.min(argument, ready));
		const n = this.#readInto(out);
		return n === out.length ? out.buffer : out.slice(0, n).buffer;
	}

	/** Plaintext bytes: up to writable (onWritable's count); more throws "would block". */
	write(bytes: Bytes): void {
		if (this.#phase !== Phase.Open) throw new Error(this.#phase === Phase.Handshake ? "not ready: handshaking (write after onWritable)" : "not ready: the connection is closed");
		writePlain.call(this.#engine, bytes);
		this.#wantGrant = true;
		this.#schedule();
	}

	/** Sends close_notify if it can, then frees the connection. Safe anywhere, twice too. */
	close(): void {
		if (this.#phase === Phase.Done && !this.#tcp) return;
		if (this.#phase === Phase.Open && !this.#tcpGone) {
			try {
				closeNotify.call(this.#engine);
				this.#flush();
			}
			catch { /* closing anyway */ }
		}
		this.#finish();
	}

	/** The negotiated suite and version, and whether this connection resumed a saved session. */
	get tls(): TlsInfo {
		return info.call(this.#engine);
	}

	#readInto(view: Uint8Array): number {
		if (this.#phase !== Phase.Open) return 0;
		let done = 0;
		while (done < view.length) {
			const n = readPlain.call(this.#engine, done ? view.subarray(done) : view) as number;
			done += n;
			if (n === 0 && (available.call(this.#engine) as number) <= 0) break;
		}
		this.#reported = 0;
		this.#schedule();	// room in the engine: take what TCP still holds, report what is left
		return done;
	}

	#schedule(): void {
		if (this.#busy) { this.#again = true; return; }
		if (this.#scheduled) return;
		this.#scheduled = true;
		Promise.resolve().then(() => { this.#scheduled = false; this.#pump(); });
	}

	/** Takes TCP's bytes into the engine, runs the handshake, sends what the engine made, tells the user. */
	#pump(): void {
		if (this.#busy) { this.#again = true; return; }
		if (this.#phase === Phase.Done) return;
		this.#busy = true;
		try {
			do {
				this.#again = false;
				this.#pass();
			} while (this.#again && !this.#closed());
		}
		catch (e) {
			// the engine keeps the whole text; a thrown one is cut short and prefixed with the C function's name
			const text = failure.call(this.#engine) as string | undefined;
			this.#fail(text ? new Error(text) : e instanceof Error ? e : new Error(String(e)));
		}
		finally {
			this.#busy = false;
		}
	}

	#pass(): void {
		let fed = false;
		while (this.#tcpReadable > 0) {
			const n = Math.min(room.call(this.#engine) as number, this.#tcpReadable, SCRATCH);
			if (n <= 0) break;
			const chunk = this.#scratch.subarray(0, n);
			this.#tcp.read(chunk);
			this.#tcpReadable -= n;
			feed.call(this.#engine, chunk);
			fed = true;
		}
		if (this.#phase === Phase.Handshake) {
			if (!step.call(this.#engine)) {
				this.#flush();
				if (this.#tcpGone) throw new Error("TLS handshake failed: the server closed the connection");
				return;
			}
			this.#phase = Phase.Open;
			if (this.#session && (this.#resume !== "when-it-pays" || resumptionPays(this.tls.suite))) saveSession.call(this.#engine, this.#session);
		}
		this.#flush();

		const ready = available.call(this.#engine) as number;
		if (ready < 0) {
			this.#fail(new Error("closed by the server (close_notify)"));
			return;
		}
		if (ready > 0 && (fed || ready !== this.#reported)) {
			this.#reported = ready;
			this.#onReadable?.call(this, ready);
			if (this.#closed()) return;
		}
		else if (ready === 0 && this.#tcpGone && !this.#tcpReadable) {
			// the engine saw the end of the transport without a close_notify
			available.call(this.#engine);
			this.#fail(new Error("TLS connection lost: the server closed TCP without close_notify"));
			return;
		}
		if (this.#wantGrant && this.#pendingOut() === 0 && !this.#tcpGone) {
			const count = writable.call(this.#engine) as number;
			if (count > 0) {
				this.#wantGrant = false;
				this.#onWritable?.call(this, count);
				if (this.#closed()) return;
			}
		}
		// mbedTLS took what was fed but wants more of a record TCP still holds: TCP will not say again
		if (this.#tcpReadable > 0 && (room.call(this.#engine) as number) > 0) this.#again = true;
	}

	/** A callback may have closed the socket (TS narrows #phase as if it could not). */
	#closed(): boolean {
		return this.#phase === Phase.Done;
	}

	#pendingOut(): number {
		return pending.call(this.#engine) as number;
	}

	/** Ciphertext from the engine to TCP, as far as TCP accepts it. */
	#flush(): void {
		while (this.#tcpWritable > 0 && !this.#tcpGone) {
			const n = take.call(this.#engine, this.#scratch.subarray(0, Math.min(this.#tcpWritable, SCRATCH))) as number;
			if (!n) break;
			this.#tcp.write(this.#scratch.subarray(0, n));
			this.#tcpWritable -= n;
		}
	}

	#fail(error: Error): void {
		if (this.#phase === Phase.Done) return;
		try { this.#flush(); } catch { /* an alert that cannot go is no loss */ }
		this.#finish();
		this.#onError?.call(this, error);
	}

	#finish(): void {
		this.#phase = Phase.Done;
		this.#tcp?.close();
		closeEngine.call(this.#engine);
	}
}
Object.freeze(SecureSocket.prototype);
