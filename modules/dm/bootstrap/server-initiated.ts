// Server-initiated bootstrap (8.4), once a Package#0 from the bootstrap server an account names was
// accepted. Figure 13 is missing from the spec; the server pushes the trigger, and the DM Bootstrap
// itself travels as in 8.3 (client-initiated.ts), which gives what 8.4 and 9.3 demand: it is
// accepted only from the server the account trusts as its bootstrap server, over TLS that
// authenticates both sides with the Auth/Bootstrap credentials (9.3.2). A server that fails that
// handshake, answers anything but dmmo+json, or sends a document that does not fit the MOs changes
// nothing; the refusal is reported and counts as a failed session for the backoff. Then a
// BootstrapComplete session with each account the bootstrap gave (8).
import type { SessionOutcome } from "../session/index.js";

export interface ServerBootstrapSteps {
	/** 8.3's fetch and apply (the caller holds the device and checks its backoff): the SrvIDs given */
	fetch(): Promise<string[]>;
	/** the fetch was refused: nothing changed */
	refused(reason: string): void;
	given(accounts: string[]): void;
	/** the BootstrapComplete sessions (8) */
	complete(srvIds: readonly string[]): Promise<SessionOutcome>;
}

export async function serverBootstrap(steps: ServerBootstrapSteps): Promise<SessionOutcome> {
	let accounts: string[];
	try {
		accounts = await steps.fetch();
	} catch (e) {
		const reason = e instanceof Error ? e.message : String(e);
		steps.refused(reason);
		return { ok: false, reason: `bootstrap refused: ${reason}` };
	}
	steps.given(accounts);
	return steps.complete(accounts);
}
