// HPUT (5.3.2): the selected sub-trees to the data repository by HTTP PUT (upload.ts).
import type { CommandContext, CommandResult } from "./context.js";
import { upload } from "./upload.js";

export function hput(ctx: CommandContext, serverUri: string, clientUris: readonly string[]): Promise<CommandResult> {
	return upload(ctx, "PUT", serverUri, clientUris);
}
