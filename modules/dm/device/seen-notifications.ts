// The Package#0 duplicate filter on flash (5.2.1.2, interpretation 20): per DM account, the last
// SEEN_PER_SERVER NOTIFICATION-IDs whose sessions were started, so that a notification a server
// sends again (or an attacker replays) after the device restarted is still dropped. An ID is
// recorded only when its session starts (admit), never when backoff or a busy device refuses it:
// the server's retransmission must then still get through.
//
// On flash: "kn/" + the account's MIID holds a format byte (2), the SrvID's length (one byte) and
// UTF-8 bytes, then the IDs as 16-bit big-endian numbers, oldest first: at most 66 bytes plus the
// SrvID per account, one small transaction per session started. A record whose SrvID is not the
// account's (an account deleted and its MIID given to another server) or that does not parse is
// taken as empty: the filter then forgets, it never drops a new server's notifications.
import { SEEN_NOTIFICATIONS_PREFIX, type Store } from "../store/index.js";
import { accountOf, type Tree } from "../tree/index.js";
import { encodeUtf8, sameBytes } from "../../bytes/index.js";

/** IDs remembered per account (interpretation 20). */
export const SEEN_PER_SERVER = 32;
const FORMAT = 2;

export class SeenNotifications {
	constructor(private readonly store: Store, private readonly tree: Tree, private readonly capacity = SEEN_PER_SERVER) {}

	/** Whether the account `srvId` started a session for this NOTIFICATION-ID among its last ones. */
	seen(srvId: string, notificationId: number): boolean {
		const key = this.key(srvId);
		return key !== undefined && this.ids(key, srvId).includes(notificationId);
	}

	/** Records the ID as its session starts: true the first time, false for a duplicate. */
	admit(srvId: string, notificationId: number): boolean {
		const key = this.key(srvId);
		if (key === undefined) return true;
		const ids = this.ids(key, srvId);
		if (ids.includes(notificationId)) return false;
		ids.push(notificationId & 0xffff);
		const kept = ids.slice(-this.capacity);
		const name = owner(srvId);
		const at = 2 + name.length;
		const bytes = new Uint8Array(at + 2 * kept.length);
		bytes[0] = FORMAT;
		bytes[1] = name.length;
		bytes.set(name, 2);
		kept.forEach((id, i) => { bytes[at + 2 * i] = id >> 8; bytes[at + 1 + 2 * i] = id & 0xff; });
		this.store.transact((t) => t.put(key, bytes));
		return true;
	}

	private key(srvId: string): string | undefined {
		const miid = accountOf(this.tree, srvId);
		return miid === undefined ? undefined : SEEN_NOTIFICATIONS_PREFIX + miid;
	}

	private ids(key: string, srvId: string): number[] {
		const b = this.store.get(key);
		if (!b || b.length < 2 || b[0] !== FORMAT) return [];
		const name = owner(srvId), at = 2 + b[1]!;
		if (b[1] !== name.length || (b.length - at) % 2 !== 0 || !sameBytes(b.subarray(2, at), name)) return [];
		const out: number[] = [];
		for (let i = at; i < b.length; i += 2) out.push((b[i]! << 8) | b[i + 1]!);
		return out;
	}
}

/** The SrvID the record belongs to, as stored (at most 255 bytes: a longer one is cut, which only
    lets two such servers sharing one MIID in turn share a filter). */
function owner(srvId: string): Uint8Array {
	return encodeUtf8(srvId).subarray(0, 255);
}
