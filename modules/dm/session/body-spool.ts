// The rest of a Package#2 parked on flash. Commands run while their package streams in, so a
// package costs the heap one command at a time; but HGET, HPUT and HPOST need the connection for
// their own request, and the connection is free only once the package body has been read off it.
// The unread rest then goes to flash as it arrives, in one transaction, and the parse goes on from
// there: a package of a few hundred commands with long URIs costs flash, not the ~100 KiB of heap.
//
// Commands commit their own transactions while the rest is read back; compaction may move the
// parked value meanwhile, which fails the open reader (the store says so with a DmError). The
// reader is then opened again at the same byte.
import { DmError } from "../error.js";
import { pullBody } from "../commands/index.js";
import { PARKED_BODY_KEY, type Store } from "../store/index.js";
import type { HttpResponse } from "../../http/index.js";

/** Store key of the parked body (one per device: one session runs at a time). */
export const PARKED_KEY = PARKED_BODY_KEY;

export class BodySpool {
	private reader: { next(): Uint8Array | undefined } | undefined;
	private consumed = 0;
	private filled = false;

	constructor(private readonly store: Store) {}

	/** Whether the body is parked and is being read back from flash. */
	get active(): boolean { return this.filled; }

	/** Reads the response's unread body onto flash. The caller keeps other writers off the store
	    meanwhile (ReportInbox.hold). A full flash is DmError 506: the session cannot take this package.
	    Each piece is written as the transport lends it (pullBody), with no buffer or Promise a piece. */
	async fill(res: HttpResponse): Promise<void> {
		const t = this.store.begin();
		try {
			const s = t.putStream(PARKED_KEY);
			await pullBody(res, (chunk) => s.write(chunk));
			s.end();
			t.commit();
		} finally {
			t.abort();
		}
		this.filled = true;
		this.consumed = 0;
		this.reader = undefined;
	}

	/** The next piece of the parked body; undefined at its end. */
	next(): Uint8Array | undefined {
		for (let attempt = 0; ; attempt++) {
			try {
				const chunk = this.open().next();
				if (chunk) this.consumed += chunk.length;
				return chunk;
			} catch (e) {
				if (attempt > 0 || !(e instanceof DmError)) throw e;
				this.reader = undefined;   // moved by compaction: open it again where we were
			}
		}
	}

	/** Forgets the parked body (after its package, after an abort, and before a session, in case a
	    power cut left one). */
	clear(): void {
		this.filled = false;
		this.reader = undefined;
		if (!this.store.has(PARKED_KEY)) return;
		this.store.transact((t) => t.delete(PARKED_KEY));
	}

	private open(): { next(): Uint8Array | undefined } {
		if (this.reader) return this.reader;
		const reader = this.store.reader(PARKED_KEY);
		if (!reader) throw new DmError(500, "the parked Package#2 is gone from flash");
		let skip = this.consumed;
		let pending: Uint8Array | undefined;
		while (skip > 0) {
			const c = reader.next();
			if (!c) throw new DmError(500, "the parked Package#2 is shorter than what was read of it");
			if (c.length > skip) { pending = c.subarray(skip); break; }
			skip -= c.length;
		}
		this.reader = {
			next: () => {
				if (pending) { const p = pending; pending = undefined; return p; }
				return reader.next();
			},
		};
		return this.reader;
	}
}
