// The runner's side of the hardware-in-the-loop line protocol (hosts/common/hil-console.ts prints
// the board's side; docs/hil.md has both): a board on a serial port, asked for one session per
// scenario. Lines not starting with "HIL1 " (boot ROM, ESP-IDF logs, trace()) are kept in the
// output but never read as the protocol.
import { spawnSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";

export const HIL_PREFIX = "HIL1 ";

/** A parsed board line: what the runner acts on. */
export type BoardLine =
	| { kind: "ready"; devId: string }
	| { kind: "log"; text: string }
	| { kind: "end"; ok: true }
	| { kind: "end"; ok: false; reason: string }
	| { kind: "heap"; report: Record<string, unknown> }
	| { kind: "error"; text: string }
	| { kind: "other"; text: string };

/** One console line (without its terminator) as the protocol reads it. */
export function parseBoardLine(line: string): BoardLine {
	if (!line.startsWith(HIL_PREFIX)) return { kind: "other", text: line };
	const rest = line.slice(HIL_PREFIX.length);
	const space = rest.indexOf(" ");
	const verb = space < 0 ? rest : rest.slice(0, space);
	const argument = space < 0 ? "" : rest.slice(space + 1);
	switch (verb) {
		case "ready": return { kind: "ready", devId: argument };
		case "log": return { kind: "log", text: argument };
		case "end":
			if (argument === "ok") return { kind: "end", ok: true };
			if (argument.startsWith("fail")) return { kind: "end", ok: false, reason: argument.slice(4).trim() };
			break;
		case "heap":
			try { return { kind: "heap", report: JSON.parse(argument) as Record<string, unknown> }; } catch { break; }
		case "error": return { kind: "error", text: argument };
	}
	return { kind: "other", text: line };
}

export interface SerialSession {
	/** 0: "end ok"; 1: "end fail" or "error"; null: no answer in time */
	code: number | null;
	/** every line the board printed meanwhile, protocol or not */
	output: string;
	heap?: Record<string, unknown>;
}

export interface SerialOptions {
	/** the console's rate (default 115200; a pty ignores it) */
	baud?: number;
	/** how long the board may take to say "ready" after "hello" (default 60 s: a board may be joining Wi-Fi) */
	readyMs?: number;
	/** how long one session may take (default 120 s) */
	sessionMs?: number;
}

/** Sets the tty raw at the rate (stty, coreutils): a UART console is not a terminal. */
function configure(path: string, baud: number): void {
	const r = spawnSync("stty", ["-F", path, String(baud), "raw", "-echo", "-echoe", "-echok", "-ixon", "-crtscts", "clocal"], { encoding: "utf8" });
	if (r.status !== 0) throw new Error(`stty -F ${path} ${baud} raw failed: ${(r.stderr || r.error?.message || "").trim()}`);
}

/** Asks the board on `path` for one session with account `srvId` and collects its answer. */
export function serialSession(path: string, srvId: string, o: SerialOptions = {}): Promise<SerialSession> {
	configure(path, o.baud ?? 115200);
	const inFd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
	const outFd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
	const input = new ReadStream(inFd);
	const output = new WriteStream(outFd);
	return new Promise((resolve) => {
		const lines: string[] = [];
		let partial = "";
		let phase: "hello" | "session" | "done" = "hello";
		let heap: Record<string, unknown> | undefined;
		let result: number | null = null;
		let timer: NodeJS.Timeout | undefined;
		let hello: NodeJS.Timeout | undefined;
		const finish = (code: number | null): void => {
			if (phase === "done") return;
			phase = "done";
			clearTimeout(timer);
			clearInterval(hello);
			input.destroy();
			output.destroy();
			try { closeSync(inFd); } catch { /* closed by the stream */ }
			try { closeSync(outFd); } catch { /* closed by the stream */ }
			resolve({ code, output: lines.join("\n"), ...(heap ? { heap } : {}) });
		};
		const send = (text: string): void => { output.write(`${HIL_PREFIX}${text}\n`); };
		const arm = (ms: number, what: string): void => {
			clearTimeout(timer);
			timer = setTimeout(() => { lines.push(`runner: no ${what} from the board within ${ms} ms`); finish(null); }, ms);
		};
		const onLine = (line: string): void => {
			lines.push(line);
			const l = parseBoardLine(line);
			if (phase === "hello" && l.kind === "ready") {
				phase = "session";
				clearInterval(hello);
				arm(o.sessionMs ?? 120000, "\"end\"");
				send(`session ${srvId}`);
			} else if (phase === "session") {
				if (l.kind === "end") result = l.ok ? 0 : 1;
				else if (l.kind === "error") finish(1);
				else if (l.kind === "heap") heap = l.report;
				else if (l.kind === "ready" && result !== null) finish(result);	// back to idle: heap (if any) came first
			}
		};
		input.setEncoding("latin1");
		input.on("data", (chunk: string) => {
			partial += chunk;
			for (let at = partial.indexOf("\n"); at >= 0; at = partial.indexOf("\n")) {
				const line = partial.slice(0, at);
				partial = partial.slice(at + 1);
				onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
			}
		});
		input.on("error", (e) => { lines.push(`runner: ${e.message}`); finish(null); });
		arm(o.readyMs ?? 60000, "\"ready\"");
		// a board that booted before the runner opened the port said "ready" to nobody: ask again
		send("hello");
		hello = setInterval(() => send("hello"), 2000);
	});
}
