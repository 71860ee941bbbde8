// SHOW (5.3.7): hands the ServerURI to the host's browser component and goes on without waiting
// for the user. 501 on a device without a UI; 500 when the browser could not be started.
import { DmError } from "../error.js";
import type { CommandContext, CommandResult } from "./context.js";
import { serverUrl } from "./target.js";

export async function show(ctx: CommandContext, serverUri: string): Promise<CommandResult> {
	const ui = ctx.hooks.ui;
	if (!ui) throw new DmError(501, "this device has no user interface for SHOW");
	const url = serverUrl(ctx, serverUri);
	let started: boolean;
	try {
		started = await ui.show(url);
	} catch {
		started = false;
	}
	return { status: started ? 200 : 500 };
}
