// PREFERRED-CON-TYPE (5.2.1.2): the connection a server-initiated session should use. The
// notification lists connection types by priority; the first one the device has up now is used.
// ANY_AVAILABLE (last when present) takes whatever is up. When none of the listed types is up and
// ANY_AVAILABLE is absent, the client waits until one comes up (SHOULD): the session is held, not
// dropped, and runs when the host reports the change. With nothing up at all, even ANY_AVAILABLE waits.
import { ConnectionType } from "../codec/index.js";

/** What the host knows of its network links (DmClientOptions.network). */
export interface Network {
	/** the connection types up now, the device's own preference first */
	available(): readonly ConnectionType[];
	/** routes the next connections over this type (brings the link up if the host does that) */
	use?(type: ConnectionType): void | Promise<void>;
}

export type ConnectionChoice =
	| { kind: "use"; type: ConnectionType }
	/** no preference given: the host's default route */
	| { kind: "default" }
	| { kind: "wait"; for: readonly ConnectionType[] };

export function chooseConnection(preferred: readonly ConnectionType[] | undefined, up: readonly ConnectionType[]): ConnectionChoice {
	if (!preferred || preferred.length === 0) return { kind: "default" };
	for (const type of preferred) {
		if (type === ConnectionType.AnyAvailable && up.length) return { kind: "use", type: up[0]! };
		if (up.includes(type)) return { kind: "use", type };
	}
	return { kind: "wait", for: preferred };
}

const NAMES = ["ANY_AVAILABLE", "CELLULAR", "WLAN", "WIRELINE"];

export function connectionName(type: ConnectionType): string {
	return NAMES[type] ?? `type ${type}`;
}
