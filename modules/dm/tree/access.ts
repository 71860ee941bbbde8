// Access control (10, 12.3, 6.3.1.1) for one command of one Management Authority (MA).
//
// A server may touch an MO only if its DMAcc account lists the MOID (or "*") under Perm/<x>/MOID.
// Within an instance its rights come from the DACMO instance named by the MOID: under <MIID>, the
// <x> entry whose Path is the longest prefix of the node's path wins (13.2: a sub-tree overrides
// the instance), and the rights are the OR of the AR values of that entry's Permissions whose MAID
// is "*", "serverid:<SrvID>" or "appid:<id>". AR bits: Read 1 (GET/HPUT/HPOST), Write 2 (HGET,
// DELETE), Execute 4 (EXEC), Delegate 8 (HGET on DACMO entries for that sub-tree).
//
// Decisions where the spec is silent, kept in one place:
// - An instance the MA has no rights on at all is not exposed: wildcards, x-names and the empty
//   mo-inst skip it; naming its MIID is 403, as is touching an MO whose MOID is not provisioned.
// - Missing AR on any node a command touches is 403 for the whole command; a command the DDF's
//   access types do not allow is 405 (6.3.1.2, Appendix C), a node without Get is absent (404).
// - A node created with its parent in the same change set needs no Add access of its own: the
//   parent's Add covers its sub-tree (that is how permanent children come into being, 6.3.1.2).
// - The creator of an instance gets an entry MAID=its id, AR=15 (10: exclusive full permissions).
// - Perm and Auth/Bootstrap of DMAcc are written by bootstraps only (9.3.2, 10): 403 for a server.
// - Rights on DACMO nodes follow from the target: Read with Read or Delegate there, Write with
//   Delegate; a MAID delegated to a server whose Perm lacks the MOID is refused (12.3) with 403.
import { DmError } from "../error.js";
import { MOIDS, resolveClientUri, type ClientUri, type NodeRef, type UriTarget } from "../uri/index.js";
import { accountOf } from "./account.js";
import { Access as Ddf, isLeaf, type SchemaNode } from "./schema.js";
import type { ChangeSet, WriteGuard, WriteOp } from "./change-set.js";
import type { Tree } from "./tree.js";


export type Principal =
	| { readonly kind: "device" }
	| { readonly kind: "server"; readonly srvId: string }
	| { readonly kind: "app"; readonly appId: string };

export const DEVICE: Principal = Object.freeze({ kind: "device" });

export const Right = Object.freeze({ Read: 1, Write: 2, Exec: 4, Delegate: 8, All: 15 });

interface Entry { path: string[]; rights: number }

function maidOf(p: Principal): string | undefined {
	return p.kind === "server" ? `serverid:${p.srvId}` : p.kind === "app" ? `appid:${p.appId}` : undefined;
}

function parsePath(text: string | undefined): string[] {
	if (!text || text === "/") return [];
	const from = text.startsWith("/") ? 1 : 0, to = text.length > from && text.endsWith("/") ? text.length - 1 : text.length;
	return text.slice(from, to).split("/");
}

function covers(entry: readonly string[], path: readonly string[]): boolean {
	if (entry.length > path.length) return false;
	for (let i = 0; i < entry.length; i++) if (entry[i] !== "*" && entry[i] !== path[i]) return false;
	return true;
}

/** DMAcc nodes that only a bootstrap writes, never a server in a management session: Perm, which
    bounds what each server may manage (10), and Auth/Bootstrap, which "cannot be changed by any
    other DM Server not acting as the bootstrap server" (9.3.2). (No server adds an account at all:
    the DMAcc root has no Add.) A server may still delete an account it has rights on. */
function bootstrapOnly(path: readonly string[]): boolean {
	return path[0] === "Perm" || (path[0] === "Auth" && path[1] === "Bootstrap");
}


