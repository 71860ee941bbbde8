// DEFAULT (5.3.10): one ServerURI per supported MOID, kept on flash under "d" + MOID (the tree
// uses "t…", alerts "q…"), replaced by the next DEFAULT for the same MOID, with the SrvID of the
// server that sent it: the device performs "the operations specified for HGET" for that server
// (its credentials by the origin rule, its rights on what is created) when an application asks
// for an MO the tree has no instance of (defaultFor()). The value is the ServerURI, then "\n" and
// the SrvID (a URI has no line feed); a value without one (earlier firmware) names no server.
import { DmError } from "../error.js";
import { decodeUtf8, encodeUtf8, pattern } from "../../bytes/index.js";
import { DEFAULT_PREFIX, type Store } from "../store/index.js";
import { normativeMoid } from "../uri/index.js";
import type { CommandContext, CommandResult } from "./context.js";
import { serverUrl } from "./target.js";

const MOID_TEXT = pattern(/^[A-Za-z0-9\-._~:%]+$/);

const PREFIX = DEFAULT_PREFIX;
/** store keys are at most 255 bytes */
const MOID_MAX = 200;

function keyOf(moid: string): string {
	return PREFIX + moid;
}

export function defaultCommand(ctx: CommandContext, serverUri: string, moidText: string): CommandResult {
	const moid = normativeMoid(moidText);
	if (!moid || encodeUtf8(moid).length > MOID_MAX || !MOID_TEXT.test(moid)) throw new DmError(400, "DEFAULT needs an MOID");
	if (!ctx.tree.registration(moid)) throw new DmError(404, `${moid}: this device does not support the MO`);
	if (!ctx.access.provisioned(moid)) throw new DmError(403, `the server may not manage ${moid}`);
	if (serverUri.includes("\n")) throw new DmError(400, "a ServerURI has no line feed");
	serverUrl(ctx, serverUri);   // must be usable later; substituted again when used
	ctx.store.transact((t) => t.put(keyOf(moid), encodeUtf8(`${serverUri}\n${ctx.srvId}`)));
	return { status: 200 };
}

/** What DEFAULT stored for an MOID: the ServerURI (unsubstituted) and the server that sent it. */
export interface StoredDefault { readonly serverUri: string; readonly srvId: string | undefined }

/** The DEFAULT stored for an MOID, if any. */
export function defaultFor(store: Store, moid: string): StoredDefault | undefined {
	const bytes = store.get(keyOf(normativeMoid(moid)));
	if (!bytes) return undefined;
	const text = decodeUtf8(bytes) ?? "";
	const cut = text.indexOf("\n");
	return cut < 0 ? { serverUri: text, srvId: undefined } : { serverUri: text.slice(0, cut), srvId: text.slice(cut + 1) };
}
