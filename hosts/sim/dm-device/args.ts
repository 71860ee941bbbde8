// dm-device's command line on xsdm: xsdm [--flash FILE ...] build/js/hosts/sim/dm-device/main.js [options].
// The npm bin `dm-device` (tools/dm-device.ts) starts it with the flash options and passes files as text.
//   --factory-json TEXT   dmmo+json applied as a factory bootstrap when the tree has no account yet
//   --devinfo-json TEXT   the device's DevInfo leaves, a JSON object by node name (devinfo.ts)
//   --ddf-base URL        where the device's DDF files are published: MOS items (5.2.2) link there
//   --session SRVID       a client-initiated session with that server; exit 0 on success, 1 with the reason
//   --sessions N          with --session: N sessions in a row (a soak)
//   --notify-port N       listen for Package#0 in WAP push datagrams (E.1) and run a session per
//                         accepted notification; --once: exit after the first such session. A
//                         Package#0 whose SERVER-ID is an account's Auth/Bootstrap/ServerURI starts a
//                         server-initiated bootstrap (8.4) and the BootstrapComplete sessions after it
//   --poll-interval S     with --notify-port: poll each account every S seconds (the management
//                         schedule; an account's Ext/PollInterval overrides it; default: none)
//   --connections LIST    the links the device has up, by preference (cellular,wlan,wireline; default
//                         wireline): a Package#0's PREFERRED-CON-TYPE picks among them, or waits
//   --log text|json|none  one line per package sent or received and per command applied; never a secret;
//                         in text, "DM accounts: SrvID=SrvURI ..." after the card bootstrap
//   --development         allow plain http SrvURIs (interpretation 12)
//   --ca BASE64           the bytes of a CA certificate file (PEM, one or more certificates, or DER)
//                         in base64, for the device's trust store (interpretation 19); may be repeated.
//                         (the npm bin takes --ca FILE and passes its bytes so)
//   --firmware-factory BASE64  the sim firmware file the boot loader programs into ota_0 on a flash
//                         with no boot record (default: the built-in image, xsdm-sim 1.0); the firmware
//                         slots exist when xsdm runs with --firmware-slot (hosts/sim/firmware)
//   --firmware-key HEX    the P-256 public key (65 bytes, SEC1 uncompressed, in hex) firmware images
//                         must be signed with: with firmware slots, the device then has a FUMO
//                         instance (modules/dm/fumo). The factory provisions it; without it the
//                         device updates no firmware. (the npm bin's --firmware-key FILE takes a PEM)
//   --fumo-retry-ms MS    (tests) the first pause between download tries (default 2000)
//   --fumo-trials N       (tests) the boots a new image has to prove itself in (default 3)
//   --backoff-ms MS       (tests) the backoff's base and ceiling, instead of 30 s and 1 h
//   --bootstrap SRVID     client-initiated bootstrap (8.3) from the bootstrap server in that account's
//                         Auth/Bootstrap, then a BootstrapComplete session with each account it gave
//   --card TTY:FIFO[:2g|3g]  read the DM bootstrap from the UICC on that serial line (RST through
//                         FIFO) at start (8.1); a changed card's accounts each get a BootstrapComplete
//                         session; --card-keys ENC:MAC:DEK (hex, AES-128/192/256) reads it through SCP03
//                         (Appendix H); --card-pin PIN (digits) for a PIN-protected bootstrap object (G.2.4),
//                         presented at most once per read and never logged
//   --card-policy off|secure|any  8.1's device policy (modules/dm/bootstrap/card-policy.ts): off never
//                         touches the card; secure reads only through SCP03; any reads plainly when
//                         there are no keys. Default: secure with --card-keys, any without
// Exit codes: 0 done; 1 a session failed (or an unexpected fault); 2 bad options; with --card and
// nothing after it: 3 the card could not be read (removed, mute, SCP03 refused, policy allows no
// channel), 4 its document was refused (the DM status is logged). Either way nothing changed, and
// with --session or --notify-port the device carries on with the accounts it has.
// The test driver (test-driver.ts) takes these and its own instrumentation flags.
import { exit } from "embedded:sim/host";
import { CARD_POLICIES, type CardPolicy } from "../../../modules/dm/bootstrap/index.js";
import { ConnectionType } from "../../../modules/dm/codec/index.js";

