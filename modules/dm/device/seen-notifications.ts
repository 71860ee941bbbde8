// The Package#0 duplicate filter on flash (5.2.1.2, interpretation 20): per DM account, the last
// SEEN_PER_SERVER NOTIFICATION-IDs whose sessions were started, so that a notification a server
// sends again (or an attacker replays) after the device restarted is still dropped. An ID is
// recorded only when its session starts (admit), never when backoff or a busy device refuses it:
// the server's retransmission must then still get through.
//
// On flash: "kn/" + the account's MIID holds a format byte (1) and the IDs as 16-bit big-endian
// numbers, oldest first: at most 65 bytes per account, one small transaction per session started.
// A value that does not parse is taken as empty (the filter then forgets; it never refuses all).
import { SEEN_NOTIFICATIONS_PREFIX, type Store } from "../store/index.js";
import { accountOf, type Tree } from "../tree/index.js";

/** IDs remembered per account (interpretation 20). */
export const SEEN_PER_SERVER = 32;
const FORMAT = 1;

export class SeenNotifications {
	constructor(private readonly store: Store, private readonly tree: Tree, private readonly capacity = SEEN_PER_SERVER) {}

	/** Whether the account `srvId` started a session for this NOTIFICATION-ID among its last ones. */
	seen(srvId: string, notificationId: number): boolean {
		const key = this.key(srvId);
		return key !== undefined && this.ids(key).includes(notificationId);
	}

	/** Records the ID as its session starts: true the first time, false for a duplicate. */
	admit(srvId: string, notificationId: number): boolean {
		const key = this.key(srvId);
		if (key === undefined) return true;
		const ids = this.ids(key);
		if (ids.includes(notificationId)) return false;
		ids.push(notificationId & 0xffff);
		const kept = ids.slice(-this.capacity);
		const bytes = new Uint8Array(1 + 2 * kept.length);
		bytes[0] = FORMAT;
		kept.forEach((id, i) => { bytes[1 + 2 * i] = id >> 8; bytes[2 + 2 * i] = id & 0xff; });
		this.store.transact((t) => t.put(key, bytes));
		return true;
	}

	private key(srvId: string): string | undefined {
		const miid = accountOf(this.tree, srvId);
		return miid === undefined ? undefined : SEEN_NOTIFICATIONS_PREFIX + miid;
	}

	private ids(key: string): number[] {
		const b = this.store.get(key);
		if (!b || b[0] !== FORMAT || b.length % 2 !== 1) return [];
		const out: number[] = [];
		for (let i = 1; i < b.length; i += 2) out.push((b[i]! << 8) | b[i + 1]!);
		return out;
	}
}
