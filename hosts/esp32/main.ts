// The DM client on an ESP32 board (mcconfig -d -m -p esp32): Wi-Fi and time first, then the device
// lifecycle of modules/dm/device over the board's IO: the store's journal in the "dmstore"
// partition (partitions.csv), the SDK's TCP and UDP, the hardware RNG, DevID from the chip's MAC and
// FwV from the running image. Provisioned by its build's config (hosts/common/config-factory.ts)
// until a card or a bootstrap server gives it accounts; it listens for Package#0 on UDP 2948 (E.1)
// and polls its accounts. A board wired to a UICC socket (docs/hil.md: cardIo, cardClock, cardReset,
// cardVcc in its build's config) reads the card at start under the card policy, with the SCP03 keys
// kept in encrypted NVS (hosts/esp32/secrets).
import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import flash from "embedded:storage/flash";
import Time from "time";
import config from "mc/config";
import { Device, eventLine } from "../../modules/dm/device/index.js";
import { STORE_PARTITION, storeFlash, type FlashPartition } from "../../modules/dm/store/index.js";
import type { TcpConstructor, UdpConstructor } from "../../modules/transport/index.js";
import type { CardLine } from "../../modules/dm/device/index.js";
import { configCardPolicy, type CardConfig } from "../common/config-card.js";
import { configFactory, type AccountConfig } from "../common/config-factory.js";
import Iso7816Serial from "./iso7816/serial.js";
import { loadCardKeys } from "./secrets/card-keys.js";
import { sdkTimers } from "../common/sdk-timers.js";
import { devId, firmwareVersion, random } from "./facts.js";
import { esp32FirmwareSlots } from "./firmware-slots.js";
import { uartConsole } from "./hil.js";
import { connect, wifiCredentials } from "./network.js";

interface CardWiring { cardIo?: number | string; cardClock?: number | string; cardReset?: number | string; cardVcc?: number | string; cardVccActiveLow?: number | string }
const c = config as unknown as Partial<AccountConfig> & Partial<CardConfig> & CardWiring & { ssid?: string; password?: string; sntp: string; pollSeconds?: number; hil?: number | string; firmwareKey?: string };
const log = (line: string): void => trace(`${line}\n`);

/** The UICC socket's line from the build's GPIO numbers (docs/hil.md), or undefined for a board
    without one. The card clock is LEDC's 4 MHz; the keys come from NVS, never from the config. */
function cardLine(): CardLine | undefined {
	const [io, clock, reset, vcc] = [c.cardIo, c.cardClock, c.cardReset, c.cardVcc].map((p) => (p === undefined || p === "" ? -1 : Number(p)));
	if (![io, clock, reset, vcc].every((p) => Number.isInteger(p) && p! >= 0)) return undefined;
	const keys = loadCardKeys();
	log(keys ? "card: SCP03 keys from NVS" : "card: no SCP03 keys in NVS (a plain read, allowed only under cardPolicy=any)");
	return {
		open: (baud, events) => new Iso7816Serial({
			io: io!, clock: clock!, reset: reset!, vcc: vcc!, vccActiveLow: Number(c.cardVccActiveLow ?? 1) === 1, baud,
			onReadable: (n) => events.onReadable(n), onError: () => events.onError(),
		}),
		clockHz: 4000000,
		profile: c.cardProfile === "2g" ? "2g" : "3g",
		...(keys ? { keys } : {}),
	};
}

async function main(): Promise<void> {
	const credentials = wifiCredentials(c);
	if (!credentials) {
		log("no Wi-Fi credentials: build with ssid=NAME password=SECRET, or store them in NVS (preference domain wifi, keys ssid and password)");
		return;
	}
	await connect(credentials, c.sntp, log);
	const factory = configFactory(c);
	// a board in the test rig (docs/hil.md) also takes session commands on its console
	const hil = Number(c.hil) === 1 ? uartConsole(devId()) : undefined;
	const card = cardLine();
	const cardPolicy = configCardPolicy(c);
	const device = new Device({
		// no resolver: the SDK's TCP takes numeric IPv4 addresses, and the transport refuses a host name
		// without one ("give options.resolver, or use a numeric address")
		tcp: TCP as unknown as TcpConstructor,
		udp: UDP as unknown as UdpConstructor,
		flash: storeFlash(flash.open({ path: STORE_PARTITION }) as unknown as FlashPartition),
		now: () => Time.ticks,
		wallClock: () => Math.floor(Date.now() / 1000),
		timers: sdkTimers,
		random,
		// Man/Mod/DevType are the product's: a product names them in its own config
		description: { devId: devId(), man: "Vendor", mod: "DM_Client", lang: "en", devType: "sensor", oem: "", fwV: firmwareVersion(), swV: firmwareVersion(), hwV: "esp32" },
		...(factory ? { factory } : {}),
		...(card ? { card } : {}),
		...(cardPolicy ? { cardPolicy } : {}),
		// firmware update (FUMO) when the build provisions the key images are signed with:
		// mcconfig ... firmwareKey=04... (the 65-byte P-256 point in hex; npm run firmware:sign -- --public-key KEY.pem)
		...(c.firmwareKey && /^04([0-9a-fA-F]{2}){64}$/.test(c.firmwareKey)
			? { firmware: { slots: esp32FirmwareSlots, publicKey: Uint8Array.from(c.firmwareKey.match(/../g)!, (x) => parseInt(x, 16)), trials: 1 } } : {}),
		// ESP-IDF v6's mbedTLS 4 has no TLS 1.1: an account's Ext/TLS11 cannot take effect
		tls11: false,
		listen: { port: 2948 },
		pollSeconds: c.pollSeconds ?? 3600,
		log: hil ? (e) => hil.log(e) : (e) => { const line = eventLine(e); if (line !== undefined) log(line); },
	});
	await device.start();
	hil?.attach(device);
}

main().catch((e: unknown) => log(`device: ${e instanceof Error ? e.message : String(e)}`));
