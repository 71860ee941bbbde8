// The board's facts (native/esp32-host.c): what a host hands the device besides its IO.
const fill = native("xs_esp32_random");
const mac = native("xs_esp32_mac");
const firmware = native("xs_esp32_firmware_version");

/** length bytes from the hardware RNG */
export function random(length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	fill(bytes);
	return bytes;
}

/** DevID (12.1): the chip's base MAC, as a MAC-based identifier */
export function devId(): string {
	return `MAC:${mac() as string}`;
}

/** FwV (12.1): the running image's version */
export function firmwareVersion(): string {
	return firmware() as string;
}
