// npm start is the project's main job: it must keep working end to end (card → bootstrap →
// BootstrapComplete session → Package#0 → server-initiated session), and say so in its exit status.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root } from "../host/xsdm.js";
import { assert, describe, it } from "../harness/index.js";

describe("npm start", () => {
	it("bootstraps the device from its card and runs both sessions against the development server", async () => {
		const child = spawn(process.execPath, [join(root, "build/js/tools/start.js")], { stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", (d) => { out += d; });
		child.stderr.on("data", (d) => { out += d; });
		const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
		assert.equal(code, 0, out);
		assert.match(out, /session 1: BootstrapComplete from IMEI:356938035643809, 2 packages, statuses \[200,200\], violations 0/);
		assert.match(out, /session 2: ServerInitiatedMgmt from IMEI:356938035643809, 2 packages, statuses \[200\], violations 0/);
	}, 90000);
});
