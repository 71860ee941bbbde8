// DevInfo from the device's own description (12.1): created at first start, written only where it
// changed, read-only to servers.
import { DmError } from "../../../modules/dm/error.js";
import { DEVINFO_DEFAULTS, DEVINFO_MIID, generatedDevId, syncDevInfo, type DeviceDescription } from "../../../modules/dm/mo/index.js";
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

	it("a host without a DevID fact: the device generates UUID:<v4> once from its random source and keeps it on flash across restarts", () => {
		const { tree, remount } = freshTree();
		let asked = 0;
		const random = (n: number): Uint8Array => { asked++; return new Uint8Array(n).map((_, i) => (i * 37 + asked) & 255); };
		assert.ok(syncDevInfo(tree, { man: "Acme" }, random));
		const id = tree.text({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: ["DevID"] })!;
		assert.match(id, /^UUID:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.equal(asked, 1);
		const again = remount();
		assert.equal(syncDevInfo(again, { man: "Acme" }, random), false, "a restart writes nothing");
		assert.equal(again.text({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: ["DevID"] }), id, "the same DevID after the restart");
		assert.equal(asked, 1, "the random source is not asked again");
		assert.ok(syncDevInfo(again, { devId: "IMEI:356938035643809" }, random), "a host fact wins over the kept one");
		assert.equal(again.text({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: ["DevID"] }), "IMEI:356938035643809");
	});

	it("leaves the host leaves out keep their stored value, or the defaults when DevInfo is created", () => {
		const { tree } = freshTree();
		syncDevInfo(tree, { devId: "IMEI:1", fwV: "2.0" });
		const text = (n: string) => tree.text({ moid: MOIDS.devInfo, miid: DEVINFO_MIID, path: [n] });
		assert.deepEqual(["Man", "Lang", "FwV", "DmV"].map(text), [DEVINFO_DEFAULTS.man, "en", "2.0", "2.0"]);
		assert.ok(syncDevInfo(tree, { man: "Acme" }));
		assert.deepEqual(["DevID", "Man", "FwV"].map(text), ["IMEI:1", "Acme", "2.0"], "what the host did not say stays");
	});

	it("a DevInfo a bootstrap carried is the one the device keeps current (its DevID kept when the host has none)", () => {
		const { tree } = freshTree();
		const cs = tree.change();
		cs.createInstance(MOIDS.devInfo, "devinfo");
		for (const [k, v] of Object.entries({ DevID: "IMEI:7", Man: "Boot", Mod: "M", DmV: "2.0", Lang: "en", DevType: "t", OEM: "", FwV: "0.9", SwV: "1", HwV: "" })) cs.put({ moid: MOIDS.devInfo, miid: "devinfo", path: [k] }, v);
		cs.commit();
		assert.ok(syncDevInfo(tree, { fwV: "1.0" }));
		assert.deepEqual(tree.instances(MOIDS.devInfo), ["devinfo"], "no second instance");
		assert.deepEqual(["DevID", "Man", "FwV"].map((n) => tree.text({ moid: MOIDS.devInfo, miid: "devinfo", path: [n] })), ["IMEI:7", "Boot", "1.0"]);
	});

	it("generatedDevId is an RFC 4122 version 4 UUID URN", () => {
		assert.equal(generatedDevId((n) => new Uint8Array(n).fill(0xff)), "UUID:ffffffff-ffff-4fff-bfff-ffffffffffff");
		assert.equal(generatedDevId((n) => new Uint8Array(n)), "UUID:00000000-0000-4000-8000-000000000000");
	});
});
