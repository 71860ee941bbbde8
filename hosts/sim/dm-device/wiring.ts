// The sim host's IO and facts for modules/dm/device: xsdm's TCP, UDP, resolver, flash, the card's
// serial line on a pty, its clock, timers and random, and the console as the log.
import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver";
import Serial from "embedded:io/serial";
import flash from "embedded:storage/flash";
import { exit, monotonic, random, timers, wall } from "embedded:sim/host";
import { ConnectionType } from "../../../modules/dm/codec/index.js";
import { eventLine, isMilestone, parseTrustStore, type CardLine, type DeviceEvent, type DeviceOptions } from "../../../modules/dm/device/index.js";
import { decodeBase64, encodeUtf8 } from "../../../modules/bytes/index.js";
import { STORE_PARTITION, storeFlash } from "../../../modules/dm/store/index.js";
import type { TcpConstructor, UdpConstructor } from "../../../modules/transport/index.js";
import { bootSimFirmware, type SimFirmware } from "../firmware/index.js";
import type { MoRegistration } from "../../../modules/dm/tree/index.js";
import { configCard } from "../../common/config-card.js";
import type { CardPort, PortEvents } from "../../../modules/pcsc-uart/index.js";
import { usage, type Args } from "./args.js";
import { demoSensor } from "./demo-mo.js";
import { description } from "./devinfo.js";

const bytes = (n: number): Uint8Array => random(new Uint8Array(n));

/** The device's options on xsdm from the command line; `tcp` replaces the host's socket class (the test driver counts connections). */
export function simDevice(args: Args, o: { tcp?: TcpConstructor; tls11?: boolean; firmware?: SimFirmware; mos?: readonly MoRegistration[]; log(e: DeviceEvent): void }): DeviceOptions & { demo: ReturnType<typeof demoSensor> } {
	let inUse = args.connections[0] ?? ConnectionType.Wireline;
	// the device's own MO (demo-mo.ts): a sensor a server can configure, calibrate and subscribe to
	const demo = demoSensor({ random: bytes, log: (line) => { if (args.log === "text") console.log(line); } });
	return {
		tcp: o.tcp ?? TCP, udp: UDP as unknown as UdpConstructor, resolver: new Resolver(), flash: storeFlash(flash.open({ path: STORE_PARTITION })),
		now: monotonic, wallClock: () => Math.floor(wall() / 1000), random: bytes,
		timers,
		// the simulated links all run over the host's one route; SessionInfo says which one the session chose
		network: { available: () => args.connections, use: (t) => { inUse = t; } },
		bearer: () => ({ cbt: inUse as 1 | 2 | 3, roaming: 2 }),
		development: args.development,
		description: description(args.devinfo),
		...(args.ddfBase !== undefined ? { ddfBase: args.ddfBase } : {}),
		// xsdm's mbedTLS 2.28 has TLS 1.1; the test driver can say otherwise, as an mbedTLS 4 build would
		...(o.tls11 !== undefined ? { tls11: o.tls11 } : {}),
		...(args.ca.length ? { trustStore: trustStore(args.ca) } : {}),
		...(args.factory !== undefined ? { factory: encodeUtf8(args.factory) } : {}),
		...(args.bootstrap !== undefined ? { bootstrapFrom: args.bootstrap } : {}),
		...(args.card !== undefined ? { card: cardLine(args.card, args.cardKeys, args.cardPin) } : {}),
		...(args.cardPolicy ? { cardPolicy: args.cardPolicy } : {}),
		...(args.notifyPort !== undefined ? { listen: { port: args.notifyPort, address: "127.0.0.1" } } : {}),
		...(args.pollSeconds !== undefined ? { pollSeconds: args.pollSeconds } : {}),
		...(args.backoffMs !== undefined ? { backoff: { baseMs: args.backoffMs, maxMs: args.backoffMs } } : {}),
		// firmware update (FUMO) when the host has slots (simFirmware) and the factory gave the key
		// images are signed with (--firmware-key; dm-device's --firmware-key FILE passes a PEM's point)
		...(o.firmware && args.firmwareKey ? { firmware: { slots: o.firmware, publicKey: args.firmwareKey, ...(args.fumoRetryMs !== undefined ? { retryMs: args.fumoRetryMs } : {}), ...(args.fumoTrials !== undefined ? { trials: args.fumoTrials } : {}) } } : {}),
		mos: [...demo.mos, ...(o.mos ?? [])], hooks: demo.hooks, log: o.log, demo,
	};
}

