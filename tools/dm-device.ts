#!/usr/bin/env node
// dm-device: the DM client on xsdm from the command line (see --help). This wrapper only reads the
// files the XS program cannot (the factory bootstrap) and starts build/sim/xsdm with the flash
// options; the client itself is hosts/sim/dm-device/main.ts, run by the XS engine.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rawPublicKey } from "./firmware/envelope.js";

const HELP = `dm-device: the OMA DM 2.0 client on the xsdm simulator host

  dm-device --flash FILE [--flash-size N] [--firmware-slot N [--firmware IMAGE]] [--factory BOOTSTRAP.json] [--card TTY:FIFO [--card-keys K] [--card-policy P]]
            (--session SRVID | --notify-port N [--once] [--poll-interval S])
            [--heap-report] [--log text|json] [--development] [--sessions N]

  --flash FILE          NOR flash image (created erased if missing); the DM tree lives here
  --flash-size N        its size in bytes (default 262144; blocks of 4096)
  --factory FILE        dmmo+json applied as the factory bootstrap (8.2) when the tree has no DM
                        account yet, e.g. DevInfo, a DMAcc with SrvURI and Auth/Trsp (PSK identity and
                        key, base64), and DACMO rights
  --devinfo FILE        the device's DevInfo leaves (12.1) as a JSON object by node name, e.g.
                        {"Man":"Acme","Mod":"S1","FwV":"1.4.2"}; a leaf left out keeps the value on
                        flash, or a default. Without DevID the device generates "UUID:..." once
                        and keeps it on its flash
  --ddf-base URL        where the device's DDF files are published (one file per MOID, named by
                        modules/dm/mo/ddf-link.ts): each MOS item of Package#1 links its DDF there
  --session SRVID       run a client-initiated session with that account's server, then exit:
                        0 when it ended with END, 1 with the reason when it was aborted (5.6)
  --notify-port N       listen on UDP port N (2948 is E.1's) for Package#0 in WAP push datagrams;
                        each one verified (digest, TIMESTAMP, replay) starts a server-initiated session;
                        one whose SERVER-ID is an account's Auth/Bootstrap/ServerURI starts a
                        server-initiated bootstrap (8.4) from that server, then BootstrapComplete sessions
  --once                with --notify-port: exit after the first session, with its status
  --poll-interval S     with --notify-port: poll each account every S seconds unless its
                        Ext/PollInterval says otherwise (the management schedule; default: none)
  --sessions N          run N sessions in a row (a soak)
  --connections LIST    the links the simulated device has up, by preference: cellular, wlan,
                        wireline (default wireline). A Package#0's PREFERRED-CON-TYPE picks the first
                        it lists that is up; when none is, the session waits (5.2.1.2)
  --log text|json       one line per package sent or received and per command applied (command,
                        ClientURI, status); secrets are never printed
  --heap-report         print xsdm's peak XS heap at exit
  --development         allow plain http SrvURIs (interpretation 12)
  --firmware-slot N     give the device firmware slots: two of N bytes (a multiple of 4096) and a
                        boot record in the flash file after the DM tree (xsdm --firmware-slot)
  --firmware FILE       with --firmware-slot: the sim firmware file (hosts/sim/firmware/image.ts)
                        programmed into the first slot when the flash has no boot record yet
                        (default: the built-in image, model xsdm-sim, version 1.0)
  --firmware-key FILE   with --firmware-slot: the P-256 public key (PEM) firmware images must be
                        signed with (the factory's provisioning); the device then has a FUMO instance
  --max-boots N         a restart (xsdm exit 87, e.g. after a firmware update) starts the device
                        again, as a board reboots, at most N times in all (default 8)
  --ca FILE             CA certificates (PEM, one or several, or DER) the device trusts for HTTPS
                        origins other than an account's own server (repositories, CONT, SUB reports,
                        DEFAULT), with the account's Ext/TrustAnchor; may be repeated

  --bootstrap SRVID     client-initiated bootstrap (8.3): fetch the DM Bootstrap from the bootstrap
                        server in that account's Auth/Bootstrap (TLS-PSK with its credentials),
                        apply it, then a BootstrapComplete session with each account it gave
  --card TTY:FIFO[:2g|3g]  at start, read the DM bootstrap from the UICC on that serial line (8E2;
                        RST through FIFO on the sim host) and apply it if it changed (8.1); each
                        account it gives then gets a BootstrapComplete session
  --card-keys ENC:MAC:DEK  the card's SCP03 static keys (hex): read the bootstrap through the
                        secure channel of Appendix H
  --card-policy off|secure|any  the device's card bootstrap policy (8.1): off never touches the
                        card and leaves the accounts it gave; secure reads only through SCP03; any
                        reads plainly when no keys are given. Default: secure with --card-keys, any
                        without. A secure channel that fails is never retried in plain.
                        A card that cannot be read or whose document is refused changes nothing;
                        the device carries on with --session / --notify-port. With --card alone
                        the exit code says: 0 applied, unchanged or off; 3 the card could not be
                        read; 4 its document was refused (status logged)
Server host names in SrvURIs are resolved by the host (getaddrinfo on xsdm).
`;