export class AccessControl {
	private readonly entries = new Map<string, Entry[]>();
	private provisionedMoids: Set<string> | undefined;
	private internal = false;
	private readonly delegations: NodeRef[] = [];
	/** instances this MA created in a change set not yet committed: it owns them already (10) */
	private readonly fresh = new Set<string>();

	constructor(private readonly tree: Tree, readonly principal: Principal) {}

	/** Whether the MA may manage MOs of this MOID at all (DMAcc Perm, 10). */
	provisioned(moid: string): boolean {
		if (this.principal.kind !== "server") return true;
		if (!this.provisionedMoids) {
			this.provisionedMoids = new Set();
			const account = accountOf(this.tree, this.principal.srvId);
			if (account !== undefined) {
				for (const x of this.tree.childNames({ moid: MOIDS.dmAcc, miid: account, path: ["Perm"] }) ?? []) {
					const moid = this.tree.text({ moid: MOIDS.dmAcc, miid: account, path: ["Perm", x, "MOID"] });
					if (moid !== undefined) this.provisionedMoids.add(moid);
				}
			}
		}
		return this.provisionedMoids.has("*") || this.provisionedMoids.has(moid);
	}

	/** The AR bits the MA has on a node. */
	rights(ref: NodeRef): number {
		if (this.principal.kind === "device") return Right.All;
		if (ref.moid === MOIDS.dacmo) {
			if (ref.path.length === 0) return this.provisioned(ref.miid) ? Right.Read : 0;
			const target = this.rights({ moid: ref.miid, miid: ref.path[0]!, path: this.dacmoTargetPath(ref) });
			return ((target & (Right.Read | Right.Delegate)) ? Right.Read : 0) | ((target & Right.Delegate) ? Right.Write : 0);
		}
		if (!this.provisioned(ref.moid)) return 0;
		if (this.fresh.has(`${ref.moid}\u0000${ref.miid}`)) return Right.All;
		let best = -1, rights = 0;
		const entries = this.entriesOf(ref.moid, ref.miid);
		for (let i = 0; i < entries.length; i++) {
			const e = entries[i]!;
			if (!covers(e.path, ref.path)) continue;
			if (e.path.length > best) { best = e.path.length; rights = 0; }
			if (e.path.length === best) rights |= e.rights;
		}
		return rights;
	}

	/** Whether a node below `ref` may have other rights than `ref` itself: an ACL entry whose Path
	    names a node deeper down this branch (rights() takes the deepest entry that covers a node).
	    DACMO nodes take their rights from the node each entry controls, so any may differ. */
	private ruledBelow(ref: NodeRef): boolean {
		if (this.principal.kind === "device" || this.fresh.has(`${ref.moid}\u0000${ref.miid}`)) return false;
		if (ref.moid === MOIDS.dacmo) return true;
		const entries = this.entriesOf(ref.moid, ref.miid), path = ref.path;
		for (let i = 0; i < entries.length; i++) {
			const e = entries[i]!.path;
			if (e.length > path.length && covers(e.slice(0, path.length), path)) return true;
		}
		return false;
	}

	/** Whether the instance is exposed to the MA: it has some rights somewhere in it. */
	exposed(moid: string, miid: string): boolean {
		if (this.principal.kind === "device") return true;
		if (moid === MOIDS.dacmo) return this.provisioned(miid) && this.tree.instances(miid).some((m) => this.exposed(miid, m));
		return this.provisioned(moid) && this.entriesOf(moid, miid).some((e) => e.rights !== 0);
	}

	/** What the MA may see of the tree, for resolveClientUri; a write may name (not list) hidden nodes. */
	view(forWrite = false): UriTarget {
		const t = this.tree;
		return {
			instances: (moid) => t.instances(moid).filter((m) => this.exposed(moid, m)),
			children: (moid, miid, path) => t.children(moid, miid, path),
			value: (moid, miid, path) => t.value(moid, miid, path),
			child: (moid, miid, path, name) => t.lookup(moid, miid, path, name, forWrite),
		};
	}

