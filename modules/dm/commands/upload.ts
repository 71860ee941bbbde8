// HPUT and HPOST (5.3.2, 5.3.3), and a SUB's change report: the selected sub-trees sent to the data
// repository, streamed from the store into the request body. Per Appendix C: 404 only when no
// ClientURI selected anything, 304 when every one carried a cv= that still holds, 403 if the server
// may not read one of them (nothing is sent), 406 when the server's OMADM-Accept admits nothing we
// can write, 419 when the request fails. A 415 answer is retried once in another media type the
// server's OMADM-Accept names (5.3.11, 5.5); none left is 406.
import { DmError } from "../error.js";
import { notModified, Right } from "../tree/index.js";
import { parseClientUri } from "../uri/index.js";
import { TransportError, type HttpClient, type HttpMethod, type HttpRequest } from "../../http/index.js";
import type { Tree } from "../tree/index.js";
import { BodySink, discardBody, jsonBody } from "./body.js";
import type { CommandContext, CommandResult } from "./context.js";
import { DMMO, choose, offers } from "./mime.js";
import { writeDmmo, writeRaw, type Selection } from "./serialize.js";
import { serverUrl } from "./target.js";

/** The nodes of each ClientURI the server may read (403 thrown), with counts of those skipped. */
export function selectForRead(ctx: CommandContext, clientUris: readonly string[]): { selections: Selection[]; notFound: number; notModified: number } {
	const selections: Selection[] = [];
	let notFound = 0, unchanged = 0;
	for (const text of clientUris) {
		const uri = parseClientUri(text);
		let refs;
		try {
			refs = ctx.access.resolve(uri, Right.Read, uri.level);
		} catch (e) {
			if (e instanceof DmError && e.status === 404) { notFound++; continue; }
			throw e;
		}
		if (notModified(ctx.tree, uri, refs)) { unchanged++; continue; }
		selections.push({ refs, level: uri.level });
	}
	return { selections, notFound, notModified: unchanged };
}

function request(tree: Tree, method: HttpMethod, url: string, selections: readonly Selection[], mime: string): HttpRequest {
	const headers = [["Content-Type", mime]] as const;
	if (mime === DMMO) return { method, url, headers: [...headers], body: jsonBody((w) => writeDmmo(tree, selections, w)) };
	const ref = selections[0]!.refs[0]!;
	return {
		method, url, headers: [...headers],
		bodyLength: tree.size(ref) ?? 0,
		body: (out) => { const s = new BodySink(out); return s.run(writeRaw(tree, ref, s.sink)); },
	};
}

/** Sends selections to a URL; the status of Appendix C for the command. */
export async function send(http: HttpClient, tree: Tree, method: HttpMethod, url: string, selections: readonly Selection[], omadmAccept: string | undefined): Promise<CommandResult> {
	const available = offers(tree, selections.flatMap((s) => s.refs));
	let mime = choose(omadmAccept, available);
	if (mime === undefined) return { status: 406 };
	for (let attempt = 0; ; attempt++) {
		let status: number, accept: string | undefined;
		try {
			const res = await http.request(request(tree, method, url, selections, mime));
			status = res.status;
			accept = res.header("OMADM-Accept");
			await discardBody(res);
		} catch (e) {
			if (e instanceof TransportError) return { status: 419 };
			throw e;
		}
		if (status >= 200 && status < 300) return { status: 200 };
		if (status !== 415 || attempt > 0) return { status: 419 };
		const tried = mime;
		mime = choose(accept, available.filter((t) => t !== tried));
		if (mime === undefined) return { status: 406 };
	}
}

/** Not async (it awaits nothing of its own, and an async function's frame is copied to the heap
    on XS): a refusal is the Promise's rejection all the same. */
export function upload(ctx: CommandContext, method: "PUT" | "POST", serverUri: string, clientUris: readonly string[]): Promise<CommandResult> {
	try {
		const url = serverUrl(ctx, serverUri, 419);
		const { selections, notModified: unchanged } = selectForRead(ctx, clientUris);
		if (!selections.length) {
			if (unchanged) return Promise.resolve({ status: 304 });
			throw new DmError(404, "none of the ClientURIs selects a node");
		}
		return send(ctx.http, ctx.tree, method, url, selections, ctx.omadmAccept);
	} catch (e) {
		return Promise.reject(e);
	}
}
