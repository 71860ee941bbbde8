// Package#2 (application/vnd.oma.dm.request+json, 7.2.1.2) read as a stream: each command is handed
// over as soon as its array closes, typed by name (5.3.1 - 5.3.12), so the session can run command
// 1 while command 2 is still on the wire and never holds the whole package.
//
// Errors come at two levels. A broken package (not JSON, no CMD array) is a package error
// (toDmError() → 400): the session aborts. A broken command — unknown name (501), wrong number or
// kind of arguments (400) — is an item carrying its DmError at its index, so the session answers
// that status in its place and carries on (Appendix C). Members other than CMD are skipped.
import { DmError } from "../error.js";
import { Feed, JsonReader, type JsonError, type JsonHandler, type JsonLimits } from "./json-reader.js";

export type DmCommand =
	| { name: "HGET"; serverUri: string; clientUri?: string }
	| { name: "HPUT" | "HPOST"; serverUri: string; clientUris: string[] }
	| { name: "DELETE" | "GET" | "UNSUB"; clientUri: string }
	| { name: "EXEC"; clientUri: string; serverUri?: string }
	| { name: "SHOW" | "CONT"; serverUri: string }
	| { name: "END" }
	| { name: "DEFAULT"; serverUri: string; moid: string }
	| { name: "SUB"; serverUri: string; clientUri: string };

export type CommandItem = { index: number; command: DmCommand; error?: undefined } | { index: number; error: DmError; command?: undefined };

export interface Package2Limits extends JsonLimits {
	/** longest argument (a URI) in UTF-16 units (default 2048) */
	maxArgumentLength?: number;
	/** most arguments in one command (default 32: HPUT/HPOST list ClientURIs) */
	maxArguments?: number;
	/** most commands in one package (default 256) */
	maxCommands?: number;
}

/** Builds a typed command from its name and arguments, or the status to answer instead. */
export function toCommand(name: string, args: string[]): DmCommand | DmError {
	const count = (min: number, max: number): DmError | undefined =>
		args.length < min || args.length > max
			? new DmError(400, `${name} takes ${min === max ? min : `${min} to ${max === Infinity ? "any number of" : max}`} argument${max === 1 ? "" : "s"}, not ${args.length}`)
			: undefined;
	switch (name) {
	case "HGET": return count(1, 2) ?? (args.length === 2 ? { name, serverUri: args[0]!, clientUri: args[1]! } : { name, serverUri: args[0]! });
	case "HPUT": case "HPOST": return count(2, Infinity) ?? { name, serverUri: args[0]!, clientUris: args.slice(1) };
	case "DELETE": case "GET": case "UNSUB": return count(1, 1) ?? { name, clientUri: args[0]! };
	case "EXEC": return count(1, 2) ?? (args.length === 2 ? { name, clientUri: args[0]!, serverUri: args[1]! } : { name, clientUri: args[0]! });
	case "SHOW": case "CONT": return count(1, 1) ?? { name, serverUri: args[0]! };
	case "END": return count(0, 0) ?? { name };
	case "DEFAULT": return count(2, 2) ?? { name, serverUri: args[0]!, moid: args[1]! };
	case "SUB": return count(2, 2) ?? { name, serverUri: args[0]!, clientUri: args[1]! };
	default: return new DmError(501, `unknown command ${JSON.stringify(name.slice(0, 32))}`);
	}
}

const enum At { Top = 1, Root, CmdValue, Cmd, Command, Skip, Done }

class Package2Handler implements JsonHandler {
	private at = At.Top;
	private skipDepth = 0;          // nesting inside a skipped value
	private skipReturn = At.Root;
	private name: string | undefined;
	private args: string[] = [];
	private text = "";
	private bad: DmError | undefined;   // the current command's problem, kept until it closes
	private itemError: DmError | undefined;   // an item of CMD that is no array: answered when skipped
	private index = 0;
	sawCmd = false;
	failure: DmError | undefined;

	constructor(private readonly onItem: (item: CommandItem) => void, private readonly limits: Required<Pick<Package2Limits, "maxArgumentLength" | "maxArguments" | "maxCommands">>) {}

	private packageError(message: string): void {
		if (!this.failure) this.failure = new DmError(400, `Package#2: ${message}`);
	}

	private startSkip(back: At): void {
		this.at = At.Skip;
		this.skipDepth = 0;
		this.skipReturn = back;
	}

