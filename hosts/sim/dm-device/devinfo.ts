// The sim host's facts for DevInfo (12.1, interpretation 17): `--devinfo-json TEXT` (the npm bin's
// --devinfo FILE) holds some of the DevInfo leaves by their node names, e.g.
//   {"Man": "Acme", "Mod": "Sensor 1", "FwV": "1.4.2", "DevID": "IMEI:493005100592800"}
// A leaf the file leaves out keeps what the tree holds, or modules/dm/mo's default when the device
// creates its DevInfo. Without "DevID" the device keeps the one on its flash, generated once from
// xsdm's random source (getrandom): the simulated device has no IMEI or MAC of its own to give.
import type { DeviceDescription } from "../../../modules/dm/mo/index.js";
import { usage } from "./args.js";

const NAMES: Readonly<Record<string, keyof DeviceDescription>> = Object.freeze({
	DevID: "devId", Man: "man", Mod: "mod", Lang: "lang", DevType: "devType", OEM: "oem", FwV: "fwV", SwV: "swV", HwV: "hwV",
});

/** The facts of --devinfo-json, or none; a file that is not such an object is a bad option (exit 2). */
export function devInfoFacts(json: string | undefined): DeviceDescription {
	if (json === undefined) return {};
	let doc: unknown;
	try {
		doc = JSON.parse(json);
	} catch (e) {
		return usage(`--devinfo: give a JSON object of DevInfo leaves (${(e as Error).message})`);
	}
	if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return usage("--devinfo: give a JSON object of DevInfo leaves, e.g. {\"Man\": \"Acme\"}");
	const facts: DeviceDescription = {};
	for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
		const key = NAMES[name] ?? usage(`--devinfo: ${name} is not a DevInfo leaf the device describes (${Object.keys(NAMES).join(", ")})`);
		if (typeof value !== "string") usage(`--devinfo: ${name} must be a string`);
		if (key === "devId" && value === "") usage("--devinfo: DevID must not be empty");
		facts[key] = value as string;
	}
	return facts;
}

/** The running firmware's version, the one fact DevInfo/FwV comes from (here --devinfo's FwV);
    firmware updates (FUMO) make it the running image's version. */
export function firmwareVersion(facts: DeviceDescription): string | undefined {
	return facts.fwV;
}

/** DevInfo as the sim host knows it. */
export function description(json: string | undefined): DeviceDescription {
	const facts = devInfoFacts(json);
	const fwV = firmwareVersion(facts);
	return { ...facts, ...(fwV !== undefined ? { fwV } : {}) };
}
