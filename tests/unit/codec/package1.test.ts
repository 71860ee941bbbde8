// Package#1 (7.2.1.1): MOS and the opening Generic Alert (5.2.2, Appendix D, interpretation 5).
import { AlertTypes, JsonWriter, decodeJson, serverInitiatedAlert, writePackage1 } from "../../../modules/dm/codec/index.js";
import { assert, describe, it } from "../../harness/index.js";

function written(build: (w: JsonWriter) => void): unknown {
	const bytes: number[] = [];
	build(new JsonWriter((b) => { bytes.push(...b); }, 16));
	return decodeJson(Uint8Array.from(bytes));
}

describe("Package#1", () => {
	it("lists supported MOs with their instances and DDF links, then the alerts", () => {
		const doc = written((w) => writePackage1(w, [
			{ DDF: "http://www.vendor.com/DDF/devinfo1.2.ddf", MOID: "urn:oma:mo:oma-dm-devinfo:1.2", MIID: ["miid1"] },
			{ MOID: "urn:oma:mo:oma-sessioninfomo:1.0", MIID: [] },
		], [{ AlertType: AlertTypes.ClientInitiatedMgmt }]));
		assert.deepEqual(doc, {
			MOS: [
				{ DDF: "http://www.vendor.com/DDF/devinfo1.2.ddf", MOID: "urn:oma:mo:oma-dm-devinfo:1.2", MIID: ["miid1"] },
				{ MOID: "urn:oma:mo:oma-sessioninfomo:1.0", MIID: [] },
			],
			Alert: [{ AlertType: "urn:oma:at:dm:2.0:ClientInitiatedMgmt" }],
		});
	});

	it("carries the NOTIFICATION-ID of the Package#0 it answers (interpretation 5)", () => {
		assert.deepEqual(written((w) => writePackage1(w, undefined, [serverInitiatedAlert(4660)])), {
			Alert: [{ AlertType: "urn:oma:at:dm:2.0:ServerInitiatedMgmt", DataType: "application/json", Data: { "NOTIFICATION-ID": 4660 } }],
		});
		assert.deepEqual(serverInitiatedAlert(undefined), { AlertType: AlertTypes.ServerInitiatedMgmt });
	});

	it("omits MOS when the server did not ask for it", () => {
		assert.deepEqual(written((w) => writePackage1(w, undefined, [{ AlertType: AlertTypes.BootstrapComplete }])), { Alert: [{ AlertType: "urn:oma:at:dm:2.0:BootstrapComplete" }] });
	});
});
