// Brings the XS engine sources into build/xs from the @agoric/xsnap package on the npm registry.
// Only the tarball is fetched (npm pack), checked against the integrity pinned in package.json, and
// only moddable/xs/{sources,includes,platforms} are unpacked: installing the package itself would run
// its postinstall, which builds its own worker and pulls a dozen unrelated packages.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;
const { xsEngine } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dest = join(root, "build", "xs");
const stamp = join(dest, "STAMP");
const want = `${xsEngine.package}@${xsEngine.version} ${xsEngine.integrity}`;
if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) process.exit(0);

rmSync(dest, { recursive: true, force: true });
mkdirSync(dest, { recursive: true });
const out = execFileSync("npm", ["pack", "--silent", `${xsEngine.package}@${xsEngine.version}`, "--pack-destination", dest], { encoding: "utf8" });
const tarball = join(dest, out.trim().split("\n").pop());
const [algo, expected] = xsEngine.integrity.split("-");
const actual = createHash(algo).update(readFileSync(tarball)).digest("base64");
if (actual !== expected) {
	console.error(`fetch-xs: integrity mismatch for ${tarball}\n  expected ${expected}\n  got      ${actual}`);
	process.exit(1);
}
execFileSync("tar", ["-xzf", tarball, "-C", dest, "--strip-components=3",
	"package/moddable/xs/sources", "package/moddable/xs/includes", "package/moddable/xs/platforms"]);
execFileSync("tar", ["-xzf", tarball, "-C", dest, "--strip-components=1", "package/LICENSE"]);
rmSync(tarball);
writeFileSync(stamp, want);
console.log(`fetch-xs: XS sources from ${xsEngine.package}@${xsEngine.version} in build/xs`);
