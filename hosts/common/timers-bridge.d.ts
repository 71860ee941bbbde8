// MERGE (bytes engineer): modules/transport and modules/pcsc-uart still call the global
// setTimeout/clearTimeout, which the Moddable SDK does not have. Until their timers are injected,
// the SDK builds (hosts/lin, hosts/esp32) declare them here and the device entries install them
// from the SDK's Timer (hosts/*/main.ts). Delete this file and its two manifest references then.
declare function setTimeout(callback: (...args: any[]) => void, delay?: number, ...args: any[]): any;
declare function clearTimeout(id: any): void;
