// TLS-PSK figures on xsdm, against a peer on loopback that bench/run.ts starts.
//   tls.js handshake PORT IDENTITY KEYHEX SUITE N: N full and N resumed handshakes, CPU time of this
//     process (the peer's is not counted) from the socket's construction to its first onWritable;
//     with IDENTITY "x509:" and KEYHEX the trust anchor's DER, in X.509 mode against "localhost";
//   tls.js wire PORT IDENTITY KEYHEX: bytes on the wire (both ways) of an empty DM POST and its empty
//     200 through the transport Client: on a new connection (full handshake), on the kept-alive
//     connection, and on a reconnect that resumes;
//   tls.js heap PORT IDENTITY KEYHEX: what one open connection that has echoed 1 KB costs: peak XS
//     heap over the baseline with the modules loaded, and mbedTLS's own calloc'd bytes (run on xsdm32);
//   tls.js client-heap PORT IDENTITY KEYHEX: the same for the transport Client after one empty DM round trip.
// Prints one JSON object of figures.
import TCP from "embedded:io/socket/tcp";
import { argv, collectGarbage, cpuTime, exit, heap, resetPeak, resetTlsMemoryPeak, tlsMemory, timers } from "embedded:sim/host";
import { Client, PSK_SUITES, SecureSocket, TLSSession, X509_SUITES, suiteNamed, type SecureOptions, type TcpOptions } from "../../modules/transport/index.js";

const [mode, port, identity, keyHex, suiteName, count] = argv() as [string, string, string, string, string?, string?];
const key = Uint8Array.from({ length: keyHex.length / 2 }, (_, i) => parseInt(keyHex.slice(2 * i, 2 * i + 2), 16));
const x509 = identity === "x509:";

function secureOptions(suite: string, session: TLSSession): SecureOptions {
	return x509
		? { x509: { trustAnchors: [key] }, serverName: "localhost", suites: [suiteNamed(suite, X509_SUITES)], session }
		: { psk: { identity, key }, suites: [suiteNamed(suite, PSK_SUITES)], session };
}

