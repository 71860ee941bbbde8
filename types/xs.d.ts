// Globals every XS host of this project offers: Moddable's XS on the ESP32 and xsdm on Linux.
// modules/ may use only these and ES2022; anything else arrives through constructor arguments.

/** Moddable's diagnostic output (to the console on the device, to stderr on xsdm). */
declare function trace(...messages: (string | number | boolean)[]): void;

/** The host function registered in C under `name` (Moddable XS: native("xs_...")). */
declare function native(name: string): (...args: any[]) => any;

/** A base class whose instances are host objects with the hooks registered under `name`. */
declare function Native(name: string): new (...args: any[]) => object;

declare function setTimeout(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(callback: (...args: any[]) => void, delay?: number, ...args: any[]): number;
declare function clearInterval(id: number | undefined): void;

interface ObjectConstructor {
	/** XS extension: freeze deeply when `deep` is true (what Moddable's preload relies on). */
	freeze<T>(o: T, deep?: boolean): Readonly<T>;
}
