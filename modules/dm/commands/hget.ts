// HGET (5.3.1): an HTTP GET from the data repository, its body applied to the tree as it arrives,
// in one change set (all of it, or nothing). The body is application/dmmo+json, or, when the
// ClientURI names one leaf, the leaf's value itself in any text/* type, application/octet-stream
// or the leaf's own MIME (I.2 updates a secret from text/plain). Statuses (Appendix C): 419 when
// the GET fails and no data came, 415 for data that is not recognised or does not fit the MO, 506
// when flash is full, 403/404/405 from the tree; 200 with the ClientURIs of where the data went
// when the server left the place to the client.
import { DmError } from "../error.js";
import { DmmoReader } from "../codec/index.js";
import { encodeUtf8 } from "../../bytes/index.js";
import { TransportError, type HttpResponse } from "../../http/index.js";
import { isLeaf, type ChangeSet, type SchemaNode } from "../tree/index.js";
import { parseClientUri, type NodeRef } from "../uri/index.js";
import { DmmoApplier, smallText } from "./apply.js";
import { discardBody, mediaType, pullBody } from "./body.js";
import type { CommandContext, CommandResult } from "./context.js";
import { writeTarget } from "./locate.js";
import { DMMO } from "./mime.js";
import { serverUrl } from "./target.js";

/** The formats of a leaf value that is small by nature, read whole (at most this many bytes). */
const SMALL_FORMAT_MAX = 64;

/** What HGET asks the repository for (5.3.1 step 1). */
export const HGET_ACCEPT = `${DMMO}, text/plain;q=0.5, application/octet-stream;q=0.5`;

function isLeafType(type: string, def: SchemaNode): boolean {
	return type.startsWith("text/") || type === "application/octet-stream" || (def.mime !== undefined && type === def.mime.toLowerCase());
}

async function applyDmmo(ctx: CommandContext, cs: ChangeSet, res: HttpResponse, target: NodeRef | undefined): Promise<string[]> {
	const applier = new DmmoApplier(ctx, cs, target);
	const reader = new DmmoReader(applier, { stringChunk: 256 });
	let result = 0;
	await pullBody(res, (chunk) => { if (result >= 0) result = reader.feed(chunk); });
	if (result >= 0) result = reader.feed(new Uint8Array(0), true);
	if (result < 0) throw new DmError(415, `the retrieved data is not dmmo+json: ${reader.toDmError()?.message ?? "malformed"}`);
	if (!applier.placed.length) throw new DmError(415, "the retrieved data holds no MO data");
	return applier.placed;
}

async function applyLeaf(cs: ChangeSet, res: HttpResponse, ref: NodeRef, def: SchemaNode): Promise<void> {
	if (def.format === "chr" || def.format === "xml" || def.format === "b64" || def.format === "bin") {
		const stream = cs.putStream(ref);
		await pullBody(res, (chunk) => stream.write(chunk));
		stream.end();
		return;
	}
	const bytes = new Uint8Array(SMALL_FORMAT_MAX);
	let length = 0;
	await pullBody(res, (chunk) => {
		if (length + chunk.length > SMALL_FORMAT_MAX) throw new DmError(415, `a ${def.format} value is at most ${SMALL_FORMAT_MAX} bytes`);
		bytes.set(chunk, length);
		length += chunk.length;
	});
	cs.put(ref, encodeUtf8(smallText(bytes.subarray(0, length))));
}

export async function hget(ctx: CommandContext, serverUri: string, clientUri?: string): Promise<CommandResult> {
	const url = serverUrl(ctx, serverUri, 419);
	// where the data goes is settled before any traffic: a refused command costs no request
	const target = clientUri === undefined ? undefined : writeTarget(ctx, parseClientUri(clientUri)).ref;
	let res: HttpResponse;
	try {
		res = await ctx.http.request({ method: "GET", url, headers: [["Accept", HGET_ACCEPT]] });
	} catch (e) {
		if (e instanceof TransportError) return { status: 419 };
		throw e;
	}
	if (res.status !== 200) {
		await discardBody(res).catch(() => undefined);
		return { status: 419 };
	}
	const type = mediaType(res.header("Content-Type"));
	const cs = ctx.tree.change(ctx.access.guard());
	try {
		let placed: string[];
		if (type === DMMO) placed = await applyDmmo(ctx, cs, res, target);
		else {
			const def = target && ctx.tree.definition(target.moid, target.path);
			if (!target || !def || !isLeaf(def) || !isLeafType(type, def)) throw new DmError(415, `the retrieved ${type || "untyped"} data is not something this device reads here`);
			await applyLeaf(cs, res, target, def);
			placed = [];
		}
		cs.commit();
		return clientUri === undefined ? { status: 200, uris: placed } : { status: 200 };
	} catch (e) {
		cs.abort();
		if (e instanceof TransportError) return { status: 419 };
		await discardBody(res).catch(() => undefined);
		throw e;
	}
}
