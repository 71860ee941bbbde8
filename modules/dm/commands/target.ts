// ServerURIs of commands (6.2): parameters substituted, then checked to be a URL this device may
// use. HGET/HPUT/HPOST answer a bad one with 419 (Appendix C); the other commands have no such
// status, so for them it is 400, the command's parameter being malformed.
import { DmError, type DmStatus } from "../error.js";
import { substituteServerUri } from "../uri/index.js";
import type { CommandContext } from "./context.js";
import { isHttps } from "../../http/index.js";


export function serverUrl(ctx: CommandContext, serverUri: string, status: DmStatus = 400): string {
	let url: string;
	try {
		url = substituteServerUri(serverUri, ctx.device);
	} catch (e) {
		if (e instanceof DmError) throw new DmError(status, e.message);
		throw e;
	}
	if (!ctx.development && !isHttps(url)) throw new DmError(status, "a ServerURI must be https: (plain http only in development mode)");
	return url;
}
