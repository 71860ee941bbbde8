// npm run firmware:sign -- --key KEY.pem --model MODEL --version VERSION --in PAYLOAD --out ENVELOPE
// Wraps a payload (what the host boots) in the signed envelope devices accept (modules/firmware).
// --public-key KEY.pem prints the 65-byte public key a device is provisioned with, in hex.
import { readFileSync, writeFileSync } from "node:fs";
import { buildEnvelope, rawPublicKey } from "./envelope.js";

function option(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
}

function usage(message: string): never {
	process.stderr.write(`firmware:sign: ${message}\nusage: npm run firmware:sign -- --key KEY.pem --model MODEL --version VERSION --in PAYLOAD --out ENVELOPE\n       npm run firmware:sign -- --public-key KEY.pem\n`);
	process.exit(2);
}

const pub = option("public-key");
if (pub !== undefined) {
	process.stdout.write(`${rawPublicKey(readFileSync(pub, "utf8")).toString("hex")}\n`);
	process.exit(0);
}
const key = option("key"), model = option("model"), version = option("version"), input = option("in"), output = option("out");
if (!key || !model || !version || !input || !output) usage("give --key, --model, --version, --in and --out");
try {
	const envelope = buildEnvelope({ model, version, payload: readFileSync(input), key: readFileSync(key, "utf8") });
	writeFileSync(output, envelope);
	process.stdout.write(`${output}: ${model} ${version}, ${envelope.length} bytes\n`);
} catch (e) {
	usage(e instanceof Error ? e.message : String(e));
}