	private open(): void {
		switch (this.at) {
		case At.Skip: this.skipDepth++; return;
		case At.Top: this.packageError("the package is not a JSON object"); this.startSkip(At.Done); this.skipDepth = 1; return;
		case At.Cmd:
			if (this.index >= this.limits.maxCommands) { this.packageError(`more than ${this.limits.maxCommands} commands`); this.startSkip(At.Done); this.skipDepth = 1; return; }
			this.at = At.Command; this.name = undefined; this.args = []; this.bad = undefined; return;
		case At.Command:
			this.bad ??= new DmError(400, "a command's arguments are strings");
			this.startSkip(At.Command); this.skipDepth = 1; return;
		default: return;
		}
	}

	startObject(): void {
		if (this.at === At.Top) { this.at = At.Root; return; }
		if (this.at === At.CmdValue) { this.packageError("CMD is not an array"); this.startSkip(At.Root); this.skipDepth = 1; return; }
		if (this.at === At.Cmd) {
			// not a command array: answer 400 in its place once it has been skipped
			this.itemError = new DmError(400, "a command is an array");
			this.startSkip(At.Cmd); this.skipDepth = 1; return;
		}
		this.open();
	}

	startArray(): void {
		if (this.at === At.CmdValue) { this.at = At.Cmd; this.sawCmd = true; return; }
		this.open();
	}

	private close(): void {
		switch (this.at) {
		case At.Skip:
			if (--this.skipDepth > 0) return;
			this.at = this.skipReturn;
			if (this.itemError) {
				this.onItem({ index: this.index++, error: this.itemError });
				this.itemError = undefined;
			}
			return;
		case At.Command: this.finishCommand(); return;
		case At.Cmd: this.at = At.Root; return;
		case At.Root: this.at = At.Done; return;
		default: return;
		}
	}

	endObject(): void { this.close(); }
	endArray(): void { this.close(); }

	private finishCommand(): void {
		const index = this.index++;
		this.at = At.Cmd;
		if (this.bad) { this.onItem({ index, error: this.bad }); return; }
		if (this.name === undefined) { this.onItem({ index, error: new DmError(400, "an empty command") }); return; }
		const command = toCommand(this.name, this.args);
		this.onItem(command instanceof DmError ? { index, error: command } : { index, command });
	}

	key(name: string): void {
		if (this.at === At.Root) {
			if (name === "CMD") this.at = At.CmdValue;
			else this.startSkip(At.Root);
		}
	}

	private scalar(): void {
		if (this.at === At.Skip) { if (this.skipDepth === 0) this.at = this.skipReturn; return; }
		if (this.at === At.CmdValue) { this.packageError("CMD is not an array"); this.at = At.Root; return; }
		if (this.at === At.Cmd) {
			const index = this.index++;
			this.onItem({ index, error: new DmError(400, "a command is an array") });
			return;
		}
		if (this.at === At.Command) this.bad ??= new DmError(400, "a command's arguments are strings");
		if (this.at === At.Top) { this.packageError("the package is not a JSON object"); this.at = At.Done; }
	}

	string(chunk: string, final: boolean): void {
		if (this.at !== At.Command) { if (final) this.scalar(); return; }
		if (this.text.length + chunk.length > this.limits.maxArgumentLength) {
			this.bad ??= new DmError(400, `an argument longer than ${this.limits.maxArgumentLength} characters`);
			this.text = "";
		}
		else if (!this.bad) this.text += chunk;
		if (!final) return;
		const text = this.text;
		this.text = "";
		if (this.bad) return;
		if (this.name === undefined) this.name = text;
		else if (this.args.length >= this.limits.maxArguments) this.bad = new DmError(400, `more than ${this.limits.maxArguments} arguments`);
		else this.args.push(text);
	}

	number(): void { this.scalar(); }
	literal(): void { this.scalar(); }
}

export class Package2Reader {
	private readonly handler: Package2Handler;
	private readonly reader: JsonReader;

	constructor(onItem: (item: CommandItem) => void, limits: Package2Limits = {}) {
		this.handler = new Package2Handler(onItem, {
			maxArgumentLength: limits.maxArgumentLength ?? 2048,
			maxArguments: limits.maxArguments ?? 32,
			maxCommands: limits.maxCommands ?? 256,
		});
		this.reader = new JsonReader(this.handler, { stringChunk: 256, maxDepth: 16, ...limits });
	}

	/**
	 * Feed.Done at the end of a good package; a negative result means a package error (toDmError):
	 * a JsonError for malformed JSON, -100 for JSON that is no Package#2 (sticky, like JsonError).
	 */
	feed(chunk: Uint8Array, last = false): Feed | JsonError | -100 {
		if (this.handler.failure) return -100;
		const r = this.reader.feed(chunk, last);
		if (r === Feed.Done && !this.handler.sawCmd) this.handler.failure ??= new DmError(400, "Package#2: no CMD array");
		return this.handler.failure ? -100 : r;
	}

	toDmError(): DmError | undefined {
		return this.reader.toDmError() ?? this.handler.failure;
	}
}
