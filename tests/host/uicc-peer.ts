// Starts the UICC simulator (hosts/sim/peers/uicc/uicc.py) on a pty for a host test, and collects
// what it reports, line by line.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { compiled, root, runXsdm, type Run, type RunOptions } from "./xsdm.js";

/** The SCP03 static keys ENC:MAC:DEK (AES-128) the tests and benches give the simulator's --scp03. */
export const UICC_KEYS = "404142434445464748494A4B4C4D4E4F:505152535455565758595A5B5C5D5E5F:606162636465666768696A6B6C6D6E6F";

/** The simulator's bootstrap fixture with its Name padded so the JSON is exactly `size` bytes, in a
    scratch file for --bootstrap. */
export function bootstrapOfSize(size: number): { file: string; text: string } {
	const doc = JSON.parse(readFileSync(join(root, "hosts/sim/peers/uicc/fixtures/bootstrap.json"), "utf8"));
	doc[0].Nodes.Name = "";
	doc[0].Nodes.Name = "n".repeat(size - JSON.stringify(doc).length);
	const text = JSON.stringify(doc);
	const file = join(mkdtempSync(join(tmpdir(), "uicc-")), "bootstrap.json");
	writeFileSync(file, text);
	return { file, text };
}

export interface UiccPeer {
	readonly slave: string;
	readonly fifo: string;
	readonly lines: string[];
	stop(): Promise<void>;
}

export async function startUicc(args: string[] = []): Promise<UiccPeer> {
	const child: ChildProcess = spawn("python3", [join(root, "hosts/sim/peers/uicc/uicc.py"), ...args], { stdio: ["pipe", "pipe", "inherit"] });
	const lines: string[] = [];
	const waiters: [RegExp, (line: string) => void][] = [];
	createInterface({ input: child.stdout! }).on("line", (line) => {
		lines.push(line);
		for (const w of waiters.splice(0)) { if (w[0].test(line)) w[1](line); else waiters.push(w); }
	});
	const waitFor = (re: RegExp): Promise<string> => {
		const seen = lines.find((l) => re.test(l));
		return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push([re, resolve]));
	};
	const slave = (await waitFor(/^slave /)).slice(6);
	const fifo = (await waitFor(/^fifo /)).slice(5);
	const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
	return {
		slave, fifo, lines,
		async stop() {
			if (child.exitCode === null) child.stdin!.end("quit\n");
			await exited;
		},
	};
}

export interface Step { step: string; error?: string; message?: string; [k: string]: unknown }

/** Runs an xsdm script against a fresh simulator; returns its JSON lines and the simulator's log. */
export async function withUicc(script: string, uiccArgs: string[], scriptArgs: string[], o: RunOptions = {}): Promise<{ run: Run; steps: Step[]; peer: string[] }> {
	const peer = await startUicc(uiccArgs);
	try {
		const run = await runXsdm(compiled(script), [peer.slave, peer.fifo, ...scriptArgs], o);
		const steps = run.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Step);
		return { run, steps, peer: peer.lines };
	} finally {
		await peer.stop();
	}
}
