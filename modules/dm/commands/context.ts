// What a DM command runs with, and what it answers. Commands take all IO from here (the tree, the
// store, the HTTP client, the host's hooks), never from a global, so that one set of command
// files serves the session, the tests and the device's own local requests (DEFAULT).
import type { DmStatus } from "../error.js";
import type { GenericAlert } from "../codec/index.js";
import type { HttpClient } from "../../http/index.js";
import type { Store } from "../store/index.js";
import type { AccessControl, Tree } from "../tree/index.js";
import type { DeviceInfoProvider, NodeRef } from "../uri/index.js";
import type { Selection } from "./serialize.js";

/** What the host does when a server executes a node (EXEC, 5.3.5). */
export interface ExecHook {
	/** Runs the node at `target` (named by the server as `clientUri`). The final status is the
	    one of Appendix C to report; `alert` adds MO-specific fields to an asynchronous report. */
	(target: NodeRef, clientUri: string, call: ExecCall): Promise<ExecReport> | ExecReport;
}

/** Who executes, and where the asynchronous report goes. */
export interface ExecCall {
	/** the SrvID of the server whose session runs the EXEC */
	readonly srvId: string;
	/** the EXEC's ServerURI, resolved (6.2); absent: the server did not ask for a report there */
	readonly url?: string;
}

export interface ExecReport {
	status: DmStatus;
	/** for asynchronous reporting (5.4.1): the MO's own AlertType and Data, if it defines them */
	alert?: Omit<GenericAlert, "SourceURI">;
	/** 202 now, and the MO queues its final report itself, on flash (FUMO's report must survive a
	    restart into new firmware, which no promise in RAM does): nothing is queued for it here */
	later?: true;
}

/** The web browser component of 5.1.5 / 5.3.7: starts a UI session on a ServerURI. */
export interface UiHook {
	/** true when the browser component started (the user's answer is not awaited) */
	show(serverUri: string): Promise<boolean> | boolean;
}

export interface CommandHooks {
	exec?: ExecHook;
	/** the AlertType of an asynchronous EXEC report for an MO that defines none of its own: the
	    device maker's `x-<vendor>:exec-result` (interpretation 18) */
	execAlertType?: string;
	ui?: UiHook;
}

export interface CommandContext {
	readonly tree: Tree;
	readonly store: Store;
	/** the rights of the server whose session this is */
	readonly access: AccessControl;
	/** its SrvID (subscriptions remember who asked) */
	readonly srvId: string;
	readonly http: HttpClient;
	readonly device: DeviceInfoProvider;
	/** queues a Generic Alert for a server, at the URL a command named (asynchronous EXEC reports
	    go to the EXEC's ServerURI, 5.3.5); the caller puts it on flash once no change set holds the store */
	readonly report: (alert: GenericAlert, to: { readonly srvId: string; readonly url?: string }) => void;
	readonly hooks: CommandHooks;
	/** the server's OMADM-Accept (5.5) from its last Package#2, if it sent one */
	readonly omadmAccept?: string | undefined;
	/** plain http: ServerURIs allowed (development only, interpretation 12) */
	readonly development?: boolean;
	/** larger leaf values than this are streamed, never held (bytes; default 256) */
	readonly smallValue?: number;
}

/** A GET answered 200: its data goes into the multipart body after the Package#3 (Appendix F). */
export interface GetData {
	/** index of the GET in the Package#2's CMD array: the part's name (interpretation 6) */
	readonly index: number;
	readonly selection: Selection;
}

export interface CommandResult {
	status: DmStatus;
	/** ClientURIs returned with the status (HGET: where the data went) */
	uris?: string[];
	get?: GetData;
	/** CONT: where the rest of the session goes */
	continueAt?: string;
	/** END: answer nothing */
	end?: boolean;
}
