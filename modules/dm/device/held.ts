// PREFERRED-CON-TYPE (5.2.1.2): an accepted notification's session goes over the first of the
// connections it prefers that is up; when none is, it is held (the latest per server) until the
// host says its links changed.
import type { ConnectionType } from "../codec/index.js";
import { chooseConnection, connectionName, type Network, type SessionOutcome } from "../session/index.js";

type Run = () => Promise<SessionOutcome>;

export class HeldNotifications {
	private readonly held = new Map<string, { preferred: readonly ConnectionType[]; run: Run }>();

	constructor(private readonly network: Network | undefined, private readonly log: (e: { event: "connection"; serverId: string; waitingFor?: string[]; using?: string }) => void) {}

	/** Runs a notification's session over the first of its preferred connections that is up, or
	    holds it (undefined) until changed() finds one up. A newer notification replaces a held one. */
	async run(srvId: string, preferred: readonly ConnectionType[], run: Run): Promise<SessionOutcome | undefined> {
		this.held.delete(srvId);
		const network = this.network;
		if (!network || !preferred.length) return run();
		const choice = chooseConnection(preferred, network.available());
		if (choice.kind === "wait") {
			this.held.set(srvId, { preferred, run });
			this.log({ event: "connection", serverId: srvId, waitingFor: choice.for.map(connectionName) });
			return undefined;
		}
		if (choice.kind === "use") {
			this.log({ event: "connection", serverId: srvId, using: connectionName(choice.type) });
			await network.use?.(choice.type);
		}
		return run();
	}

	/** The host's links changed: held sessions whose connection is now up run, one after the other. */
	async changed(): Promise<SessionOutcome[]> {
		const outcomes: SessionOutcome[] = [];
		for (const [srvId, h] of [...this.held]) {
			if (this.held.get(srvId) !== h) continue;	// replaced by a newer notification meanwhile
			const outcome = await this.run(srvId, h.preferred, h.run);
			if (outcome) outcomes.push(outcome);
		}
		return outcomes;
	}
}
