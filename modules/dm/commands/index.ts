// dm/commands: the twelve DM commands of 5.3, one file each, run against the tree with the access
// of the server whose session it is. Every command is atomic on flash (one change set, or one
// store transaction, or nothing) and answers one status of Appendix C.
import { DmError } from "../error.js";
import type { CommandItem, DmCommand } from "../codec/index.js";
import { cont } from "./cont.js";
import type { CommandContext, CommandResult } from "./context.js";
import { defaultCommand } from "./default.js";
import { del } from "./delete.js";
import { end } from "./end.js";
import { exec } from "./exec.js";
import { get } from "./get.js";
import { hget } from "./hget.js";
import { hpost } from "./hpost.js";
import { hput } from "./hput.js";
import { show } from "./show.js";
import { sub } from "./sub.js";
import { unsub } from "./unsub.js";

export type { CommandContext, CommandHooks, CommandResult, ExecCall, ExecHook, ExecReport, GetData, UiHook } from "./context.js";
export { EXEC_RESULT_FALLBACK, execReportAlert } from "./exec.js";
export { defaultFor, type StoredDefault } from "./default.js";
export { hget, HGET_ACCEPT } from "./hget.js";
export { send } from "./upload.js";
export { DMMO } from "./mime.js";
export { BODY_BUFFER, BodySink, discardBody, jsonBody, mediaType, pullBody } from "./body.js";
export { isEmptySelection, nodeUri, runToEnd, writeDmmo, type Selection } from "./serialize.js";
export { fingerprint, listSubscriptions, saveSubscription, selectFor, type Subscription } from "./subscriptions.js";

/** Commands that may change the tree: a GET before one of them in the same package has its data
    taken first (the session spools it), so that it shows the tree as it was when the GET ran. */
export function changesTree(command: DmCommand): boolean {
	return command.name === "HGET" || command.name === "DELETE" || command.name === "EXEC";
}

function dispatch(ctx: CommandContext, index: number, c: DmCommand): CommandResult | Promise<CommandResult> {
	switch (c.name) {
	case "HGET": return hget(ctx, c.serverUri, c.clientUri);
	case "HPUT": return hput(ctx, c.serverUri, c.clientUris);
	case "HPOST": return hpost(ctx, c.serverUri, c.clientUris);
	case "DELETE": return del(ctx, c.clientUri);
	case "EXEC": return exec(ctx, c.clientUri, c.serverUri);
	case "GET": return get(ctx, index, c.clientUri);
	case "SHOW": return show(ctx, c.serverUri);
	case "CONT": return cont(ctx, c.serverUri);
	case "END": return end();
	case "DEFAULT": return defaultCommand(ctx, c.serverUri, c.moid);
	case "SUB": return sub(ctx, c.serverUri, c.clientUri);
	case "UNSUB": return unsub(ctx, c.clientUri);
	}
}

/** Runs one command of a Package#2; never throws: a failure is its status. `fault` hears of
    failures that are not a DmError (a bug, or the host), answered 500. The reference path of
    runCommandNow. */
export async function runCommand(ctx: CommandContext, item: CommandItem, fault?: (e: unknown) => void): Promise<CommandResult> {
	if (item.error) return { status: item.error.status };
	try {
		return await dispatch(ctx, item.index, item.command);
	} catch (e) {
		return failed(e, fault);
	}
}

function failed(e: unknown, fault: ((e: unknown) => void) | undefined): CommandResult {
	if (e instanceof DmError) return { status: e.status };
	fault?.(e);
	return { status: 500 };
}

/** runCommand, with the result itself where the command finished at once (GET, END, SHOW...):
    on XS every await copies the awaiting function's whole frame to the heap and back, and the
    session's loop has a large one, so it awaits only the commands that wait on I/O. */
export function runCommandNow(ctx: CommandContext, item: CommandItem, fault?: (e: unknown) => void): CommandResult | Promise<CommandResult> {
	if (item.error) return { status: item.error.status };
	let r: CommandResult | Promise<CommandResult>;
	try {
		r = dispatch(ctx, item.index, item.command);
	} catch (e) {
		return failed(e, fault);
	}
	return r instanceof Promise ? r.then(undefined, (e: unknown) => failed(e, fault)) : r;
}
export { DmmoApplier } from "./apply.js";
