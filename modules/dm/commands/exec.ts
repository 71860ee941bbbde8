// EXEC (5.3.5, 5.4.1): the host runs the node. Without a ServerURI the client reports the final
// status synchronously; with one it answers 202 now and reports the final status later in a
// Generic Alert whose SourceURI is the executed node. An MO that defines its own report gives its
// AlertType and Data through the hook; otherwise the report is EXEC_REPORT_ALERT with
// {"sc": status, "ServerURI": ...} (the spec leaves this open: see the project's interpretations).
import { DmError, type DmStatus } from "../error.js";
import type { GenericAlert } from "../codec/package3.js";
import { Right } from "../tree/index.js";
import { parseClientUri, type NodeRef } from "../uri/index.js";
import type { CommandContext, CommandResult, ExecReport } from "./context.js";
import { nodeUri } from "./serialize.js";
import { serverUrl } from "./target.js";

export const EXEC_REPORT_ALERT = "urn:oma:at:dm:2.0:ExecReport";

function statusOf(e: unknown): DmStatus {
	return e instanceof DmError ? e.status : 500;
}

export function execReportAlert(ref: NodeRef, serverUri: string, report: ExecReport): GenericAlert {
	const own = report.alert;
	if (own) return { ...own, SourceURI: nodeUri(ref) };
	return { AlertType: EXEC_REPORT_ALERT, SourceURI: nodeUri(ref), DataType: "application/json", Data: { sc: report.status, ServerURI: serverUri } };
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
			return { status: (await hook(ref, clientUri)).status };
		} catch (e) {
			return { status: statusOf(e) };
		}
	}
	serverUrl(ctx, serverUri);   // refused before anything runs
	const settle = (report: ExecReport): void => ctx.report(execReportAlert(ref, serverUri, report));
	let running: Promise<ExecReport> | ExecReport;
	try {
		running = hook(ref, clientUri);
	} catch (e) {
		running = { status: statusOf(e) };
	}
	Promise.resolve(running).then(settle, (e: unknown) => settle({ status: statusOf(e) }));
	return { status: 202 };
}
