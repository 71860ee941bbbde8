// Whether a received Package#0 should start a session, its checks in the one safe order:
//   decode → account → digest → TIMESTAMP window → duplicate filter
// The filter comes last and remembers only what passed everything before it, so a forged or
// stale notification cannot take a (SERVER-ID, NOTIFICATION-ID) pair that the server uses next.
import { DmError } from "../error.js";
import { verifyPackage0 } from "./package0-digest.js";
import { DEFAULT_TIMESTAMP_WINDOW, isTimestampFresh, type NotificationFilter } from "./package0-replay.js";
import { decodePackage0, type DecodedNotification, type RequiredOption } from "./package0.js";

export interface NotificationAccount {
	/** the account's SrvID */
	serverId: string;
	/** Auth/Noti/Secret; absent (or empty) when the account has no notification credentials */
	secret?: Uint8Array;
	/** Auth/Noti/Data */
	authData?: Uint8Array;
}

export interface ScreenContext {
	/** The account by the notification's SERVER-ID, or, when it has none, the one the client can discover (5.2.1.2), if any. */
	account(serverId: string | undefined): NotificationAccount | undefined;
	/** the duplicate check; `admit` may only look (interpretation 20: the device records a pair when its session starts) */
	filter: Pick<NotificationFilter, "admit">;
	/** POSIX seconds; undefined while the wall clock is not set, which skips the TIMESTAMP check */
	now: number | undefined;
	/** seconds either side of now; DEFAULT_TIMESTAMP_WINDOW when absent */
	windowSeconds?: number;
	/** options this transport needs, e.g. NOTIFICATION-ID over UDP */
	require?: readonly RequiredOption[];
}

export type DropReason = "malformed" | "unknown-server" | "no-digest" | "no-secret" | "bad-digest" | "stale" | "duplicate";

export type Verdict =
	| { accept: true; serverId: string; notification: DecodedNotification }
	| { accept: false; reason: DropReason; detail: string };

function drop(reason: DropReason, detail: string): Verdict {
	return { accept: false, reason, detail };
}

export function screenPackage0(bytes: Uint8Array, ctx: ScreenContext): Verdict {
	let n: DecodedNotification;
	try {
		n = ctx.require ? decodePackage0(bytes, { require: ctx.require }) : decodePackage0(bytes);
	} catch (e) {
		if (!(e instanceof DmError)) throw e;
		return drop("malformed", e.message);
	}
	const account = ctx.account(n.serverId);
	if (!account) return drop("unknown-server", n.serverId === undefined ? "no SERVER-ID, and no account to assume" : `no account for SERVER-ID ${JSON.stringify(n.serverId)}`);
	const secret = account.secret && account.secret.length > 0 ? account.secret : undefined;
	// 5.2.1.2 only says a digest is checked when present; a provisioned secret that an unsigned
	// notification could bypass would protect nothing, so it then makes the digest necessary.
	if (secret && !n.digest) return drop("no-digest", `${account.serverId} has notification credentials, the notification no digest`);
	if (n.digest && !secret) return drop("no-secret", `${account.serverId} has no notification secret to check the digest with`);
	if (secret && !verifyPackage0(bytes, secret, account.authData ?? new Uint8Array(0), n)) return drop("bad-digest", `digest does not match ${account.serverId}'s credentials`);
	if (n.timestamp !== undefined && ctx.now !== undefined && !isTimestampFresh(n.timestamp, ctx.now, ctx.windowSeconds ?? DEFAULT_TIMESTAMP_WINDOW)) {
		return drop("stale", `TIMESTAMP ${n.timestamp} is ${n.timestamp - ctx.now} s from now`);
	}
	if (n.notificationId !== undefined && !ctx.filter.admit(account.serverId, n.notificationId)) return drop("duplicate", `${account.serverId} sent NOTIFICATION-ID ${n.notificationId} already`);
	return { accept: true, serverId: account.serverId, notification: n };
}
