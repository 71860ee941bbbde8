// embedded:sim/host — services of the xsdm simulator host to the program it runs:
// arguments, exit status, heap figures (XS's and mbedTLS's), clocks and random bytes. Only entry points
// (tests, benchmarks, hosts/sim's main) import this; modules/ get what they need injected.

export interface Heap {
	/** bytes of XS chunks in use (strings, buffers, arrays' storage) */
	chunks: number;
	/** bytes of XS slots in use */
	slots: number;
	peakChunks: number;
	peakSlots: number;
	/** 16 on a 32-bit build (the ESP32's), 32 on 64-bit */
	slotSize: number;
	width: 32 | 64;
}

const hostArgv = native("xs_host_argv");
const hostExit = native("xs_host_exit");
const hostHeap = native("xs_host_heap");
const hostResetPeak = native("xs_host_reset_peak");
const hostGc = native("xs_host_gc");
const hostMonotonic = native("xs_host_monotonic");
const hostWall = native("xs_host_wall");
const hostRandom = native("xs_host_random");
const hostCpuTime = native("xs_host_cpu_time");
const hostTlsMemory = native("xs_host_tls_memory");
const hostTlsMemoryReset = native("xs_host_tls_memory_reset");
const hostTlsCpu = native("xs_host_tls_cpu");

/** mbedTLS's own heap (calloc/free from its libraries), apart from XS's: bytes as requested. */
export interface TlsMemory {
	current: number;
	/** the most held at once since the last resetTlsMemoryPeak() */
	peak: number;
	/** blocks held now */
	blocks: number;
	/** calloc calls since the last reset */
	calls: number;
	/** blocks the host could not track (its table was full): non-zero means the figures are low */
	lost: number;
}

/** The arguments after the entry module on xsdm's command line. */
export function argv(): string[] {
	return hostArgv();
}

/** Ends the process now with this status (0..255), after the heap report if one was asked for. */
export function exit(status: number): never {
	hostExit(status);
	throw new Error("exit returned");   // unreachable: the host ends the process
}

export function heap(): Heap {
	return hostHeap();
}

/** Collects garbage and starts the peak figures again from the current use. */
export function resetPeak(): void {
	hostResetPeak();
}

export function collectGarbage(): void {
	hostGc();
}

/** Milliseconds on a monotonic clock (for durations). */
export function monotonic(): number {
	return hostMonotonic();
}

/** Milliseconds since the POSIX epoch (wall clock). */
export function wall(): number {
	return hostWall();
}

/** Milliseconds of CPU time used by this process (user + system), for costs a wall clock would blur. */
export function cpuTime(): number {
	return hostCpuTime();
}

export function tlsMemory(): TlsMemory {
	return hostTlsMemory();
}

/** Starts mbedTLS's peak again from what it holds now. */
export function resetTlsMemoryPeak(): void {
	hostTlsMemoryReset();
}

/** CPU time spent inside mbedTLS since the process started (ms), and handshakes completed. */
export interface TlsCpu {
	/** in handshake steps: key exchange, the handshake's records */
	handshakeMs: number;
	/** sealing and opening application records (and reading alerts) */
	recordMs: number;
	handshakes: number;
}

export function tlsCpu(): TlsCpu {
	return hostTlsCpu();
}

/** Fills the buffer with bytes from the kernel's random source. */
export function random(into: Uint8Array): Uint8Array {
	hostRandom(into);
	return into;
}

/** The host's one-shot timers, in the shape modules/ take them (modules/time). */
export const timers = Object.freeze({
	set: (ms: number, fn: () => void): unknown => setTimeout(fn, ms),
	clear: (handle: unknown): void => clearTimeout(handle as number | undefined),
});

const hostCollections = native("xs_host_collections");
const hostSharedBytes = native("xs_host_shared_bytes");
const hostProfile = native("xs_host_profile");

/** Garbage collections of the program's heap since xsdm started (XS's own, and collectGarbage()'s). */
export function collections(): number {
	return hostCollections();
}

/** Bytes of the preloaded modules' shared, read-only heap (the device's flash); 0 under --no-preload. */
export function sharedBytes(): number {
	return hostSharedBytes();
}

/** Starts XS's sampling profiler; false where this build has none (only build/sim/xsdm-prof has). */
export function startProfile(): boolean {
	return hostProfile(true);
}

/** Stops the profiler and writes what it sampled to path, in Chrome's .cpuprofile format. */
export function stopProfile(path: string): boolean {
	return hostProfile(false, path);
}
