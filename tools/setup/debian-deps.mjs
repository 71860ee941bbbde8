// Runs as npm's preinstall: makes sure the Debian packages the sim host is built with are present.
// As root it installs the missing ones; otherwise it stops with the one apt-get line to run.
// Plain JavaScript on purpose: it runs before any dependency (TypeScript included) is installed.
import { execFileSync, spawnSync } from "node:child_process";

// libmbedtls-dev for both widths: the 32-bit host (xsdm32) links the i386 libraries.
// openssl: the TLS-PSK tests run openssl s_server and make their RSA certificate with it.
// python3-cryptography: the UICC simulator's SCP03 (hosts/sim/peers/uicc), a second AES/CMAC
// implementation the tests check ours against.
// chromium: the browser tests of dm-server's web console (driven by puppeteer-core, headless).
// libglib2.0-dev: the headers npm test checks the SDK Linux port's natives against (hosts/lin/native).
const wanted = ["make", "gcc", "gcc-multilib", "qemu-user", "libmbedtls-dev", "libmbedtls-dev:i386", "openssl", "python3-cryptography", "chromium", "libglib2.0-dev"];

function installed(pkg) {
	const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
	return r.status === 0 && r.stdout.includes("install ok installed");
}

if (process.platform !== "linux" || spawnSync("dpkg-query", ["--version"]).status !== 0) {
	console.error("setup: this project builds its simulator host on Debian (or a derivative); dpkg was not found.");
	process.exit(1);
}
const missing = wanted.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);

const needsI386 = missing.some((p) => p.endsWith(":i386"));
const line = `${needsI386 ? "dpkg --add-architecture i386 && " : ""}apt-get update && apt-get install -y ${missing.join(" ")}`;
if (process.getuid?.() !== 0) {
	console.error(`setup: missing Debian packages: ${missing.join(", ")}\nRun as root, then npm install again:\n\n  ${line}\n`);
	process.exit(1);
}
console.log(`setup: installing ${missing.join(", ")}`);
const run = (args) => execFileSync(args[0], args.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
if (needsI386) run(["dpkg", "--add-architecture", "i386"]);
// A Debian mirror mid-sync answers "File has unexpected size" for a minute or so: retry the update.
for (let attempt = 1; ; attempt++) {
	const r = spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
	if (r.status === 0 && !/^E: /m.test(r.stderr)) break;
	if (attempt === 4) {
		process.stderr.write(r.stderr);
		console.error("setup: apt-get update kept failing; run the line above by hand.");
		process.exit(1);
	}
	console.error(`setup: apt-get update failed (attempt ${attempt}), retrying in ${attempt * 10} s`);
	spawnSync("sleep", [String(attempt * 10)]);
}
run(["apt-get", "install", "-y", "-qq", ...missing]);