/** Bytes on the wire both ways, of the TCP sockets made through it. */
let wireBytes = 0;
class CountedTcp {
	#tcp: InstanceType<typeof TCP>;
	constructor(o: TcpOptions) { this.#tcp = new TCP(o); }
	read(into: Uint8Array): number | undefined {
		const n = this.#tcp.read(into);
		if (n !== undefined) wireBytes += typeof n === "number" ? n : into.byteLength;
		return n;
	}
	write(bytes: Uint8Array): void { this.#tcp.write(bytes); wireBytes += bytes.byteLength; }
	close(): void { this.#tcp.close(); }
}

/** One handshake; resolves with the CPU milliseconds it took, the bytes on the wire until it was done, and whether it resumed. */
function handshake(session: TLSSession, suite: string): Promise<{ ms: number; bytes: number; resumed: boolean }> {
	return new Promise((resolve, reject) => {
		const started = cpuTime(), before = wireBytes;
		new SecureSocket({
			address: "127.0.0.1", port: Number(port), socket: { io: CountedTcp as never },
			secure: secureOptions(suite, session),
			onWritable() {
				const ms = cpuTime() - started, bytes = wireBytes - before;
				const resumed = this.tls.resumed;
				this.close();
				resolve({ ms, bytes, resumed });
			},
			onError(error) { reject(error); },
		});
	});
}

const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s[s.length >> 1]!; };

async function handshakes(): Promise<object> {
	const suite = suiteName!, n = Number(count ?? 20);
	const full: number[] = [], resumed: number[] = [], fullBytes: number[] = [], resumedBytes: number[] = [];
	for (let i = 0; i < n; i++) {
		const r = await handshake(new TLSSession(), suite);
		if (r.resumed) throw new Error("a fresh session resumed");
		full.push(r.ms);
		fullBytes.push(r.bytes);
	}
	const session = new TLSSession();
	await handshake(session, suite);
	for (let i = 0; i < n; i++) {
		const r = await handshake(session, suite);
		if (!r.resumed) throw new Error(`handshake ${i} did not resume: the peer keeps no sessions?`);
		resumed.push(r.ms);
		resumedBytes.push(r.bytes);
	}
	const name = suite.replace(/^TLS_/, "").replace(/_WITH_AES_128_/, "_").toLowerCase();
	return {
		[`tls_${name}_full_handshake_cpu_us`]: median(full) * 1000, [`tls_${name}_resumed_handshake_cpu_us`]: median(resumed) * 1000, [`tls_${name}_resumed_over_full_cpu`]: median(resumed) / median(full),
		[`tls_${name}_full_handshake_bytes`]: median(fullBytes), [`tls_${name}_resumed_handshake_bytes`]: median(resumedBytes),
	};
}

async function wire(): Promise<object> {
	let sent = 0, received = 0;
	class CountingTcp {
		#tcp: InstanceType<typeof TCP>;
		constructor(o: TcpOptions) { this.#tcp = new TCP(o); }
		read(into: Uint8Array): number | undefined {
			const n = this.#tcp.read(into);
			if (n !== undefined) received += typeof n === "number" ? n : into.byteLength;
			return n;
		}
		write(bytes: Uint8Array): void { this.#tcp.write(bytes); sent += bytes.byteLength; }
		close(): void { this.#tcp.close(); }
	}
	const origin = `https://127.0.0.1:${port}`;
	const client = new Client({ timers, tcp: CountingTcp, credentials: () => ({ psk: { identity, key }, suites: [suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES)] }) });
	const headers = [["OMADM-DevID", "IMEI:493005100592800"], ["Content-Type", "application/vnd.oma.dm.request+json"], ["Accept", "application/vnd.oma.dm.response+json"]] as const;
	const exchange = async (path: string): Promise<number> => {
		const before = sent + received;
		const r = await client.request({ method: "POST", url: `${origin}${path}`, headers, body: async () => undefined, bodyLength: 0 });
		while (await r.read());
		if (r.status !== 200) throw new Error(`status ${r.status}`);
		return sent + received - before;
	};
	const first = await exchange("/dm");
	const kept = await exchange("/dm?close");
	await new Promise((r) => setTimeout(r, 200));	// the peer closes; its close_notify is nobody's
	const resumedBytes = await exchange("/dm");
	client.close();
	return { tls_psk_empty_dm_roundtrip_new_connection_bytes: first, tls_psk_empty_dm_roundtrip_kept_alive_bytes: kept, tls_psk_empty_dm_roundtrip_resumed_connection_bytes: resumedBytes };
}

async function heapOfConnection(): Promise<object> {
	const payload = new Uint8Array(1024).fill(0x61);
	payload[1023] = 0x0a;
	await new Promise((r) => setTimeout(r, 0));	// off the module's first run: what it left is garbage now
	collectGarbage();
	resetPeak();
	const base = heap();
	resetTlsMemoryPeak();
	const tlsBase = tlsMemory();
	const held = await new Promise<{ xs: number; retained: number; tlsOpen: number }>((resolve, reject) => {
		let got = 0, written = false;
		new SecureSocket({
			address: "127.0.0.1", port: Number(port), socket: { io: TCP },
			secure: { psk: { identity, key }, suites: [suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES)], session: new TLSSession() },
			onWritable() { if (!written) { written = true; this.write(payload); } },
			onReadable(n) {
				got += this.read(n)!.byteLength;
				if (got < payload.length) return;
				const h = heap();
				const tlsOpen = tlsMemory().current - tlsBase.current;
				collectGarbage();
				const live = heap();
				this.close();
				resolve({ xs: h.peakChunks + h.peakSlots - base.chunks - base.slots, retained: live.chunks + live.slots - base.chunks - base.slots, tlsOpen });
			},
			onError(error) { reject(error); },
		});
	});
	const t = tlsMemory();
	if (t.lost) throw new Error(`${t.lost} mbedTLS blocks went uncounted`);
	return {
		tls_open_connection_peak_xs_heap_32bit_bytes: held.xs,
		tls_open_connection_live_xs_heap_32bit_bytes: held.retained,
		tls_open_connection_mbedtls_heap_bytes: held.tlsOpen,
		tls_connection_mbedtls_peak_heap_bytes: t.peak - tlsBase.current,
		tls_mbedtls_heap_after_close_bytes: t.current - tlsBase.current,
		xs_heap_slot_bytes: base.slotSize,
	};
}

async function heapOfClient(): Promise<object> {
	await new Promise((r) => setTimeout(r, 0));	// off the module's first run: what it left is garbage now
	collectGarbage();
	resetPeak();
	const base = heap();
	resetTlsMemoryPeak();
	const tlsBase = tlsMemory();
	const origin = `https://127.0.0.1:${port}`;
	const client = new Client({ timers, tcp: TCP as never, credentials: () => ({ psk: { identity, key }, suites: [suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES)] }) });
	const r = await client.request({ method: "POST", url: `${origin}/dm`, headers: [["OMADM-DevID", "IMEI:493005100592800"]], body: async () => undefined, bodyLength: 0 });
	while (await r.read());
	const h = heap(), open = tlsMemory().current - tlsBase.current;
	collectGarbage();
	const live = heap();	// the client, its kept-alive connection and TLS session, after the garbage of the exchange
	client.close();
	return {
		tls_client_dm_roundtrip_peak_xs_heap_32bit_bytes: h.peakChunks + h.peakSlots - base.chunks - base.slots,
		tls_client_kept_alive_live_xs_heap_32bit_bytes: live.chunks + live.slots - base.chunks - base.slots,
		tls_client_open_connection_mbedtls_heap_bytes: open,
	};
}

const run = mode === "handshake" ? handshakes : mode === "wire" ? wire : mode === "client-heap" ? heapOfClient : heapOfConnection;
run().then((figures) => { console.log(JSON.stringify(figures)); exit(0); }, (e: unknown) => { console.error(String(e)); exit(1); });
