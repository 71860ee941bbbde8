// DevInfo (12.1) is the device describing itself: its values come from the host (on the sim
// host from options, on the ESP32 from the firmware and the modem), not from servers, whose
// access is Get only. At every start the tree is brought in line with the description; values
// that did not change are not written again, so a reboot costs no flash wear and the cache
// validator (11) changes only when the device really changed (e.g. a firmware update).
import { DmError } from "../error.js";
import { grantDeviceInstance, type Tree } from "../tree/index.js";
import { MOIDS } from "../uri/index.js";

export interface DeviceDescription {
	/** DevID: a unique identifier, e.g. "IMEI:493005100592800" */
	devId: string;
	man: string;
	mod: string;
	/** an ISO 639 language code */
	lang: string;
	devType: string;
	oem: string;
	fwV: string;
	swV: string;
	hwV: string;
}

/** The MIID the device gives its one DevInfo instance. */
export const DEVINFO_MIID = "DevInfo";
/** This client's protocol version (DmV, 12.1). */
export const DM_VERSION = "2.0";

/** Writes what differs from `d` into the DevInfo instance (creating it); true if anything was written. */
export function syncDevInfo(tree: Tree, d: DeviceDescription): boolean {
	if (d.devId === "") throw new DmError(400, "DevInfo/DevID must not be empty: it names the device to every server (OMADM-DevID)");
	const values: [string, string][] = [
		["DevID", d.devId], ["Man", d.man], ["Mod", d.mod], ["DmV", DM_VERSION], ["Lang", d.lang],
		["DevType", d.devType], ["OEM", d.oem], ["FwV", d.fwV], ["SwV", d.swV], ["HwV", d.hwV],
	];
	const existing = tree.instances(MOIDS.devInfo);
	const miid = existing[0] ?? DEVINFO_MIID;
	const at = (name: string) => ({ moid: MOIDS.devInfo, miid, path: [name] });
	const stale = values.filter(([name, value]) => existing.length === 0 || tree.text(at(name)) !== value);
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

/** DevInfo/FwV brought in line with the running firmware (a host whose DevInfo came from a
    bootstrap rather than a description); true if it was written. No DevInfo instance: nothing. */
export function syncFirmwareVersion(tree: Tree, fwV: string): boolean {
	const miid = tree.instances(MOIDS.devInfo)[0];
	if (miid === undefined) return false;
	const at = { moid: MOIDS.devInfo, miid, path: ["FwV"] };
	if (tree.text(at) === fwV) return false;
	const cs = tree.change();
	try {
		cs.put(at, fwV);
		cs.commit();
	} finally {
		cs.abort();
	}
	return true;
}
