// What the development DM server accepts from a client, checked to the letter of section 7.2.1
// (the JSON schemas of Package#1, Package#3, the Generic Alert and dmmo+json), 5.2.2–5.2.4 (the
// HTTP rules), Appendix C (the only valid status codes) and Appendix F (multipart results).
// Written apart from modules/dm/codec on purpose: the client's encoder and the server's checks
// share no code, so a misreading in one is caught by the other.

export class Violation extends Error {
	constructor(message: string) {
		super(message);
		this.name = "Violation";
	}
}

export const MIME = {
	initiation: "application/vnd.oma.dm.initiation+json",
	request: "application/vnd.oma.dm.request+json",
	response: "application/vnd.oma.dm.response+json",
	dmmo: "application/dmmo+json",
	multipart: "multipart/form-data",
} as const;

/** Appendix C: "The only valid values are the standard values defined in this specification." */
const STATUS_CODES = new Set([200, 202, 204, 304, 400, 403, 404, 405, 406, 415, 419, 500, 501, 503, 506, 507]);
export function isValidStatus(sc: unknown): sc is number {
	return typeof sc === "number" && Number.isInteger(sc) && (STATUS_CODES.has(sc) || (sc >= 1000 && sc <= 1999));
}

export const SESSION_ALERTS = {
	server: "urn:oma:at:dm:2.0:ServerInitiatedMgmt",
	client: "urn:oma:at:dm:2.0:ClientInitiatedMgmt",
	bootstrap: "urn:oma:at:dm:2.0:BootstrapComplete",
} as const;

export interface Alert { AlertType: string; SourceURI?: string; TargetURI?: string; Mark?: string; DataType?: string; Data?: Record<string, unknown> }
export interface Package1 { MOS?: { DDF?: string; MOID?: string; MIID: string[] }[]; Alert?: Alert[] }
export interface Status { sc: number; URI?: string[] }
export interface Package3 { Status: Status[]; Alert?: Alert[] }
export interface MoData { DDF?: string; ClientURI: string; CV?: string; MOData: Record<string, unknown> }

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(body: Buffer, what: string): Json {
	const text = body.toString("utf8");
	if (!Buffer.from(text, "utf8").equals(body)) throw new Violation(`${what}: the body is not valid UTF-8`);
	try {
		return JSON.parse(text) as Json;
	} catch (e) {
		throw new Violation(`${what}: the body is not JSON (${(e as Error).message})`);
	}
}

function optionalString(o: Record<string, unknown>, key: string, where: string): void {
	if (key in o && typeof o[key] !== "string") throw new Violation(`${where}.${key} must be a string`);
}

function stringArray(v: unknown, where: string): string[] {
	if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Violation(`${where} must be an array of strings`);
	return v;
}

export function checkAlerts(v: unknown, where: string): Alert[] {
	if (!Array.isArray(v)) throw new Violation(`${where} must be an array`);
	return v.map((a, i) => {
		const at = `${where}[${i}]`;
		if (!isObject(a)) throw new Violation(`${at} must be an object`);
		if (typeof a.AlertType !== "string") throw new Violation(`${at}.AlertType is required and must be a string`);
		for (const k of ["SourceURI", "TargetURI", "Mark", "DataType"]) optionalString(a, k, at);
		if ("Data" in a && !isObject(a.Data)) throw new Violation(`${at}.Data must be an object`);
		return a as unknown as Alert;
	});
}

export function checkPackage1(body: Buffer): Package1 {
	const v = parseJson(body, "Package#1");
	if (!isObject(v)) throw new Violation("Package#1 must be a JSON object");
	if ("MOS" in v) {
		if (!Array.isArray(v.MOS)) throw new Violation("Package#1 MOS must be an array");
		v.MOS.forEach((m, i) => {
			if (!isObject(m)) throw new Violation(`Package#1 MOS[${i}] must be an object`);
			stringArray(m.MIID, `Package#1 MOS[${i}].MIID`);
			optionalString(m, "DDF", `Package#1 MOS[${i}]`);
			optionalString(m, "MOID", `Package#1 MOS[${i}]`);
		});
	}
	const alerts = "Alert" in v ? checkAlerts(v.Alert, "Package#1 Alert") : [];
	// 5.2.2: a session starts with exactly one of the three session alerts
	const kinds = alerts.filter((a) => Object.values(SESSION_ALERTS).includes(a.AlertType as never));
	if (kinds.length !== 1) throw new Violation(`Package#1 must carry exactly one of the ServerInitiatedMgmt, ClientInitiatedMgmt or BootstrapComplete alerts (found ${kinds.length})`);
	if (kinds[0]!.AlertType === SESSION_ALERTS.server) {
		const id = kinds[0]!.Data?.["NOTIFICATION-ID"];
		if (!(typeof id === "number" && Number.isInteger(id) && id >= 0 && id <= 0xffff)) throw new Violation("the ServerInitiatedMgmt alert must carry the NOTIFICATION-ID (0..65535) in its Data");
	}
	return v as unknown as Package1;
}