const { values } = parseArgs({
	options: {
		flash: { type: "string" }, "flash-size": { type: "string" }, factory: { type: "string" }, devinfo: { type: "string" }, "ddf-base": { type: "string" }, session: { type: "string" },
		sessions: { type: "string" }, log: { type: "string" }, "heap-report": { type: "boolean" }, development: { type: "boolean" },
		card: { type: "string" }, "card-keys": { type: "string" }, "card-policy": { type: "string" }, bootstrap: { type: "string" }, "notify-port": { type: "string" }, once: { type: "boolean" }, help: { type: "boolean" },
		connections: { type: "string" }, "poll-interval": { type: "string" }, ca: { type: "string", multiple: true },
		"firmware-slot": { type: "string" }, firmware: { type: "string" }, "max-boots": { type: "string" }, "firmware-key": { type: "string" },
	},
});
if (values.help) { process.stdout.write(HELP); process.exit(0); }
const fail = (message: string): never => { process.stderr.write(`dm-device: ${message}\n${HELP}`); process.exit(2); };
if (!values.flash) fail("--flash FILE is required");
if (!values.session && values["notify-port"] === undefined && values.card === undefined && values.bootstrap === undefined) fail("--session SRVID, --notify-port N, --card TTY:FIFO or --bootstrap SRVID is required");

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const xsdm = resolve(root, "build/sim/xsdm");
if (!existsSync(xsdm)) fail(`${xsdm} is missing: run npm run build`);
if (values.firmware && !values["firmware-slot"]) fail("--firmware FILE needs --firmware-slot N");
const maxBoots = Number(values["max-boots"] ?? 8);
if (!Number.isInteger(maxBoots) || maxBoots < 1) fail("--max-boots takes a positive whole number");
const args = [
	...(values["heap-report"] ? ["--heap-report"] : []),
	"--flash", values.flash!, "--flash-size", values["flash-size"] ?? "262144", "--flash-block", "4096",
	...(values["firmware-slot"] ? ["--firmware-slot", values["firmware-slot"]] : []),
	resolve(root, "build/js/hosts/sim/dm-device/main.js"),
	...(values.session ? ["--session", values.session] : []),
	...(values["notify-port"] !== undefined ? ["--notify-port", values["notify-port"]] : []),
	...(values.once ? ["--once"] : []),
	...(values.factory ? ["--factory-json", readFileSync(values.factory, "utf8")] : []),
	...(values.devinfo ? ["--devinfo-json", readFileSync(values.devinfo, "utf8")] : []),
	...(values["ddf-base"] ? ["--ddf-base", values["ddf-base"]] : []),
	...(values.log ? ["--log", values.log] : []),
	...(values.card ? ["--card", values.card] : []),
	...(values.bootstrap ? ["--bootstrap", values.bootstrap] : []),
	...(values["card-keys"] ? ["--card-keys", values["card-keys"]] : []),
	...(values["card-policy"] ? ["--card-policy", values["card-policy"]] : []),
	...(values.sessions ? ["--sessions", values.sessions] : []),
	...(values.development ? ["--development"] : []),
	...(values.connections ? ["--connections", values.connections] : []),
	...(values["poll-interval"] ? ["--poll-interval", values["poll-interval"]] : []),
	// the XS program cannot read files: each CA file goes as its bytes in base64 (PEM or DER alike)
	...(values.ca ?? []).flatMap((file) => ["--ca", readFileSync(file).toString("base64")]),
	...(values.firmware ? ["--firmware-factory", readFileSync(values.firmware).toString("base64")] : []),
	...(values["firmware-key"] ? ["--firmware-key", rawPublicKey(readFileSync(values["firmware-key"], "utf8")).toString("hex")] : []),
];
// xsdm exits 87 when the device restarts (hosts/sim/firmware's restart()): start it again, as the
// board's reset would, a bounded number of times
const RESTART = 87;
function boot(n: number): void {
	const child = spawn(xsdm, args, { stdio: "inherit" });
	child.on("close", (code, signal) => {
		if (code === RESTART && n < maxBoots) {
			process.stderr.write(`dm-device: the device restarted; boot ${n + 1} of at most ${maxBoots}\n`);
			boot(n + 1);
		}
		else process.exit(code ?? (signal ? 1 : 0));
	});
}
boot(1);
