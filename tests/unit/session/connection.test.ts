// PREFERRED-CON-TYPE (5.2.1.2): which connection a server-initiated session uses, or that it waits.
import { ConnectionType as C } from "../../../modules/dm/codec/index.js";
import { chooseConnection } from "../../../modules/dm/session/index.js";
import { assert, describe, it } from "../../harness/index.js";

describe("session: PREFERRED-CON-TYPE", () => {
	const cases: [string, C[] | undefined, C[], ReturnType<typeof chooseConnection>][] = [
		["no preference: the host's route", undefined, [], { kind: "default" }],
		["the first listed type that is up", [C.Cellular, C.Wlan, C.Wireline], [C.Wireline, C.Wlan], { kind: "use", type: C.Wlan }],
		["ANY_AVAILABLE after the listed ones: the device's first", [C.Cellular, C.AnyAvailable], [C.Wlan, C.Wireline], { kind: "use", type: C.Wlan }],
		["a listed type before ANY_AVAILABLE wins", [C.Wireline, C.AnyAvailable], [C.Wlan, C.Wireline], { kind: "use", type: C.Wireline }],
		["none of the listed up: wait for them", [C.Cellular, C.Wlan], [C.Wireline], { kind: "wait", for: [C.Cellular, C.Wlan] }],
		["nothing up at all: even ANY_AVAILABLE waits", [C.AnyAvailable], [], { kind: "wait", for: [C.AnyAvailable] }],
	];
	for (const [name, preferred, up, want] of cases) it(name, () => assert.deepEqual(chooseConnection(preferred, up), want));
});
