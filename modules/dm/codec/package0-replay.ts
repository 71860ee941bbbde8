// Replay defences for Package#0 (5.2.1.2): the duplicate filter keyed by (SERVER-ID,
// NOTIFICATION-ID) of interpretation 4, and the TIMESTAMP window of interpretation 15.

/** Interpretation 15: a notification more than this many seconds old or ahead is dropped. */
export const DEFAULT_TIMESTAMP_WINDOW = 600;

/** Whether `timestamp` is within `windowSeconds` of `nowSeconds`, either side, edges included. */
export function isTimestampFresh(timestamp: number, nowSeconds: number, windowSeconds = DEFAULT_TIMESTAMP_WINDOW): boolean {
	return Math.abs(nowSeconds - timestamp) <= windowSeconds;
}

/**
 * Remembers the last `capacity` (SERVER-ID, NOTIFICATION-ID) pairs admitted, oldest forgotten
 * first, so its memory is bounded whatever the servers send. A server numbering its
 * notifications in sequence (as 5.2.1.2 suggests) repeats a pair only after 65,536 of them.
 */
export class NotificationFilter {
	private readonly keys: string[];
	private next = 0;

	constructor(capacity = 32) {
		if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError("a filter remembers at least one notification");
		this.keys = new Array<string>(capacity).fill("");
	}

	/** Whether the pair was admitted and not forgotten yet. */
	seen(serverId: string, notificationId: number): boolean {
		return this.keys.includes(key(serverId, notificationId));
	}

	/** True the first time a pair comes (it is then remembered); false for a duplicate. */
	admit(serverId: string, notificationId: number): boolean {
		const k = key(serverId, notificationId);
		if (this.keys.includes(k)) return false;
		this.keys[this.next] = k;
		this.next = (this.next + 1) % this.keys.length;
		return true;
	}
}

// The id has no colon, so the first colon ends it whatever the server id holds; "" is never a key.
function key(serverId: string, notificationId: number): string {
	return `${notificationId}:${serverId}`;
}
