// The DM client on the Moddable SDK's Linux port (XS 17, the SDK's own TCP and timers): a device
// whose factory provisioning is its build's config (mc/config: server, srvId, PSK, DevID), which
// runs one client-initiated session with that server and exits 0 (1 with the reason). What it
// does is logged on stderr (one line per package and command, never a secret).
// MERGE: when modules/dm/device/ lands, this becomes wiring only (IO + facts, then start()).
import TCP from "embedded:io/socket/tcp";
import Timer from "timer";
import Time from "time";
import config from "mc/config";
import { DmClient, type AccountCredentials, type ClientEvent } from "../../modules/dm/client.js";
import { encodeUtf8 } from "../../modules/dm/codec/utf8.js";
import { storeFlash } from "../../modules/dm/store/flash.js";
import { Client, TLSSession, parseUrl, type TcpConstructor } from "../../modules/transport/index.js";
import { ramPartition } from "./ram-flash.js";
import { exit, log, random } from "./host.js";

log("lin device: start");
// The SDK's simulator ends quietly on an XS abort; say why on the terminal (MODDEF_XS_ABORTHOOK)
(globalThis as { abort?: unknown }).abort = (why: string, exception: unknown) => {
	log(`lin device: XS abort: ${why}${exception === undefined ? "" : `: ${String(exception)}`}`);
	exit(3);
};

interface LinConfig { server: string; srvId: string; pskIdentity: string; pskHex: string; devId: string; flashSize: number }
const c = config as unknown as LinConfig;

// MERGE: modules/ still calls the global setTimeout/clearTimeout (the bytes engineer injects timers
// instead); the SDK has none, so the device installs them from its Timer until then.
const g = globalThis as { setTimeout?: unknown; clearTimeout?: unknown };
if (typeof g.setTimeout !== "function") {
	g.setTimeout = (callback: () => void, ms?: number) => Timer.set(callback, ms ?? 0);
	g.clearTimeout = (id: unknown) => { if (id !== undefined) Timer.clear(id as ReturnType<typeof Timer.set>); };
}

const unhex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const base64 = (b: Uint8Array): string => {
	const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	let out = "";
	for (let i = 0; i < b.length; i += 3) {
		const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
		out += A[n >> 18]! + A[(n >> 12) & 63]! + (i + 1 < b.length ? A[(n >> 6) & 63]! : "=") + (i + 2 < b.length ? A[n & 63]! : "=");
	}
	return out;
};

/** The factory bootstrap (8.2) the build's config describes: DevInfo, one account, its rights. */
function factory(): string {
	const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0", SESSIONINFO = "urn:oma:mo:oma-sessioninfomo:1.0";
	const grant = (moid: string, miid: string, ar: number) => ({
		ClientURI: `${DACMO}/${encodeURIComponent(moid)}/`,
		MOData: { [moid]: { [miid]: { dms: { Permissions: { "1": { MAID: `serverid:${c.srvId}`, AR: ar } } } } } },
	});
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: c.devId, Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "" } } },
		{ ClientURI: `${DMACC}/${c.srvId}/`, MOData: { [c.srvId]: {
			SrvID: c.srvId, SrvURI: c.server, Name: "dev server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC }, "3": { MOID: SESSIONINFO } },
			Auth: { Trsp: { Data: base64(encodeUtf8(c.pskIdentity)), Secret: base64(unhex(c.pskHex)) } },
		} } },
		grant(DEVINFO, "devinfo", 1),
		grant(DMACC, c.srvId, 3),
		grant(SESSIONINFO, "session", 1),
	]);
}

function logEvent(e: ClientEvent): void {
	switch (e.event) {
	case "sent": log(`sent Package#${e.package} to ${e.url}: ${e.statuses} statuses, ${e.alerts} alerts, ${e.getParts} GET parts`); break;
	case "received": log(`received Package#2: HTTP ${e.status}`); break;
	case "command": log(`command ${e.index} ${e.name} ${e.target}: ${e.status}`); break;
	case "aborted": log(`session aborted: ${e.reason}`); break;
	case "ended": log(`session ended after ${e.packages} packages`); break;
	default: log(JSON.stringify(e));
	}
}

// The SDK's TCP takes numeric IPv4 addresses only: so does this device (no resolver).
const resolver = {
	resolve(o: { host: string; onResolved: (host: string, address: string) => void; onError?: (host: string, error: Error) => void }): void {
		if (/^\d+\.\d+\.\d+\.\d+$/.test(o.host)) o.onResolved(o.host, o.host);
		else o.onError?.(o.host, new Error(`${o.host}: this device connects to numeric IPv4 addresses only`));
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
	const client = new DmClient({
		flash: storeFlash(ramPartition(c.flashSize, 4096)),
		device: { devId: () => c.devId, mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined },
		random,
		now: () => Time.ticks,
		wallClock: () => Math.floor(Date.now() / 1000),
		http,
		log: logEvent,
	});
	if (client.servers().length === 0) log(`factory bootstrap: ${client.applyBootstrap([encodeUtf8(factory())]).join(" ")}`);
	const outcome = await client.session(c.srvId);
	if (!outcome.ok) { log(`failed: ${outcome.reason}`); exit(1); }
	log("session ok");
	exit(0);
}

main().catch((e: unknown) => {
	log(`lin device: ${e instanceof Error ? e.message : String(e)}`);
	exit(1);
});
