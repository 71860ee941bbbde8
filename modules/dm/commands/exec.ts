// EXEC (5.3.5, 5.4.1): the host runs the node. Without a ServerURI the client reports the final
// status synchronously; with one it answers 202 now and reports the final status later in a
// Generic Alert whose SourceURI is the executed node, sent "to the ServerURI in a new DM Session"
// (5.3.5): queued for the EXEC's server at that URL (interpretation 18). An MO that defines its own
// report (FUMO's result alerts) gives its AlertType and Data through the hook; otherwise the
// AlertType is the device maker's (CommandHooks.execAlertType, `x-<vendor>:exec-result`) with
// {"sc": status}. The spec defines no AlertType of its own for this, and none is made up in its
// urn:oma namespace.
import { DmError, type DmStatus } from "../error.js";
import type { GenericAlert } from "../codec/index.js";
import { Right } from "../tree/index.js";
import { parseClientUri, type NodeRef } from "../uri/index.js";
import type { CommandContext, CommandResult, ExecReport } from "./context.js";
import { nodeUri } from "./serialize.js";
import { serverUrl } from "./target.js";

/** The AlertType when neither the MO nor the device maker names one: vendor-specific by its "x-"
    form, and saying plainly that the host should give its own. */
export const EXEC_RESULT_FALLBACK = "x-unnamed-vendor:exec-result";

function statusOf(e: unknown): DmStatus {
	return e instanceof DmError ? e.status : 500;
}

export function execReportAlert(ref: NodeRef, report: ExecReport, alertType = EXEC_RESULT_FALLBACK): GenericAlert {
	const own = report.alert;
	if (own) return { ...own, SourceURI: nodeUri(ref) };
	return { AlertType: alertType, SourceURI: nodeUri(ref), DataType: "application/json", Data: { sc: report.status } };
}

export async function exec(ctx: CommandContext, clientUri: string, serverUri?: string): Promise<CommandResult> {
	const uri = parseClientUri(clientUri);
	const refs = ctx.access.resolve(uri, Right.Exec);
	if (refs.length !== 1) throw new DmError(400, `${clientUri}: EXEC runs one node, this selects ${refs.length}`);
	const ref = refs[0]!;
	const hook = ctx.hooks.exec;
	if (!hook) throw new DmError(501, "this device executes no nodes");
	if (serverUri === undefined) {
		try {
			const report = await hook(ref, clientUri, { srvId: ctx.srvId });
			return { status: report.later ? 202 : report.status };
		} catch (e) {
			return { status: statusOf(e) };
		}
	}
	const url = serverUrl(ctx, serverUri);   // refused before anything runs
	const to = { srvId: ctx.srvId, url };
	const settle = (report: ExecReport): void => ctx.report(execReportAlert(ref, report, ctx.hooks.execAlertType), to);
	let running: Promise<ExecReport> | ExecReport;
	try {
		running = hook(ref, clientUri, to);
	} catch (e) {
		// refused before it started (the MO's own rule): the EXEC's status says so, nothing is reported later
		if (e instanceof DmError) return { status: e.status };
		running = { status: statusOf(e) };
	}
	if (!(running instanceof Promise) && running.later) return { status: 202 };
	Promise.resolve(running).then(settle, (e: unknown) => settle({ status: statusOf(e) }));
	return { status: 202 };
}
