// What the device tells its host, and the one line of text each says (a host's log, a console):
// the client's events (sessions, notifications, reports) and the lifecycle's own. Never a secret:
// events carry SrvIDs, URIs, statuses and reasons, never a key or a value.
import type { CardStart } from "../bootstrap/index.js";
import type { ClientEvent } from "./client.js";
import type { SessionOutcome } from "../session/index.js";

/** What made a session run. */
export type Cause = "request" | "notification" | "schedule" | "owed" | "network" | "firmware";

export type DeviceEvent =
	| ClientEvent
	/** the factory bootstrap (8.2) was applied: where each item went */
	| { event: "factory"; placed: string[] }
	/** a client-initiated bootstrap (8.3) at start gave these accounts */
	| { event: "client-bootstrap"; accounts: string[] }
	/** the card at start (8.1) */
	| { event: "card"; outcome: CardStart }
	/** SrvID=SrvURI of each account (neither is a secret), after the card */
	| { event: "accounts"; accounts: string }
	/** a step of the start, or a session, did not succeed: why */
	| { event: "failed"; reason: string }
	| { event: "listening"; port: number }
	/** a request to an origin failed in the transport (refused, TLS, timeout): which origin, why */
	| { event: "unreachable"; origin: string; reason: string }
	/** a step of a firmware update (dm/fumo): accepted, downloading, verified, switching, its result */
	| { event: "firmware"; message: string }
	/** something the host's operator should know once (a setting this build cannot honour) */
	| { event: "notice"; message: string }
	/** a job the device ran ended (outcome undefined: a notification dropped or held) */
	| { event: "done"; cause: Cause; srvId?: string; outcome: SessionOutcome | undefined };

/** Lifecycle milestones: a console shows them whatever its level of detail. */
export function isMilestone(e: DeviceEvent): boolean {
	switch (e.event) {
	case "factory": case "client-bootstrap": case "card": case "failed": case "listening": case "unreachable": case "notice": case "firmware": return true;
	default: return false;
	}
}

function cardLine(o: CardStart): string {
	switch (o.kind) {
	case "off": return "off (device policy): the card is not read, its accounts stay as they are";
	case "unread": return `not read: ${o.reason}; the accounts stay as they are`;
	case "refused": return `refused with status ${o.status}: ${o.reason}; nothing changed`;
	case "unchanged": return "unchanged";
	case "applied": return `accounts ${o.accounts.join(" ") || "(none)"}`;
	}
}

/** The event as one line of text, or undefined when it says nothing a reader needs. */
export function eventLine(e: DeviceEvent): string | undefined {
	switch (e.event) {
	case "sent": return `sent Package#${e.package} to ${e.url}: ${e.statuses} statuses, ${e.alerts} alerts, ${e.getParts} GET parts`;
	case "received": return `received Package#2: HTTP ${e.status}`;
	case "command": return `command ${e.index} ${e.name} ${e.target}: ${e.status}`;
	case "aborted": return `session aborted: ${e.reason}`;
	case "ended": return `session ended after ${e.packages} packages`;
	case "connection": return e.using ? `session with ${e.serverId} over ${e.using}` : `session with ${e.serverId} waits for ${e.waitingFor!.join(" or ")}`;
	case "bootstrap": return `server-initiated bootstrap from ${e.from}'s bootstrap server: accounts ${e.accounts.join(" ") || "(none)"}`;
	case "subscription": return `subscription report of ${e.clientUri}: HTTP ${e.status}`;
	case "bootstrap-refused": return `bootstrap refused, nothing changed (${e.from}'s bootstrap server): ${e.reason}`;
	case "factory": return `factory bootstrap: ${e.placed.join(" ")}`;
	case "client-bootstrap": return `client-initiated bootstrap: accounts ${e.accounts.join(" ") || "(none)"}`;
	case "card": return `card bootstrap: ${cardLine(e.outcome)}`;
	case "accounts": return `DM accounts: ${e.accounts}`;
	case "failed": return `failed: ${e.reason}`;
	case "listening": return `listening for Package#0 on UDP ${e.port}`;
	case "unreachable": return `unreachable: ${e.origin}: ${e.reason}`;
	case "notice": return `notice: ${e.message}`;
	case "firmware": return e.message;
	case "done": return undefined;
	default: return JSON.stringify(e);
	}
}
