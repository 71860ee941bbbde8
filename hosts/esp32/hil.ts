// The hardware-in-the-loop console of a board (docs/hil.md): the line protocol of
// hosts/common/hil-console.ts on UART0 (TX GPIO 1, RX GPIO 3: the USB-serial bridge of a DevKitC),
// 115200 8N1. Only a release build (no -d) has UART0 free: a debug build gives it to xsbug. Built
// in when the build's config says hil=1 (mcconfig ... hil=1).
import Serial from "embedded:io/serial";
import { hilConsoleOnSerial, type ConsolePort, type HilConsole } from "../common/hil-console.js";

export function uartConsole(devId: string): HilConsole {
	return hilConsoleOnSerial((callbacks) => new Serial({ port: 0, transmit: 1, receive: 3, baud: 115200, ...callbacks }) as unknown as ConsolePort, { devId });
}
