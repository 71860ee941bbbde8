// HPOST (5.3.3): as HPUT, by HTTP POST (upload.ts).
import type { CommandContext, CommandResult } from "./context.js";
import { upload } from "./upload.js";

export function hpost(ctx: CommandContext, serverUri: string, clientUris: readonly string[]): Promise<CommandResult> {
	return upload(ctx, "POST", serverUri, clientUris);
}
