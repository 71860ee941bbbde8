// The few facts the SDK's Linux port has no module for (native/lin-host.c).
const fill = native("xs_lin_random");
const line = native("xs_lin_log");
const quit = native("xs_lin_exit");
const heap = native("xs_lin_heap");

/** length random bytes from the OS (getrandom) */
export function random(length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	fill(bytes);
	return bytes;
}

/** one line on the terminal (stderr) */
export function log(text: string): void {
	line(text);
}

/** ends the process with status */
export function exit(status: number): never {
	quit(status);
	throw new Error("exit returned");
}

export interface HeapPeak {
	/** the most chunk bytes (strings, arrays, buffers, closures) held at once */
	peakChunks: number;
	/** the most slots held at once, and a slot's size in bytes (32 on 64-bit XS, 16 on the ESP32) */
	peakSlots: number;
	slotSize: number;
}

/** the XS machine's high-water marks so far */
export function heapPeak(): HeapPeak {
	return heap() as HeapPeak;
}