/** The firmware slots when xsdm has them (--firmware-slot): runs the boot loader, which must come
    before anything else of the device (it may roll back to the other slot). undefined without
    slots; --firmware-factory without slots is a bad option. FUMO's Device option takes the result. */
export function simFirmware(args: Args): SimFirmware | undefined {
	if (![...flash].includes("otadata")) {
		if (args.firmwareFactory !== undefined) usage("--firmware-factory needs firmware slots: start xsdm with --firmware-slot BYTES");
		return undefined;
	}
	const factory = args.firmwareFactory !== undefined ? decodeBase64(args.firmwareFactory) ?? usage("--firmware-factory: give the image's bytes in base64") : undefined;
	try {
		return bootSimFirmware({ flash, exit, ...(factory ? { factory } : {}) });
	} catch (e) {
		return usage(`firmware: ${(e as Error).message}`);
	}
}

/** --ca BASE64 (repeated): the CA files' certificates, DER. A file that is neither PEM nor DER is a bad option. */
function trustStore(files: readonly string[]): Uint8Array[] {
	return files.flatMap((b64, i) => {
		const bytes = decodeBase64(b64) ?? usage(`--ca ${i + 1}: give the file's bytes in base64 (the npm bin's --ca FILE does)`);
		try {
			return parseTrustStore(bytes);
		} catch (e) {
			return usage(`--ca ${i + 1}: ${(e as Error).message}`);
		}
	});
}

const OPTION_OF_FIELD: readonly (readonly [string, string])[] = [["cardProfile", "--card's profile"], ["cardKeys", "--card-keys"], ["cardPin", "--card-pin"]];

/** --card TTY:FIFO[:2g|3g] with --card-keys ENC:MAC:DEK and --card-pin: the UICC on a pty, RST
    through a FIFO. The keys, PIN and profile are checked as a board's config is (config-card.ts):
    a malformed key is a bad option here, not an SCP03 refusal later at the card. */
function cardLine(spec: string, keys: string | undefined, pin: string | undefined): CardLine {
	const [path, resetPath, profile, more] = spec.split(":");
	if (!path || !resetPath || more !== undefined) usage("--card TTY:FIFO[:2g|3g]");
	const open = (baud: number, events: PortEvents): CardPort => new Serial({
		path, resetPath, baud, dataBits: 8, parity: "even", stopBits: 2,
		onReadable: (n: number) => events.onReadable(n), onError: () => events.onError(),
	});
	try {
		return configCard({ card: path, cardKeys: keys ?? "", cardPin: pin ?? "", cardProfile: profile ?? "" }, open)!;
	} catch (e) {
		// config-card names the config's fields; say the options instead
		const message = (e as Error).message;
		const option = OPTION_OF_FIELD.find(([field]) => message.startsWith(field));
		return usage(option ? option[1] + message.slice(option[0].length) : message);
	}
}

/** The console as the device's log: milestones always, the rest as --log says; never a secret. */
export function consoleLog(args: Args): (e: DeviceEvent) => void {
	return (e) => {
		if (e.event === "done" || (e.event === "accounts" && args.log !== "text")) return;
		if (args.log === "json" && !isMilestone(e)) { console.log(JSON.stringify(e)); return; }
		if (args.log === "none" && !isMilestone(e)) return;
		const line = eventLine(e);
		if (line !== undefined) console.log(line);
	};
}
