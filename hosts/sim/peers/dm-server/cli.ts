#!/usr/bin/env node
// dm-server: the development DM server from the command line (see --help).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { notify } from "./notify.js";
import { Console } from "./console/web.js";
import { DmServer, type ServerOptions } from "./server.js";

const HELP = `dm-server: a development OMA DM 2.0 server (HTTPS with TLS-PSK) for devices under test

  dm-server --psk-identity ID --psk-hex HEX [--port N] [--scenario FILE] [--record FILE] [--plain]
            [--web PORT [--server-id ID --noti-secret-hex HEX --noti-data-hex HEX]]
  dm-server --notify HOST:PORT --server-id ID --notification-id N [--noti-secret-hex HEX] [--noti-data-hex HEX] [--req-mos]

Serving:
  --port N            TCP port (default 8443; 0 picks a free one, printed on stdout)
  --psk-identity ID   the PSK identity the device presents (its Auth/Trsp/Data)
  --psk-hex HEX       the PSK (its Auth/Trsp/Secret), in hex
  --plain             plain HTTP instead of TLS: development only
  --scenario FILE     JSON: {"sessions": [[Package#2 CMD arrays...], ...], "repository": {"/path":
                      {"status": 200, "contentType": "text/plain", "body": "..."}}, "omadmAccept": "..."}
                      The DM endpoint is /dm; a session past its script gets END.
  --record FILE       on exit (SIGINT/SIGTERM), write every session and repository request as JSON

The console (--web):
  --web PORT          a web console on http://127.0.0.1:PORT/: the devices that connected, each one's
                      tree as last read, its sessions (Package#1/#2/#3, raw JSON), Generic Alerts
                      and SUB reports as they arrive, and actions (GET, HGET, DELETE, EXEC, SUB,
                      UNSUB) queued for the device's next session
  --web-host ADDR     the address it listens on (default 127.0.0.1: loopback only)
  --server-id ID      the SERVER-ID of the console's "notify now" Package#0 (the device's SrvID for
                      this server); --noti-secret-hex and --noti-data-hex (its Auth/Noti) sign it
  With --web the record keeps the last 10,000 sessions and requests.

Notifying (Package#0 over WAP push, Appendix E.1, then exit):
  --notify HOST:PORT  where the device listens (its --notify-port)
  --server-id ID, --notification-id N, --noti-secret-hex HEX (signs it), --noti-data-hex HEX, --req-mos
`;

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			help: { type: "boolean" }, port: { type: "string" }, "psk-identity": { type: "string" }, "psk-hex": { type: "string" },
			plain: { type: "boolean" }, scenario: { type: "string" }, record: { type: "string" },
			notify: { type: "string" }, "server-id": { type: "string" }, "notification-id": { type: "string" },
			"noti-secret-hex": { type: "string" }, "noti-data-hex": { type: "string" }, "req-mos": { type: "boolean" },
			web: { type: "string" }, "web-host": { type: "string" },
		},
	});
	if (values.help) { process.stdout.write(HELP); return; }
	if (values.notify) {
		const [host, port] = values.notify.split(/:(?=\d+$)/);
		if (!host || !port || !values["server-id"] || values["notification-id"] === undefined) throw new Error("--notify HOST:PORT needs --server-id and --notification-id (see --help)");
		await notify({
			host, port: Number(port), serverId: values["server-id"], notificationId: Number(values["notification-id"]), requestMos: values["req-mos"] ?? false,
			...(values["noti-secret-hex"] ? { secret: Buffer.from(values["noti-secret-hex"], "hex") } : {}),
			...(values["noti-data-hex"] ? { authData: Buffer.from(values["noti-data-hex"], "hex") } : {}),
		});
		return;
	}
	const options: ServerOptions = values.scenario ? JSON.parse(readFileSync(values.scenario, "utf8")) as ServerOptions : {};
	if (values.plain) options.plain = true;
	else {
		if (!values["psk-identity"] || !values["psk-hex"]) throw new Error("give --psk-identity and --psk-hex (or --plain for development; see --help)");
		options.psk = { identity: values["psk-identity"], key: Buffer.from(values["psk-hex"], "hex") };
	}
	if (values.web !== undefined) options.keep = 10000;
	const server = new DmServer(options);
	const port = await server.listen(Number(values.port ?? 8443));
	const origin = `${options.plain ? "http" : "https"}://127.0.0.1:${port}`;
	console.log(`dm-server listening on ${origin}/dm`);
	let web: Console | undefined;
	if (values.web !== undefined) {
		web = new Console({
			dm: server, dmOrigin: () => origin,
			...(values["server-id"] ? { notify: {
				serverId: values["server-id"],
				...(values["noti-secret-hex"] ? { secret: Buffer.from(values["noti-secret-hex"], "hex") } : {}),
				...(values["noti-data-hex"] ? { authData: Buffer.from(values["noti-data-hex"], "hex") } : {}),
			} } : {}),
		});
		const webPort = await web.listen(Number(values.web), values["web-host"] ?? "127.0.0.1");
		console.log(`dm-server console on http://${values["web-host"] ?? "127.0.0.1"}:${webPort}/`);
	}
	const stop = (): void => {
		void web?.close();
		if (values.record) writeFileSync(values.record, JSON.stringify({ sessions: server.sessions, repository: server.repositoryRequests.map((r) => ({ ...r, body: r.body.toString("base64") })) }, null, 2));
		void server.close().then(() => process.exit(0));
	};
	process.on("SIGINT", stop);
	process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
	console.error(`dm-server: ${e instanceof Error ? e.message : String(e)}`);
	process.exitCode = 1;
});
