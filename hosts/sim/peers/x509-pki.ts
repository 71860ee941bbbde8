// A throw-away PKI for X.509-mode tests, made with the openssl command at test time: a DM CA, an
// unrelated CA, server certificates for "localhost" with an RSA and with a P-256 key (between them
// the six X.509 suites of 9.2.2), one that expired in 2020, a client certificate for the device;
// and an openssl s_server -www peer that uses them.
import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpensslServer, type OpensslServer } from "./openssl-server.js";

export interface Issued {
	/** PEM, as Node's tls wants them */
	cert: string;
	key: string;
	/** DER, as the device's account holds them (Auth/Trsp/Data and Secret, Ext/TrustAnchor) */
	certDer: Buffer;
	keyDer: Buffer;
	/** the PEM files, for openssl s_server */
	certFile: string;
	keyFile: string;
}

export interface TestPki {
	ca: Issued;
	otherCa: Issued;
	serverRsa: Issued;
	serverEc: Issued;
	expired: Issued;
	client: Issued;
}

function openssl(dir: string, args: string[]): void {
	const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
	if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

function load(dir: string, name: string): Issued {
	const certFile = join(dir, `${name}.crt`), keyFile = join(dir, `${name}.key`);
	const cert = readFileSync(certFile, "utf8"), key = readFileSync(keyFile, "utf8");
	return { cert, key, certDer: Buffer.from(new X509Certificate(cert).raw), keyDer: createPrivateKey(key).export({ format: "der", type: "pkcs8" }), certFile, keyFile };
}

const KEYS: Record<"rsa" | "ec", string[]> = { rsa: ["-newkey", "rsa:2048"], ec: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] };

export function makeTestPki(dir = mkdtempSync(join(tmpdir(), "dm-pki-"))): TestPki {
	for (const ca of ["ca", "other-ca"]) {
		openssl(dir, ["req", "-x509", ...KEYS.rsa, "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.crt`, "-days", "2", "-subj", `/CN=Test ${ca}`]);
		writeFileSync(join(dir, `${ca}.cnf`), `[ca]\ndefault_ca=d\n[d]\ndatabase=${ca}.index\nnew_certs_dir=.\nserial=${ca}.serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\nunique_subject=no\n[p]\ncommonName=supplied\n`);
		writeFileSync(join(dir, `${ca}.index`), "");
		writeFileSync(join(dir, `${ca}.serial`), "1000\n");
	}
	const now = new Date(), day = 86400000;
	const stamp = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
	const issue = (name: string, kind: "rsa" | "ec", cn: string, o: { ca?: string; start?: string; end?: string; san?: boolean } = {}): Issued => {
		openssl(dir, ["req", ...KEYS[kind], "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`, ...(o.san === false ? [] : ["-addext", `subjectAltName=DNS:${cn}`])]);
		const ca = o.ca ?? "ca";
		openssl(dir, ["ca", "-batch", "-config", `${ca}.cnf`, "-cert", `${ca}.crt`, "-keyfile", `${ca}.key`, "-in", `${name}.csr`, "-out", `${name}.crt`, "-notext",
			"-startdate", o.start ?? stamp(new Date(now.getTime() - day)), "-enddate", o.end ?? stamp(new Date(now.getTime() + 2 * day))]);
		return load(dir, name);
	};
	return {
		ca: load(dir, "ca"),
		otherCa: load(dir, "other-ca"),
		serverRsa: issue("server-rsa", "rsa", "localhost"),
		serverEc: issue("server-ec", "ec", "localhost"),
		expired: issue("expired", "rsa", "localhost", { start: "20200101000000Z", end: "20200102000000Z" }),
		client: issue("client", "ec", "IMEI:493005100592800", { san: false }),
	};
}

/**
 * openssl s_server -www with the RSA and the P-256 server certificates, limited to one cipher: it
 * answers "GET /" with a page that names the negotiated cipher and says whether the session was
 * "New" or "Reused", then closes the connection.
 */
export async function opensslX509Server(pki: TestPki, cipher: string): Promise<OpensslServer> {
	return startOpensslServer((port) => ["s_server", "-accept", String(port), "-4", "-www", "-tls1_2", "-cipher", cipher,
		"-cert", pki.serverRsa.certFile, "-key", pki.serverRsa.keyFile, "-dcert", pki.serverEc.certFile, "-dkey", pki.serverEc.keyFile]);
}
