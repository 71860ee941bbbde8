// The DDF link of a MOS item (5.2.2): the maker's base URL and a file name per MOID.
import { ddfFileName, ddfLinks } from "../../../modules/dm/mo/index.js";
import { supportedMos } from "../../../modules/dm/session/index.js";
import { AccessControl } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { addAccount, freshTree } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

describe("mo: DDF links for MOS", () => {
	it("names each MOID's file without characters a URL path would need escaped", () => {
		assert.equal(ddfFileName("urn:oma:mo:oma-dm-devinfo:1.2"), "oma-mo-oma-dm-devinfo-1.2.xml");
		assert.equal(ddfFileName("urn:gsma:mo:rcs:rcse:1.0"), "gsma-mo-rcs-rcse-1.0.xml");
		assert.equal(ddfFileName("urn:x/../y?z"), "x-..-y-z.xml");
		assert.equal(ddfLinks("https://maker.example/ddf")(MOIDS.dmAcc), "https://maker.example/ddf/oma-mo-oma-dm-dmacc-1.2.xml");
		assert.equal(ddfLinks("https://maker.example/ddf/")(MOIDS.dmAcc), "https://maker.example/ddf/oma-mo-oma-dm-dmacc-1.2.xml");
	});

	it("every MOS item carries its MO's link when the device has a base, none without", () => {
		const { tree } = freshTree();
		const cs = tree.change();
		addAccount(cs, "dms1", [MOIDS.devInfo, MOIDS.dmAcc]);
		cs.commit();
		const access = new AccessControl(tree, { kind: "server", srvId: "dms1" });
		const linked = supportedMos(tree, access, ddfLinks("https://maker.example/ddf/"));
		assert.deepEqual(linked.map((m) => [m.MOID, m.DDF]), [MOIDS.devInfo, MOIDS.dmAcc].map((m) => [m, `https://maker.example/ddf/${ddfFileName(m)}`]));
		assert.ok(supportedMos(tree, access).every((m) => m.DDF === undefined));
	});
});
