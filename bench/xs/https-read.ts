// xsdm https-read.js URL CA_HEX: a plain HTTPS GET of URL through modules/transport's Client (X.509,
// the server checked against the CA, DER in hex), the body read to its end and dropped; prints
// {"bytes": N, "ms": T}: the baseline FUMO's download is compared with (bench/fumo.ts).
import TCP from "embedded:io/socket/tcp";
import Resolver from "embedded:network/dns/resolver";
import { argv, exit, monotonic, timers } from "embedded:sim/host";
import { Client } from "../../modules/transport/index.js";

const [url, caHex] = argv();
const ca = Uint8Array.from({ length: caHex!.length / 2 }, (_, i) => parseInt(caHex!.slice(2 * i, 2 * i + 2), 16));
const client = new Client({ timers, tcp: TCP as never, resolver: new Resolver(), timeout: 15000, cnonce: () => "n", credentials: () => ({ x509: { trustAnchors: [ca] } }) });

async function main(): Promise<void> {
	const began = monotonic();
	const res = await client.request({ method: "GET", url: url! });
	let bytes = 0;
	for (let c = await res.read(); c; c = await res.read()) bytes += c.length;
	const ms = monotonic() - began;
	client.close();
	console.log(JSON.stringify({ status: res.status, bytes, ms }));
	exit(0);
}
main().catch((e: unknown) => { console.error(String(e)); exit(1); });
