// The DM client on the Moddable SDK's Linux port (XS 17, the SDK's own TCP and timers): the device
// lifecycle of modules/dm/device over this host's IO, provisioned by its build's config (mc/config:
// server, srvId, PSK, DevID; hosts/common/config-factory.ts), and the UICC on a tty when the config
// names one (card, cardReset, cardPolicy, cardKeys; hosts/common/config-card.ts), read at start
// under the card policy (8.1). It runs one client-initiated session with srvId and exits 0 (1 with
// the reason; startOnly: after the start), logging on stderr (never a secret).
import TCP from "embedded:io/socket/tcp";
import Time from "time";
import config from "mc/config";
import { Device, eventLine } from "../../modules/dm/device/index.js";
import { storeFlash } from "../../modules/dm/store/index.js";
import type { TcpConstructor } from "../../modules/transport/index.js";
import { configCard, configCardPolicy, type CardConfig } from "../common/config-card.js";
import { configFactory, type AccountConfig } from "../common/config-factory.js";
import { sdkTimers } from "../common/sdk-timers.js";
import CardTty from "./card-tty.js";
import { ramPartition } from "./ram-flash.js";
import { exit, heapPeak, log, random } from "./host.js";

/** The machine's peak heap as xsdm's --heap-report prints it (npm run bench -- lin reads it), and
    the point of the run it was taken at. */
function heapReport(at: string): string {
	const h = heapPeak();
	const slots = h.peakSlots * h.slotSize;
	return JSON.stringify({ heapReport: { width: h.slotSize === 16 ? 32 : 64, slotSize: h.slotSize, peakChunkBytes: h.peakChunks, peakSlotBytes: slots, peakTotalBytes: h.peakChunks + slots, peakSlots: h.peakSlots }, at });
}

log("lin device: start");
// The SDK's simulator ends quietly on an XS abort; say why on the terminal (MODDEF_XS_ABORTHOOK)
(globalThis as { abort?: unknown }).abort = (why: string, exception: unknown) => {
	const stack = (exception as { stack?: unknown } | undefined)?.stack;
	log(`lin device: XS abort: ${why}${exception === undefined ? "" : `: ${String(exception)}`}${typeof stack === "string" ? `\n${stack}` : ""}`);
	exit(3);
};

const c = config as unknown as AccountConfig & CardConfig & { devId: string; flashSize: number; cardReset: string; startOnly: number | string };
const factory = configFactory(c);
const card = configCard(c, (baud, events) => new CardTty({
	path: c.card, ...(c.cardReset ? { resetPath: c.cardReset } : {}), baud,
	onReadable: (n) => events.onReadable(n), onError: () => events.onError(),
}));
const cardPolicy = configCardPolicy(c);
const startOnly = String(c.startOnly) === "1";

const device = new Device({
	// no resolver: the SDK's TCP takes numeric IPv4 addresses, and the transport refuses a host name
	// without one ("give options.resolver, or use a numeric address")
	tcp: TCP as unknown as TcpConstructor,
	flash: storeFlash(ramPartition(c.flashSize, 4096)),
	now: () => Time.ticks,
	wallClock: () => Math.floor(Date.now() / 1000),
	timers: sdkTimers,
	random,
	description: { devId: c.devId, man: "Vendor", mod: "DM_Client", lang: "en", devType: "sensor", oem: "", fwV: "fw-1.0", swV: "sw-1.2", hwV: "lin" },
	...(factory ? { factory } : {}),
	...(card ? { card } : {}),
	...(cardPolicy ? { cardPolicy } : {}),
	// Debian's mbedTLS 2.28 under the SDK's Linux port has TLS 1.1; the board's mbedTLS 4 has not
	tls11: true,
	log: (e) => {
		const line = eventLine(e);
		if (line !== undefined) log(line);
		// the card read (activation, SCP03, the EF, the bootstrap applied), before any session
		if (e.event === "card") log(heapReport("card"));
	},
});

device.start()
	.then((started) => {
		if (card) log(heapReport("start"));	// the card bootstrap whole: with the BootstrapComplete sessions it owes (8)
		const read = started.card?.kind;
		if (startOnly) {
			log(read === undefined || read === "applied" || read === "unchanged" || read === "off" ? "start ok" : `failed: card ${read}`);
			exit(read === "unread" ? 3 : read === "refused" ? 4 : 0);
		}
		return device.session(c.srvId);
	})
	.then((outcome) => {
		log(outcome.ok ? "session ok" : `failed: ${outcome.reason}`);
		log(heapReport("session"));
		exit(outcome.ok ? 0 : 1);
	})
	.catch((e: unknown) => {
		log(`lin device: ${e instanceof Error ? e.message : String(e)}`);
		exit(1);
	});
