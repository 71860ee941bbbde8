// Package#3 (application/vnd.oma.dm.response+json, 7.2.1.3) and Generic Alerts (7.2.1.5).
// Written as a stream into a JsonWriter: one status object per Package#2 command, in order,
// always in the schema's object form {"sc":200} / {"sc":200,"URI":[...]} (interpretation 1),
// then any Generic Alerts. Reading (for the development server and tests) also accepts the bare
// numbers the spec's examples show.
import { DmError, type DmStatus } from "../error.js";
import { decodeJson, type JsonValue } from "./json-value.js";
import type { JsonWriter } from "./json-writer.js";

export interface GenericAlert {
	AlertType: string;
	SourceURI?: string;
	TargetURI?: string;
	Mark?: string;
	DataType?: string;
	/** its format is out of the spec's scope; interpretation 5 gives the ServerInitiatedMgmt one */
	Data?: { [key: string]: JsonValue };
}

export interface Status { sc: number; URI?: string[] }

export function writeJsonValue(w: JsonWriter, v: JsonValue): void {
	if (v === null) w.null();
	else if (typeof v === "boolean") w.boolean(v);
	else if (typeof v === "number") w.number(v);
	else if (typeof v === "string") w.string(v);
	else if (Array.isArray(v)) { w.startArray(); for (const x of v) writeJsonValue(w, x); w.endArray(); }
	else { w.startObject(); for (const k of Object.keys(v)) { w.key(k); writeJsonValue(w, v[k]!); } w.endObject(); }
}

/** Writes the members of one Generic Alert object (used by Package#1 and Package#3 alike). */
export function writeAlert(w: JsonWriter, alert: GenericAlert): void {
	w.startObject().key("AlertType").string(alert.AlertType);
	for (const name of ["SourceURI", "TargetURI", "Mark", "DataType"] as const) {
		const value = alert[name];
		if (value !== undefined) w.key(name).string(value);
	}
	if (alert.Data !== undefined) { w.key("Data"); writeJsonValue(w, alert.Data); }
	w.endObject();
}

const enum Phase { Start = 1, Statuses, Alerts, Ended }

export class Package3Writer {
	private phase = Phase.Start;
	private count = 0;

	constructor(private readonly w: JsonWriter) {}

	/** The status of the next command of the Package#2, with the ClientURIs it concerns. */
	status(sc: DmStatus, uris?: readonly string[]): this {
		if (this.phase === Phase.Start) { this.w.startObject().key("Status").startArray(); this.phase = Phase.Statuses; }
		if (this.phase !== Phase.Statuses) throw new TypeError("statuses come before alerts");
		this.w.startObject().key("sc").number(sc);
		if (uris && uris.length) { this.w.key("URI").startArray(); for (const u of uris) this.w.string(u); this.w.endArray(); }
		this.w.endObject();
		this.count++;
		return this;
	}

	alert(alert: GenericAlert): this {
		if (this.phase === Phase.Start) { this.w.startObject().key("Status").startArray(); this.phase = Phase.Statuses; }
		if (this.phase === Phase.Statuses) { this.w.endArray().key("Alert").startArray(); this.phase = Phase.Alerts; }
		if (this.phase !== Phase.Alerts) throw new TypeError("the package is complete");
		writeAlert(this.w, alert);
		return this;
	}

	/** Closes the package and flushes the writer; returns how many statuses it holds. */
	end(): number {
		if (this.phase === Phase.Ended) throw new TypeError("the package is complete");
		if (this.phase === Phase.Start) this.w.startObject().key("Status").startArray().endArray();
		else this.w.endArray();
		this.w.endObject();
		this.w.end();
		this.phase = Phase.Ended;
		return this.count;
	}
}

/** Reads a whole Package#3 (server side); bare status numbers are accepted. Malformed → DmError 400. */
export function decodePackage3(bytes: Uint8Array): { Status: Status[]; Alert: GenericAlert[] } {
	const doc = decodeJson(bytes);
	if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !Array.isArray(doc["Status"]))
		throw new DmError(400, "Package#3: no Status array");
	const statuses = doc["Status"].map((item, i): Status => {
		if (isStatusCode(item)) return { sc: item };
		if (item && typeof item === "object" && !Array.isArray(item) && isStatusCode(item["sc"])) {
			const uris = item["URI"];
			// an empty URI list says nothing more than none: the writer leaves it out, so does the reader
			if (uris === undefined || (Array.isArray(uris) && uris.length === 0)) return { sc: item["sc"] as number };
			if (Array.isArray(uris) && uris.every((u) => typeof u === "string")) return { sc: item["sc"] as number, URI: uris as string[] };
		}
		throw new DmError(400, `Package#3: status ${i} is malformed`);
	});
	return { Status: statuses, Alert: decodeAlerts(doc["Alert"], "Package#3") };
}

/** An HTTP-style three-digit code: anything else cannot be answered back. */
function isStatusCode(v: JsonValue | undefined): v is number {
	return typeof v === "number" && Number.isInteger(v) && v >= 100 && v <= 999;
}

const ALERT_TEXT_MEMBERS = ["AlertType", "SourceURI", "TargetURI", "Mark", "DataType"] as const;

/**
 * An Alert member as read by a server (Package#1, Package#3): absent is none; anything the schema
 * of 7.2.1.5 does not allow (a text member that is no string, Data that is no object) is 400, so
 * what is returned can always be written back by writeAlert. Other members are dropped.
 */
export function decodeAlerts(value: JsonValue | undefined, where: string): GenericAlert[] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw new DmError(400, `${where}: Alert is not an array`);
	return value.map((item, i): GenericAlert => {
		if (item === null || typeof item !== "object" || Array.isArray(item) || typeof item["AlertType"] !== "string")
			throw new DmError(400, `${where}: alert ${i} has no AlertType`);
		const alert: GenericAlert = { AlertType: item["AlertType"] };
		for (const name of ALERT_TEXT_MEMBERS) {
			const v = item[name];
			if (v === undefined) continue;
			if (typeof v !== "string") throw new DmError(400, `${where}: alert ${i}'s ${name} is not a string`);
			alert[name] = v;
		}
		const data = item["Data"];
		if (data !== undefined) {
			if (data === null || typeof data !== "object" || Array.isArray(data)) throw new DmError(400, `${where}: alert ${i}'s Data is not an object`);
			alert.Data = data;
		}
		return alert;
	});
}
