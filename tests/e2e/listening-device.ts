// dm-device on xsdm listening for Package#0 (--notify-port 0 --once): `send` gets the UDP port once
// the device says it listens; the result is the exit code and everything the device printed.
import { spawn } from "node:child_process";
import { compiled, xsdm64 } from "../host/xsdm.js";

export async function listeningDevice(flash: string, args: string[], send: (udpPort: number) => Promise<unknown>): Promise<{ code: number | null; out: string }> {
	const child = spawn(xsdm64, ["--flash", flash, "--flash-size", String(256 * 1024), "--flash-block", "4096",
		compiled("hosts/sim/dm-device/main.ts"), ...args, "--notify-port", "0", "--once"], { stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; });
	child.stderr.setEncoding("utf8").on("data", (d: string) => { out += d; });
	const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
	const killer = setTimeout(() => child.kill("SIGKILL"), 45000);
	try {
		while (!/listening .* UDP \d+/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
		const port = /UDP (\d+)/.exec(out)?.[1];
		if (port === undefined) return { code: await exited, out };
		await send(Number(port));
		return { code: await exited, out };
	} finally {
		clearTimeout(killer);
	}
}
