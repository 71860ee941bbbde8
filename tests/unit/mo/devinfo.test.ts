// DevInfo from the device's own description (12.1): created at first start, written only where it
// changed, read-only to servers.
import { DmError } from "../../../modules/dm/error.js";
import { DEVINFO_MIID, syncDevInfo, type DeviceDescription } from "../../../modules/dm/mo/index.js";
import { MOIDS, parseClientUri, resolveClientUri } from "../../../modules/dm/uri/index.js";
import { freshTree } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

const device: DeviceDescription = { devId: "IMEI:493005100592800", man: "Acme", mod: "M1", lang: "en", devType: "sensor", oem: "Acme", fwV: "1.0.0", swV: "1.0.0", hwV: "rev A" };

describe("mo: DevInfo from the device description", () => {
	it("creates the instance at first start with DmV 2.0, and writes nothing at the next start", () => {
		const { tree, store, remount } = freshTree();
		assert.ok(syncDevInfo(tree, device));
		const at = (name: string) => ({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: [name] });
		assert.deepEqual(["DevID", "DmV", "HwV"].map((n) => tree.text(at(n))), ["IMEI:493005100592800", "2.0", "rev A"]);
		const cv = tree.cacheValidator(MOIDS.devInfo, DEVINFO_MIID);
		const programmed = store.programmed;
		const again = remount();
		assert.equal(syncDevInfo(again, device), false);
		assert.equal(again.cacheValidator(MOIDS.devInfo, DEVINFO_MIID), cv);
		assert.equal(store.programmed, programmed, "no flash write for an unchanged device");
	});

	it("writes a firmware update's new FwV and changes the cache validator", () => {
		const { tree } = freshTree();
		syncDevInfo(tree, device);
		const cv = tree.cacheValidator(MOIDS.devInfo, DEVINFO_MIID);
		assert.ok(syncDevInfo(tree, { ...device, fwV: "1.1.0" }));
		assert.equal(tree.text({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: ["FwV"] }), "1.1.0");
		assert.notEqual(tree.cacheValidator(MOIDS.devInfo, DEVINFO_MIID), cv);
		assert.deepEqual(resolveClientUri(parseClientUri("urn:oma:mo:oma-dm-devinfo:1.0//FwV"), tree).map((r) => r.miid), [DEVINFO_MIID]);
	});

	it("refuses an empty DevID and leaves the tree as it was", () => {
		const { tree } = freshTree();
		assert.throws(() => syncDevInfo(tree, { ...device, devId: "" }), (e) => e instanceof DmError && /DevID/.test(e.message));
		assert.deepEqual(tree.instances(MOIDS.devInfo), []);
	});
});
