// DevInfo (12.1) is the device describing itself (interpretation 17): its values come from the
// host's facts (on the sim host `--devinfo`, on the ESP32 the firmware and the chip), not from
// servers, whose access is Get only. The device creates its one instance when it has none (after
// the start's bootstraps, which may still carry one) and brings it in line with the facts at every
// start; values that did not change are not written again, so a reboot costs no flash wear and the
// cache validator (11) changes only when the device really changed (e.g. a firmware update).
//
// DevID must name the device for ever (OMADM-DevID, [DevID] in ServerURIs). A host that has an
// identity (an IMEI, the chip's MAC) gives it as a fact, and the fact wins. A host without one
// (the sim host) gives none: the device then keeps the DevID its tree already holds, and only when
// it has none generates "UUID:<RFC 4122 v4>" from the host's random source and keeps it on flash
// in DevInfo/DevID itself, so it survives every restart (and goes only with the flash's contents).
import { DmError } from "../error.js";
import { toHex } from "../../bytes/index.js";
import { grantDeviceInstance, type Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

/** The DevInfo leaves the host knows (12.1); a leaf it leaves out keeps its stored value, or the
    default when the device creates its DevInfo. */
export interface DeviceDescription {
	/** DevID: a unique identifier, e.g. "IMEI:493005100592800"; absent: kept on flash (see above) */
	devId?: string;
	man?: string;
	mod?: string;
	/** an ISO 639 language code */
	lang?: string;
	devType?: string;
	oem?: string;
	/** the running firmware's version */
	fwV?: string;
	swV?: string;
	hwV?: string;
}

/** What a device that says nothing of itself reports (every leaf of 12.1 is Required). */
export const DEVINFO_DEFAULTS: Readonly<Required<Omit<DeviceDescription, "devId">>> = Object.freeze({
	man: "unknown", mod: "unknown", lang: "en", devType: "unknown", oem: "unknown", fwV: "unknown", swV: "unknown", hwV: "unknown",
});

/** The MIID the device gives its one DevInfo instance. */
export const DEVINFO_MIID = "DevInfo";
/** This client's protocol version (DmV, 12.1). */
export const DM_VERSION = "2.0";

/** Each DevInfo leaf the host describes, by node name (DevID and DmV are the device's own). */
const LEAVES: readonly (readonly [string, keyof typeof DEVINFO_DEFAULTS])[] = Object.freeze(([
	["Man", "man"], ["Mod", "mod"], ["Lang", "lang"], ["DevType", "devType"], ["OEM", "oem"], ["FwV", "fwV"], ["SwV", "swV"], ["HwV", "hwV"],
] as const).map((pair) => Object.freeze(pair)));

/** "UUID:" and an RFC 4122 version 4 UUID from 16 random bytes (the URN form 12.1 lists). */
export function generatedDevId(random: (length: number) => Uint8Array): string {
	const b = random(16).slice(0, 16);
	if (b.length !== 16) throw new RangeError("a generated DevID needs 16 random bytes");
	b[6] = (b[6]! & 0x0f) | 0x40;
	b[8] = (b[8]! & 0x3f) | 0x80;
	const h = toHex(b);
	return `UUID:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Brings the DevInfo instance in line with `d` (creating it with the defaults and a DevID as the
    head of this file says); true if anything was written. `random` is asked only for a new DevID. */
export function syncDevInfo(tree: Tree, d: DeviceDescription, random?: (length: number) => Uint8Array): boolean {
	if (d.devId === "") throw new DmError(400, "DevInfo/DevID must not be empty: it names the device to every server (OMADM-DevID)");
	const existing = tree.instances(MOIDS.devInfo);
	const miid = existing[0] ?? DEVINFO_MIID;
	const at = (name: string) => ({ moid: MOIDS.devInfo, miid, path: [name] });
	const stored = (name: string): string | undefined => existing.length ? tree.text(at(name)) : undefined;
	const keptId = stored("DevID");
	let devId = d.devId ?? (keptId ? keptId : undefined);
	if (devId === undefined) {
		if (!random) throw new DmError(500, "give the device a DevID fact or a random source: DevInfo/DevID is generated once from it");
		devId = generatedDevId(random);
	}
	const values: [string, string][] = [["DevID", devId], ["DmV", DM_VERSION]];
	for (const [name, key] of LEAVES) {
		const value = d[key] ?? stored(name) ?? DEVINFO_DEFAULTS[key];
		values.push([name, value]);
	}
	const stale = values.filter(([name, value]) => stored(name) !== value);
	if (stale.length === 0) return false;
	const cs = tree.change();
	try {
		if (existing.length === 0) {
			cs.createInstance(MOIDS.devInfo, miid);
			grantDeviceInstance(cs, MOIDS.devInfo, miid);	// readable by the servers whose Perm names it (interpretation 16)
		}
		for (const [name, value] of stale) cs.put(at(name), value);
		cs.commit();
	} catch (e) {
		cs.abort();
		throw e;
	}
	return true;
}

