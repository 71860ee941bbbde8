// Package#1 (application/vnd.oma.dm.initiation+json, 7.2.1.1): the MOS list (when the server asked
// for it with REQ-MOS, 5.2.1, filtered by the account's Perm) and the Generic Alerts that open the
// session (ClientInitiatedMgmt, ServerInitiatedMgmt with its NOTIFICATION-ID per interpretation 5,
// BootstrapComplete, queued reports), streamed into a JsonWriter.
import { DmError } from "../error.js";
import { decodeJson } from "./json-value.js";
import { decodeAlerts, writeAlert, type GenericAlert } from "./package3.js";
import type { JsonWriter } from "./json-writer.js";

export interface SupportedMo {
	MOID: string;
	/** instance identifiers (required by the schema, may be empty) */
	MIID: readonly string[];
	DDF?: string;
}

/** The session-opening alert types of Appendix D. */
export const AlertTypes = Object.freeze({
	ClientInitiatedMgmt: "urn:oma:at:dm:2.0:ClientInitiatedMgmt",
	ServerInitiatedMgmt: "urn:oma:at:dm:2.0:ServerInitiatedMgmt",
	BootstrapComplete: "urn:oma:at:dm:2.0:BootstrapComplete",
} as const);

/** Interpretation 5: the alert that answers a Package#0. */
export function serverInitiatedAlert(notificationId: number | undefined): GenericAlert {
	return notificationId === undefined
		? { AlertType: AlertTypes.ServerInitiatedMgmt }
		: { AlertType: AlertTypes.ServerInitiatedMgmt, DataType: "application/json", Data: { "NOTIFICATION-ID": notificationId } };
}

/** `alerts` may be produced lazily (read from flash one at a time as they are written). */
export function writePackage1(w: JsonWriter, mos: readonly SupportedMo[] | undefined, alerts: Iterable<GenericAlert>): void {
	w.startObject();
	if (mos) {
		w.key("MOS").startArray();
		for (const mo of mos) {
			w.startObject();
			if (mo.DDF !== undefined) w.key("DDF").string(mo.DDF);
			w.key("MOID").string(mo.MOID);
			w.key("MIID").startArray();
			for (const id of mo.MIID) w.string(id);
			w.endArray().endObject();
		}
		w.endArray();
	}
	let any = false;
	for (const a of alerts) {
		if (!any) { w.key("Alert").startArray(); any = true; }
		writeAlert(w, a);
	}
	if (any) w.endArray();
	w.endObject();
	w.end();
}

/**
 * Reads a whole Package#1 (the development server's side, and round-trip tests): MOS items need
 * MIID (the schema's one required member) and string members; malformed → DmError(400).
 */
export function decodePackage1(bytes: Uint8Array): { MOS?: SupportedMo[]; Alert: GenericAlert[] } {
	const doc = decodeJson(bytes);
	if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new DmError(400, "Package#1: not a JSON object");
	const out: { MOS?: SupportedMo[]; Alert: GenericAlert[] } = { Alert: decodeAlerts(doc["Alert"], "Package#1") };
	const mos = doc["MOS"];
	if (mos === undefined) return out;
	if (!Array.isArray(mos)) throw new DmError(400, "Package#1: MOS is not an array");
	out.MOS = mos.map((item, i): SupportedMo => {
		if (item === null || typeof item !== "object" || Array.isArray(item)) throw new DmError(400, `Package#1: MOS item ${i} is not an object`);
		const { MOID, MIID, DDF } = item;
		if (!Array.isArray(MIID) || !MIID.every((x) => typeof x === "string")) throw new DmError(400, `Package#1: MOS item ${i} needs MIID, an array of strings`);
		// MOID is not in the schema's "required", but an MO without one cannot be addressed: 400 too
		if (typeof MOID !== "string") throw new DmError(400, `Package#1: MOS item ${i} needs MOID, a string`);
		if (DDF !== undefined && typeof DDF !== "string") throw new DmError(400, `Package#1: MOS item ${i}'s DDF is not a string`);
		const mo: SupportedMo = { MOID, MIID: MIID as string[] };
		if (DDF !== undefined) mo.DDF = DDF;
		return mo;
	});
	return out;
}