export function checkPackage3(body: Buffer, commandCount: number): Package3 {
	const v = parseJson(body, "Package#3");
	if (!isObject(v)) throw new Violation("Package#3 must be a JSON object");
	if (!Array.isArray(v.Status)) throw new Violation("Package#3 Status is required and must be an array");
	v.Status.forEach((s, i) => {
		// the schema's items are objects; DESIGN.md interpretation 1: a client sends {"sc": n}
		if (!isObject(s)) throw new Violation(`Package#3 Status[${i}] must be an object {"sc": n}`);
		if (!isValidStatus(s.sc)) throw new Violation(`Package#3 Status[${i}].sc ${JSON.stringify(s.sc)} is not a status code of Appendix C`);
		if ("URI" in s) stringArray(s.URI, `Package#3 Status[${i}].URI`);
	});
	if (v.Status.length !== commandCount) throw new Violation(`Package#3 has ${v.Status.length} statuses for the ${commandCount} commands of the Package#2`);
	if ("Alert" in v) checkAlerts(v.Alert, "Package#3 Alert");
	return v as unknown as Package3;
}

export function checkDmmo(body: Buffer, where: string): MoData[] {
	const v = parseJson(body, where);
	const items = Array.isArray(v) ? v : [v];   // interpretation 14: Appendix F shows a single object
	return items.map((m, i) => {
		if (!isObject(m)) throw new Violation(`${where}[${i}] must be an object`);
		if (typeof m.ClientURI !== "string") throw new Violation(`${where}[${i}].ClientURI is required and must be a string`);
		if (!isObject(m.MOData)) throw new Violation(`${where}[${i}].MOData is required and must be an object`);
		optionalString(m, "DDF", `${where}[${i}]`);
		optionalString(m, "CV", `${where}[${i}]`);
		return m as unknown as MoData;
	});
}

export interface Part { name: string | undefined; contentType: string; body: Buffer }

/** Splits a multipart/form-data body (RFC 2046 framing, RFC 7578 dispositions). */
export function splitMultipart(body: Buffer, contentType: string): Part[] {
	const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const boundary = m?.[1] ?? m?.[2];
	if (!boundary || boundary.length > 70) throw new Violation("multipart/form-data without a valid boundary parameter");
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: Part[] = [];
	let at = body.indexOf(delimiter);
	if (at < 0) throw new Violation("multipart body without its first boundary");
	for (;;) {
		at += delimiter.length;
		if (body.subarray(at, at + 2).toString() === "--") return parts;
		if (body.subarray(at, at + 2).toString() !== "\r\n") throw new Violation("a multipart boundary must end its line with CRLF");
		const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), at);
		if (next < 0) throw new Violation("multipart body without its closing boundary");
		const part = body.subarray(at + 2, next);
		const split = part.indexOf("\r\n\r\n");
		if (split < 0) throw new Violation("a multipart part without a blank line after its headers");
		const headers = new Map<string, string>();
		for (const line of part.subarray(0, split).toString("latin1").split("\r\n")) {
			const colon = line.indexOf(":");
			if (colon <= 0) throw new Violation(`a malformed part header: ${JSON.stringify(line)}`);
			headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
		}
		const disposition = headers.get("content-disposition") ?? "";
		if (!/^form-data\b/i.test(disposition)) throw new Violation("every part of multipart/form-data needs Content-Disposition: form-data");
		const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
		parts.push({ name, contentType: headers.get("content-type") ?? "text/plain", body: part.subarray(split + 4) });
		at = next + 2;
	}
}

/** The command names a Package#2 may carry (5.3). */
export const COMMANDS = ["HGET", "HPUT", "HPOST", "DELETE", "EXEC", "GET", "SHOW", "CONT", "END", "DEFAULT", "SUB", "UNSUB"] as const;
export type Command = [typeof COMMANDS[number], ...string[]];

/** Appendix F: after a multipart Package#3, one part per GET answered 200, named by its index. */
export function checkResults(parts: Part[], commands: readonly Command[], status: Package3): MoData[][] {
	const [first, ...rest] = parts;
	if (!first || first.name !== undefined || !first.contentType.startsWith(MIME.response)) throw new Violation("the first part of a multipart Package#3 must be the unnamed Package#3 itself");
	const wanted = commands.flatMap((c, i) => (c[0] === "GET" && status.Status[i]?.sc === 200 ? [String(i)] : []));
	const got = rest.map((p) => p.name ?? "(unnamed)");
	if (got.join() !== wanted.join()) throw new Violation(`multipart parts ${JSON.stringify(got)} do not match the GETs answered 200: ${JSON.stringify(wanted)}`);
	return rest.map((p) => (p.contentType.startsWith(MIME.dmmo) ? checkDmmo(p.body, `part ${p.name}`) : []));
}
