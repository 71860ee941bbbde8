// Starts `openssl s_server` on a free port of loopback. s_server cannot be told to pick a port and
// report it, so a random one is tried, and another when bind() finds it taken (other test runs on
// the same machine use ports too).
import { spawn, type ChildProcess } from "node:child_process";

export interface OpensslServer {
	port: number;
	/** everything s_server printed so far (its -state trace, when asked for) */
	output(): string;
	close(): Promise<void>;
}

export async function startOpensslServer(argsFor: (port: number) => string[], attempts = 8): Promise<OpensslServer> {
	let last = "";
	for (let attempt = 0; attempt < attempts; attempt++) {
		const port = 20000 + Math.floor(Math.random() * 20000);
		const child: ChildProcess = spawn("openssl", argsFor(port), { stdio: ["pipe", "pipe", "pipe"] });
		let output = "";
		child.stdout!.setEncoding("utf8").on("data", (d: string) => { output += d; });
		child.stderr!.setEncoding("utf8").on("data", (d: string) => { output += d; });
		const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
		const started = await new Promise<boolean>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`openssl s_server did not start:\n${output}`)), 5000);
			const check = (): void => {
				if (/ACCEPT/.test(output)) { clearTimeout(timer); resolve(true); }
				else if (/Address already in use/.test(output)) { clearTimeout(timer); resolve(false); }
				else setTimeout(check, 20);
			};
			check();
		});
		if (started) {
			return {
				port,
				output: () => output,
				close: () => { child.kill("SIGTERM"); return exited; },
			};
		}
		last = output;
		child.kill("SIGTERM");
		await exited;
	}
	throw new Error(`openssl s_server found no free port in ${attempts} tries:\n${last}`);
}