	/** Resolves a ClientURI for a command needing `need` (a Right): 404 if it selects nothing the
	    MA may see, 403 if the MA lacks the right on any node the command touches (for Read, every
	    node of the selected sub-trees down to `levels`), 405 for EXEC on a node without Exec. */
	resolve(uri: ClientUri, need: number, levels = Number.MAX_SAFE_INTEGER): NodeRef[] {
		if (!this.tree.registration(uri.moid)) throw new DmError(404, `${uri.text}: no such MO on this device`);
		if (uri.moid !== MOIDS.dacmo && !this.provisioned(uri.moid)) throw new DmError(403, `${uri.text}: the server may not manage ${uri.moid}`);
		if (uri.instance.kind === "miid" && this.tree.has({ moid: uri.moid, miid: uri.instance.miid, path: [] }) && !this.exposed(uri.moid, uri.instance.miid)) {
			throw new DmError(403, `${uri.text}: no rights on this MO instance`);
		}
		const refs = resolveClientUri(uri, this.view(need !== Right.Read));
		for (const ref of refs) {
			if (need === Right.Read) {
				// every node of the sub-tree needs Read; below a node that no deeper ACL entry can
				// rule, each has the node's own rights, so the walk goes no further there: a GET of
				// a whole MO under one entry checks its root, not each node (each a listing of flash)
				this.tree.walk(ref, levels, (path) => {
					const at = { moid: ref.moid, miid: ref.miid, path: [...path] };
					if (!(this.rights(at) & Right.Read)) throw new DmError(403, `${uri.text}: no Read right on ${path.join("/") || "the instance"}`);
					return this.ruledBelow(at);
				});
			}
			else {
				if (!(this.rights(ref) & need)) throw new DmError(403, `${uri.text}: no ${need === Right.Exec ? "Execute" : "Write"} right`);
				if (need === Right.Exec && !(this.tree.definition(ref.moid, ref.path)!.access & Ddf.Exec)) throw new DmError(405, `${uri.text}: not an executable node`);
			}
		}
		return refs;
	}

	/** The guard a change set of this MA runs under. */
	guard(): WriteGuard {
		return {
			check: (op, ref, def, withParent) => this.check(op, ref, def, withParent),
			beforeCommit: (cs) => this.checkDelegations(cs),
		};
	}

	/** Creates an MO instance; a server or application becomes its owner (10). */
	createInstance(cs: ChangeSet, moid: string, miid: string): void {
		cs.createInstance(moid, miid);
		const maid = maidOf(this.principal);
		if (maid === undefined || moid === MOIDS.dacmo) return;
		this.internally(() => {
			const base = [miid, "owner"];
			if (!cs.has({ moid: MOIDS.dacmo, miid: moid, path: [] })) cs.createInstance(MOIDS.dacmo, moid);
			cs.put({ moid: MOIDS.dacmo, miid: moid, path: [...base, "Permissions", "1", "MAID"] }, maid);
			cs.put({ moid: MOIDS.dacmo, miid: moid, path: [...base, "Permissions", "1", "AR"] }, Right.All);
		});
		this.entries.delete(`${moid}\u0000${miid}`);
		this.fresh.add(`${moid}\u0000${miid}`);
	}

	/** Deletes a node; deleting an MO instance also drops its DACMO entries. */
	delete(cs: ChangeSet, ref: NodeRef): void {
		cs.delete(ref);
		if (ref.path.length || ref.moid === MOIDS.dacmo) return;
		const entry = { moid: MOIDS.dacmo, miid: ref.moid, path: [ref.miid] };
		if (cs.has(entry)) this.internally(() => cs.delete(entry));
	}

	// ---- internals ----

	private internally(fn: () => void): void {
		this.internal = true;
		try { fn(); } finally { this.internal = false; }
	}

