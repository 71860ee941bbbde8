// The device built by the Moddable SDK for its Linux port (npm run build:moddable: XS 17, the SDK's
// own TCP and timers, hosts/lin) runs Appendix I.1 against dm-server over TLS-PSK on loopback, as
// xsdm's device does in session-appendix-i.test.ts. Needs the SDK (MODDABLE, its tools built) and
// xvfb-run (Debian's xvfb: the SDK's simulator mcsim is a GTK program); skips saying which is
// missing otherwise (CI has no SDK).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DmServer } from "../../hosts/sim/peers/dm-server/server.js";
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import { findSdk, linBinary, outputDir, root, sdkEnv, type Sdk } from "../../tools/moddable/sdk.js";
import { assert, describe, it } from "../harness/index.js";

const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVID = "IMEI:493005100592800";

function missing(): string | Sdk {
	const sdk = findSdk();
	if (typeof sdk === "string") return sdk;
	if (spawnSync("sh", ["-c", "command -v xvfb-run"]).status !== 0) return "xvfb-run is not installed (apt-get install xvfb): the SDK's simulator needs a display";
	if (!existsSync(join(sdk.tools, "mcsim"))) return `${sdk.tools}/mcsim is missing: run make in $MODDABLE/build/makefiles/lin`;
	return sdk;
}

function build(sdk: Sdk, config: Record<string, string>): { code: number | null; out: string } {
	const args = ["-m", "-p", "lin", "-o", outputDir, "-t", "build", join(root, "manifest.json"), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)];
	const r = spawnSync(join(sdk.tools, "mcconfig"), args, { cwd: root, env: sdkEnv(sdk), encoding: "utf8", timeout: 900000 });
	return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function run(sdk: Sdk, binary: string, timeoutMs: number): Promise<{ code: number | null; out: string }> {
	return new Promise((resolve) => {
		const child = spawn("xvfb-run", ["-a", join(sdk.tools, "mcsim"), binary], { cwd: root, env: sdkEnv(sdk), stdio: ["ignore", "pipe", "pipe"], detached: true });
		let out = "";
		child.stdout.on("data", (d) => { out += d; });
		child.stderr.on("data", (d) => { out += d; });
		const timer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } }, timeoutMs);
		child.on("close", (code) => { clearTimeout(timer); resolve({ code, out }); });
	});
}

describe("the Moddable SDK's Linux build (hosts/lin) against dm-server", () => {
	const sdk = missing();
	if (typeof sdk === "string") {
		it(`is skipped: ${sdk}`, function (this: { skip(): void }) {
			console.log(`      skipped: ${sdk}`);
			this.skip();
		} as () => void);
		return;
	}

	it("I.1: GET DevInfo in multipart, HPOST of FwV, END; no secret on the wire", async () => {
		const server = new DmServer({
			psk,
			omadmAccept: "text/plain, application/dmmo+json;q=0.5",
			sessions: [[
				[["GET", "urn:oma:mo:oma-dm-devinfo:1.0//"]],
				[["HPOST", "https://127.0.0.1:PORT/camera_state?DevID=[DevID]", "urn:oma:mo:oma-dm-devinfo:1.2//FwV"], ["END"]],
			] as Command[][]],
		});
		const port = await server.listen();
		try {
			for (const p of server["options"].sessions![0]!) for (const c of p) if (c.length > 1) c[1] = c[1]!.replace("PORT", String(port));
			const built = build(sdk, { server: `https://127.0.0.1:${port}/dm`, srvId: "dms1", pskIdentity: psk.identity, pskHex: psk.key.toString("hex"), devId: DEVID });
			assert.equal(built.code, 0, built.out.slice(-4000));
			const binary = linBinary(false);
			assert.ok(binary, `no mc.so under ${outputDir}`);
			const r = await run(sdk, binary!, 120000);
			assert.equal(r.code, 0, r.out);
			assert.match(r.out, /session ok/);
			const s = server.sessions[0]!;
			assert.deepEqual(s.violations, []);
			assert.equal(s.trigger, "urn:oma:at:dm:2.0:BootstrapComplete");	// the factory account's first session (8)
			const p3 = s.received[1]!;
			assert.ok(p3.kind === "package3");
			assert.deepEqual(p3.body.Status, [{ sc: 200 }]);
			assert.equal((p3.results[0]![0]!.MOData.devinfo as Record<string, string>).DevID, DEVID);
			const post = server.repositoryRequests.find((q) => q.path === "/camera_state")!;
			assert.equal(post.method, "POST");
			assert.equal(post.body.toString(), "fw-1.0");
			const wire = Buffer.concat(server.wire);
			assert.equal(wire.indexOf(psk.key), -1, "the PSK left the device");
		} finally {
			await server.close();
		}
	}, 1200000);
});
