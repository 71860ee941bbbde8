#!/usr/bin/env node
// dm-server: the development DM server from the command line (see --help).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { notify } from "./notify.js";
import { DmServer, type ServerOptions } from "./server.js";

const HELP = `dm-server: a development OMA DM 2.0 server (HTTPS with TLS-PSK) for devices under test

  dm-server --psk-identity ID --psk-hex HEX [--port N] [--scenario FILE] [--record FILE] [--plain]
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
	const server = new DmServer(options);
	const port = await server.listen(Number(values.port ?? 8443));
	console.log(`dm-server listening on ${options.plain ? "http" : "https"}://127.0.0.1:${port}/dm`);
	const stop = (): void => {
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