	private dacmoTargetPath(ref: NodeRef): string[] {
		// dacmo/<MOID>/<MIID>/<x>/...: the entry's own Path, else the instance root
		if (ref.path.length < 2) return [];
		return parsePath(this.tree.text({ moid: MOIDS.dacmo, miid: ref.miid, path: [ref.path[0]!, ref.path[1]!, "Path"] }));
	}

	private entriesOf(moid: string, miid: string): Entry[] {
		const id = `${moid}\u0000${miid}`;
		let list = this.entries.get(id);
		if (list) return list;
		list = [];
		const maid = maidOf(this.principal);
		const base = { moid: MOIDS.dacmo, miid: moid };
		for (const x of this.tree.childNames({ ...base, path: [miid] }) ?? []) {
			const path = parsePath(this.tree.text({ ...base, path: [miid, x, "Path"] }));
			let rights = 0;
			for (const y of this.tree.childNames({ ...base, path: [miid, x, "Permissions"] }) ?? []) {
				const who = this.tree.text({ ...base, path: [miid, x, "Permissions", y, "MAID"] });
				if (who === "*" || (maid !== undefined && who === maid)) rights |= Number(this.tree.text({ ...base, path: [miid, x, "Permissions", y, "AR"] }) ?? 0) & Right.All;
			}
			list.push({ path, rights });
		}
		this.entries.set(id, list);
		return list;
	}

	private check(op: WriteOp, ref: NodeRef, def: SchemaNode, withParent: boolean): void {
		if (this.internal || this.principal.kind === "device") return;
		const where = `${ref.moid}/${ref.miid}/${ref.path.join("/")}`;
		// a node deleted with its ancestor goes with the account the server was allowed to delete
		if (ref.moid === MOIDS.dmAcc && bootstrapOnly(ref.path) && !(op === "delete" && withParent)) throw new DmError(403, `${where}: only a bootstrap writes this (9.3.2)`);
		const creatingInstance = op === "add" && ref.path.length === 0;
		if (creatingInstance) {
			if (!this.provisioned(ref.moid === MOIDS.dacmo ? ref.miid : ref.moid)) throw new DmError(403, `${where}: the server may not manage this MO`);
			if (ref.moid === MOIDS.dacmo) throw new DmError(403, `${where}: DACMO instances come with the instances they control`);
		}
		else if (!withParent || op === "delete" || ref.moid === MOIDS.dacmo) {
			if (!(this.rights(ref) & Right.Write)) throw new DmError(403, `${where}: no ${ref.moid === MOIDS.dacmo ? "Delegate" : "Write"} right`);
		}
		if (def.permanent && !withParent) throw new DmError(405, `${where} is permanent`);
		const bit = op === "add" ? Ddf.Add : op === "replace" ? Ddf.Replace : Ddf.Delete;
		if (!withParent && !(def.access & bit)) throw new DmError(405, `${where}: the MO does not allow ${op === "add" ? "adding" : op === "replace" ? "replacing" : "deleting"} it`);
		if (ref.moid === MOIDS.dacmo && isLeaf(def) && ref.path[ref.path.length - 1] === "MAID" && op !== "delete") this.delegations.push(ref);
	}

	private checkDelegations(cs: ChangeSet): void {
		for (const ref of this.delegations) {
			if (!cs.has(ref)) continue;
			const maid = cs.text(ref) ?? "";
			if (!maid.startsWith("serverid:")) continue;
			const srvId = maid.slice("serverid:".length);
			const account = accountOf(cs, srvId);
			const moids = account === undefined ? [] : cs.childNames({ moid: MOIDS.dmAcc, miid: account, path: ["Perm"] })
				.map((x) => cs.text({ moid: MOIDS.dmAcc, miid: account, path: ["Perm", x, "MOID"] }));
			if (!moids.includes("*") && !moids.includes(ref.miid)) throw new DmError(403, `delegation to ${maid}: that server was not provisioned for ${ref.miid}`);
		}
	}
}