export interface Args {
	connections: ConnectionType[]; bootstrap?: string; card?: string; cardKeys?: string; cardPin?: string; cardPolicy?: CardPolicy; factory?: string;
	devinfo?: string; ddfBase?: string; session?: string; sessions: number; notifyPort?: number; once: boolean; pollSeconds?: number; log: "text" | "json" | "none";
	development: boolean; backoffMs?: number;
	/** --ca: each CA file's bytes, base64 */
	ca: string[];
	/** --firmware-factory: the factory sim firmware file's bytes, base64 */
	firmwareFactory?: string;
	/** --firmware-key: the firmware signing key's public point */
	firmwareKey?: Uint8Array;
	fumoRetryMs?: number;
	fumoTrials?: number;
}

/** dm-device: MESSAGE, exit 2 */
export function usage(message: string): never {
	console.error(`dm-device: ${message}`);
	return exit(2);
}

/** Parses the flags above; `more(flag, next)` takes a caller's own flag (true) or leaves it (false). */
export function parse(list: readonly string[], more: (flag: string, next: () => string) => boolean = () => false): Args {
	const a: Args = { connections: [ConnectionType.Wireline], log: "text", development: false, sessions: 1, once: false, ca: [] };
	for (let i = 0; i < list.length; i++) {
		const v = list[i]!;
		const next = (): string => list[++i] ?? usage(`${v} takes a value`);
		if (v === "--factory-json") a.factory = next();
		else if (v === "--devinfo-json") a.devinfo = next();
		else if (v === "--ddf-base") a.ddfBase = next();
		else if (v === "--card") a.card = next();
		else if (v === "--bootstrap") a.bootstrap = next();
		else if (v === "--card-keys") a.cardKeys = next();
		else if (v === "--card-pin") a.cardPin = next();
		else if (v === "--card-policy") {
			const p = next();
			a.cardPolicy = CARD_POLICIES.find((c) => c === p) ?? usage(`--card-policy ${CARD_POLICIES.join("|")}, not ${p}`);
		}
		else if (v === "--session") a.session = next();
		else if (v === "--sessions") a.sessions = Number(next());
		else if (v === "--log") { const l = next(); a.log = l === "json" || l === "none" ? l : "text"; }
		else if (v === "--notify-port") a.notifyPort = Number(next());
		else if (v === "--once") a.once = true;
		else if (v === "--poll-interval") a.pollSeconds = Number(next());
		else if (v === "--modules-only") exit(0);   // the heap of the loaded modules alone (bench baseline)
		else if (v === "--development") a.development = true;
		else if (v === "--connections") a.connections = connections(next());
		else if (v === "--backoff-ms") a.backoffMs = Number(next());
		else if (v === "--ca") a.ca.push(next());
		else if (v === "--firmware-factory") a.firmwareFactory = next();
		else if (v === "--firmware-key") {
			const hex = next();
			if (!/^04([0-9a-fA-F]{2}){64}$/.test(hex)) usage("--firmware-key: give the P-256 public key as 65 bytes of hex, 04 first (npm run firmware:sign -- --public-key KEY.pem prints it)");
			a.firmwareKey = Uint8Array.from(hex.match(/../g)!, (x) => parseInt(x, 16));
		}
		else if (v === "--fumo-retry-ms") a.fumoRetryMs = Number(next());
		else if (v === "--fumo-trials") a.fumoTrials = Number(next());
		else if (!more(v, next)) usage(`unknown option ${v}`);
	}
	return a;
}

/** --connections cellular,wlan,wireline: the links the simulated device has up (PREFERRED-CON-TYPE). */
function connections(text: string): ConnectionType[] {
	const names: Record<string, ConnectionType> = { cellular: ConnectionType.Cellular, wlan: ConnectionType.Wlan, wireline: ConnectionType.Wireline };
	return text.split(",").filter((n) => n).map((n) => names[n] ?? usage(`--connections takes cellular, wlan and wireline, not ${n}`));
}
