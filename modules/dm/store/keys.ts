// Every key the device keeps in the store starts with one of these prefixes: one table, so that a
// new user picks a free one and no two rooms can write each other's keys. The strings are the
// on-flash format (keys written by earlier firmware must still be found): never change one.
//
// A prefix may be a prefix of another only when the table says so (`contains`): the owner of the
// shorter one then tells its keys from the longer one's by their shape (alerts are "q" + ten
// digits, so "qn" is never one). tests/unit/store/keys.test.ts checks that nothing else overlaps.

export interface KeySpace {
	readonly prefix: string;
	/** the module that reads and writes these keys */
	readonly owner: string;
	/** what the keys hold */
	readonly holds: string;
	/** longer prefixes in the table that start with this one, by design */
	readonly contains?: readonly string[];
}

/** "t" + MO tag + "/" + MIID + "/" + node names (tree/keys.ts), and "t#generation" */
export const TREE_PREFIX = "t";
/** "g" + a 5-digit command index */
export const GET_SPOOL_PREFIX = "g";
/** the whole key */
export const PARKED_BODY_KEY = "p";
/** "q" + a 10-digit sequence number */
export const ALERT_PREFIX = "q";
/** the whole key */
export const ALERT_NEXT_KEY = "qn";
/** "b" + a 10-digit number */
export const SUBSCRIPTION_PREFIX = "b";
/** "d" + the normative MOID */
export const DEFAULT_PREFIX = "d";
/** "kbc/" + MIID (keys of the path form, so that Store.children lists them) */
export const OWED_BOOTSTRAP_COMPLETE_PREFIX = "kbc/";
/** the whole key */
export const CARD_RECORD_KEY = "kcard";
/** "kn/" + the DMAcc MIID */
export const SEEN_NOTIFICATIONS_PREFIX = "kn/";
/** the whole key: the FUMO operation under way (its EXEC's server and ServerURI, its phase) */
export const FUMO_OPERATION_KEY = "fo";
/** the whole key: the image in the inactive slot (its envelope header, payload bytes committed, verified) */
export const FUMO_IMAGE_KEY = "fi";

export const KEY_SPACES: readonly KeySpace[] = Object.freeze([
	{ prefix: TREE_PREFIX, owner: "dm/tree", holds: "the DM tree's nodes (a leaf's value, an instance root's cache validator) and the commit generation" },
	{ prefix: GET_SPOOL_PREFIX, owner: "dm/session/session", holds: "the data of a session's GETs, kept as it was when the command ran, until Package#3 is sent" },
	{ prefix: PARKED_BODY_KEY, owner: "dm/session/body-spool", holds: "the unread rest of a Package#2 while HGET/HPUT/HPOST use the connection" },
	{ prefix: ALERT_PREFIX, owner: "dm/session/alerts", holds: "queued Generic Alerts, in order, each with the server (and URL) it is for", contains: [ALERT_NEXT_KEY] },
	{ prefix: ALERT_NEXT_KEY, owner: "dm/session/alerts", holds: "the alert queue's next sequence number" },
	{ prefix: SUBSCRIPTION_PREFIX, owner: "dm/commands/subscriptions", holds: "SUB subscriptions and the fingerprint of the report last sent" },
	{ prefix: DEFAULT_PREFIX, owner: "dm/commands/default", holds: "the ServerURI a DEFAULT set for an MOID" },
	{ prefix: OWED_BOOTSTRAP_COMPLETE_PREFIX, owner: "dm/bootstrap/owed", holds: "a mark per DM account owed a BootstrapComplete session" },
	{ prefix: CARD_RECORD_KEY, owner: "dm/bootstrap/card", holds: "the digest and accounts of what the smartcard gave last" },
	{ prefix: SEEN_NOTIFICATIONS_PREFIX, owner: "dm/device/seen-notifications", holds: "per DM account, the last NOTIFICATION-IDs whose sessions started (the duplicate filter)" },
	{ prefix: FUMO_OPERATION_KEY, owner: "dm/fumo", holds: "the firmware update under way: operation, the EXEC's server and ServerURI, phase" },
	{ prefix: FUMO_IMAGE_KEY, owner: "dm/fumo", holds: "the firmware image in the inactive slot: envelope header, payload bytes committed, verified" },
]);
