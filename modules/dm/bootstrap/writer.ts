// Applying a dmmo+json bootstrap document (8.5: HGET semantics, no ClientURI) as the device, in one
// change set: what the factory (8.2), the smartcard (8.1) and a bootstrap server (8.3, 8.4) give
// all pass through here, so each is atomic on flash and refused whole with its DM status.
import { DmmoReader } from "../codec/index.js";
import { DmmoApplier } from "../commands/index.js";
import type { CommandContext } from "../commands/index.js";
import { DmError } from "../error.js";
import { grantBootstrapRights } from "../tree/index.js";
import { parseClientUri, MOIDS } from "../uri/index.js";
import { markOwed } from "./owed.js";

/** A document applied as it arrives: write() each chunk, end() commits and returns where each
    item went, abort() drops everything. */
export interface BootstrapWriter {
	write(chunk: Uint8Array): void;
	end(): string[];
	abort(): void;
}

/** What a bootstrap source (the card) needs of the device: a writer, and the store for its own record. */
export interface BootstrapTarget {
	readonly store: CommandContext["store"];
	bootstrapWriter(replace?: readonly { moid: string; miid: string }[], o?: { owe?: boolean }): BootstrapWriter;
}

/** The MIIDs of the DM accounts among the places a bootstrap's items went (bootstrapWriter's
    result), each once, in order. */
export function placedAccounts(placed: readonly string[]): string[] {
	const accounts: string[] = [];
	for (const uri of placed) {
		const u = parseClientUri(uri);
		if (u.moid === MOIDS.dmAcc && u.instance.kind === "miid" && !accounts.includes(u.instance.miid)) accounts.push(u.instance.miid);
	}
	return accounts;
}

/** A bootstrap applied as it arrives, as the device (`ctx.access`) and in one change set that end()
    commits: first the `replace` instances are deleted (the accounts an earlier bootstrap from the
    same source gave), then the document is applied. Nothing is written if the document is
    refused. Unless `owe` is false, each account it gives is owed a BootstrapComplete session (8),
    recorded in the same commit (owed.ts). */
export function bootstrapWriter(ctx: CommandContext, replace: readonly { moid: string; miid: string }[] = [], o: { owe?: boolean } = {}): BootstrapWriter {
	const cs = ctx.tree.change(ctx.access.guard());
	let reader: DmmoReader;
	let applier: DmmoApplier;
	try {
		for (const r of replace) if (cs.has({ ...r, path: [] })) cs.delete({ ...r, path: [] });
		applier = new DmmoApplier(ctx, cs, undefined);
		reader = new DmmoReader(applier);
	} catch (e) {
		cs.abort();
		throw e;
	}
	const refused = (): DmError => reader.toDmError() ?? new DmError(400, "the bootstrap is not dmmo+json");
	return {
		write: (chunk) => {
			try {
				if (reader.feed(chunk) < 0) throw refused();
			} catch (e) {
				cs.abort();
				throw e;
			}
		},
		end: () => {
			try {
				if (reader.feed(new Uint8Array(0), true) < 0) throw refused();
				const given = placedAccounts(applier.placed);
				// each server the bootstrap gave starts with its default rights, as DACMO entries (interpretation 16)
				for (const miid of given) grantBootstrapRights(cs, ctx.tree.moids(), miid);
				if (o.owe ?? true) {
					for (const r of replace) if (r.moid === MOIDS.dmAcc && !given.includes(r.miid)) markOwed(cs, r.miid, false);
					for (const miid of given) markOwed(cs, miid, true);
				}
				cs.commit();
				return applier.placed;
			} finally {
				cs.abort();
			}
		},
		abort: () => cs.abort(),
	};
}

/** A whole document applied as the device in one commit (a factory bootstrap, 8.2). Section 8's
    rule covers it as it covers the other three methods: each account it gives is owed a
    BootstrapComplete session (docs/design/bootstrap-complete.md). */
export function applyBootstrap(ctx: CommandContext, chunks: Iterable<Uint8Array>): string[] {
	const writer = bootstrapWriter(ctx, []);
	try {
		for (const c of chunks) writer.write(c);
	} catch (e) {
		writer.abort();
		throw e;
	}
	return writer.end();
}
