// The DM client on an ESP32 board (mcconfig -d -m -p esp32): Wi-Fi and time first, then the
// device's lifecycle over the board's IO: the store's journal in the "dmstore" partition
// (partitions.csv), the SDK's TCP, the hardware RNG, DevID from the chip's MAC and FwV from the
// running image.
// MERGE (device engineer): modules/dm/device/ does not exist on this branch yet. When it lands,
// replace the DmClient wiring below by its constructor (IO + facts) and start(); the facts and IO
// handed over stay as they are here. The card (ISO 7816 UART native, natives engineer) joins the
// IO then.
import TCP from "embedded:io/socket/tcp";
import flash from "embedded:storage/flash";
import Time from "time";
import Timer from "timer";
import config from "mc/config";
import { DmClient, type AccountCredentials } from "../../modules/dm/client.js";
import { STORE_PARTITION, storeFlash, type FlashPartition } from "../../modules/dm/store/flash.js";
import { Client, TLSSession, parseUrl, type TcpConstructor } from "../../modules/transport/index.js";
import { devId, firmwareVersion, random } from "./facts.js";
import { connect, wifiCredentials } from "./network.js";

// Man/Mod/DevType are the product's; MERGE: a product names them in its own config.
const c = config as unknown as { ssid?: string; password?: string; sntp: string; srvId?: string };
const log = (line: string): void => trace(`${line}\n`);

// MERGE (bytes engineer): modules/ still calls global setTimeout/clearTimeout until timers are
// injected; the SDK has none, so the board installs them from its Timer until then.
const g = globalThis as { setTimeout?: unknown; clearTimeout?: unknown };
if (typeof g.setTimeout !== "function") {
	g.setTimeout = (callback: () => void, ms?: number) => Timer.set(callback, ms ?? 0);
	g.clearTimeout = (id: unknown) => { if (id !== undefined) Timer.clear(id as ReturnType<typeof Timer.set>); };
}

// The SDK's TCP takes numeric IPv4 addresses; a DM server named by host needs the SDK's resolver
// (embedded:network/dns/resolver) here. MERGE: wire it when the device module takes a resolver.
const resolver = {
	resolve(o: { host: string; onResolved: (host: string, address: string) => void; onError?: (host: string, error: Error) => void }): void {
		if (/^\d+\.\d+\.\d+\.\d+$/.test(o.host)) o.onResolved(o.host, o.host);
		else o.onError?.(o.host, new Error(`${o.host}: give the DM server's IPv4 address (no resolver wired yet)`));
	},
};

const tlsSessions = new Map<string, TLSSession>();
function http(account: AccountCredentials): Client {
	let server: string | undefined;
	try { server = parseUrl(account.srvUri).origin; } catch { server = undefined; }
	return new Client({
		tcp: TCP as unknown as TcpConstructor,
		resolver,
		timeout: 15000,
		credentials: (origin) => {
			const tls = account.tls;
			if (origin !== server || !tls) return undefined;
			let session = tlsSessions.get(account.srvId);
			if (!session) { session = new TLSSession(); tlsSessions.set(account.srvId, session); }
			return tls.mode === "psk"
				? { psk: { identity: tls.identity, key: tls.key }, session }
				: { x509: { trustAnchors: tls.trustAnchors, ...(tls.certificate && tls.key ? { certificate: tls.certificate, key: tls.key } : {}) }, session };
		},
	});
}

async function main(): Promise<void> {
	const credentials = wifiCredentials(c);
	if (!credentials) {
		log("no Wi-Fi credentials: build with ssid=NAME password=SECRET, or store them in NVS (preference domain wifi, keys ssid and password)");
		return;
	}
	await connect(credentials, c.sntp, log);
	const partition = flash.open({ path: STORE_PARTITION }) as unknown as FlashPartition;
	const client = new DmClient({
		flash: storeFlash(partition),
		device: { devId, mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined },
		description: { devId: devId(), man: "Vendor", mod: "DM_Client", lang: "en", devType: "sensor", oem: "", fwV: firmwareVersion(), swV: firmwareVersion(), hwV: "esp32" },
		random,
		now: () => Time.ticks,
		wallClock: () => Math.floor(Date.now() / 1000),
		http,
		log: (e) => log(JSON.stringify(e)),
	});
	log(`DM accounts: ${client.servers().join(" ") || "(none)"}`);
	if (c.srvId) {
		const outcome = await client.session(c.srvId);
		log(outcome.ok ? "session ok" : `session failed: ${outcome.reason}`);
	}
}

main().catch((e: unknown) => log(`device: ${e instanceof Error ? e.message : String(e)}`));
