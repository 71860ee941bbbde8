// npm run build:moddable [-- --debug] [-- --platform esp32]: the root manifest.json through the
// Moddable SDK's mcconfig. Default: a release build for the SDK's Linux port (-p lin), which runs
// headless under its simulator (xvfb-run -a mcsim mc.so); --debug adds -d (the device then waits
// for xsbug). The make target is "build" so that mcconfig neither starts nor kills a simulator.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findSdk, linBinary, outputDir, root, sdkEnv } from "./sdk.js";

const args = process.argv.slice(2);
const debug = args.includes("--debug");
const platform = args.includes("--platform") ? args[args.indexOf("--platform") + 1]! : "lin";

const sdk = findSdk();
if (typeof sdk === "string") {
	console.error(`build:moddable: ${sdk}`);
	process.exit(2);
}
if (platform === "esp32" && !process.env.IDF_PATH) {
	console.error("build:moddable: -p esp32 needs ESP-IDF v6.0: install it and export IDF_PATH (see the SDK's documentation/devices/esp32.md)");
	process.exit(2);
}
mkdirSync(outputDir, { recursive: true });
const command = ["mcconfig", ...(debug ? ["-d"] : []), "-m", "-p", platform, "-o", outputDir, "-t", "build", join(root, "manifest.json")];
console.log(`build:moddable: MODDABLE=${sdk.moddable} ${command.join(" ")}`);
const r = spawnSync(join(sdk.tools, "mcconfig"), command.slice(1), { cwd: root, env: sdkEnv(sdk), stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
if (platform === "lin") console.log(`build:moddable: ${linBinary(debug) ?? "(no mc.so found)"}; run it with: xvfb-run -a $MODDABLE/build/bin/lin/release/mcsim <mc.so>`);
