// What the console's page may ask of a device, checked as the device would check the command it
// becomes: the ClientURI by the client's own parser (modules/dm/uri, 6.1.1), the argument count by
// the client's own Package#2 reader (toCommand), a ServerURI as an http(s) URL on loopback (this
// project's servers are all on loopback). A refusal carries the reason the page shows.
import { DmError } from "../../../../../modules/dm/error.js";
import { toCommand } from "../../../../../modules/dm/codec/index.js";
import { parseClientUri } from "../../../../../modules/dm/uri/index.js";
import type { Command } from "../packages.js";

export const ACTION_KINDS = ["GET", "HGET", "DELETE", "EXEC", "SUB", "UNSUB"] as const;
export type ActionKind = typeof ACTION_KINDS[number];

/** What the page sends: a ClientURI, HGET's value, EXEC's optional ServerURI for its report. */
export interface ActionRequest { kind: ActionKind; clientUri: string; value?: string; serverUri?: string }

/** the largest HGET value the page may hand the repository */
export const HGET_VALUE_MAX = 64 * 1024;

export class Refused extends Error {
	constructor(message: string) {
		super(message);
		this.name = "Refused";
	}
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/** An http(s) URL on loopback, or the reason it is not one. */
export function checkServerUri(text: string, what: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new Refused(`${what} ${JSON.stringify(text.slice(0, 80))} is not a URL`);
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") throw new Refused(`${what} must be an https (or http) URL, not ${url.protocol}`);
	if (!LOOPBACK.test(url.hostname)) throw new Refused(`${what} must name a loopback host (127.0.0.0/8, ::1): this server manages devices on this machine only`);
	if (text.length > 2048) throw new Refused(`${what} is longer than 2048 characters`);
	return text;
}

/** Parses one untrusted request body (JSON) into an ActionRequest, or refuses it. */
export function readAction(body: unknown): ActionRequest {
	if (typeof body !== "object" || body === null) throw new Refused("an action is a JSON object {kind, clientUri, value?, serverUri?}");
	const o = body as Record<string, unknown>;
	if (!ACTION_KINDS.includes(o.kind as ActionKind)) throw new Refused(`kind must be one of ${ACTION_KINDS.join(", ")}`);
	for (const k of ["clientUri", "value", "serverUri"]) if (k in o && o[k] !== undefined && typeof o[k] !== "string") throw new Refused(`${k} must be a string`);
	if (typeof o.clientUri !== "string") throw new Refused("clientUri is required");
	return {
		kind: o.kind as ActionKind, clientUri: o.clientUri,
		...(typeof o.value === "string" ? { value: o.value } : {}),
		...(typeof o.serverUri === "string" && o.serverUri !== "" ? { serverUri: o.serverUri } : {}),
	};
}

/** Where the console's repository serves HGET values and receives SUB reports, on the server's origin. */
export interface ActionPlaces { hgetUrl: string; reportUrl: string }

/** The DM command an action becomes, checked like the device checks it; throws Refused with the reason. */
export function toDmCommand(a: ActionRequest, places: ActionPlaces): Command {
	try {
		parseClientUri(a.clientUri);
	} catch (e) {
		if (e instanceof DmError) throw new Refused(`the device would refuse it (${e.status}): ${e.message}`);
		throw e;
	}
	let command: Command;
	switch (a.kind) {
	case "GET": case "DELETE": case "UNSUB": command = [a.kind, a.clientUri]; break;
	case "HGET":
		if (a.value === undefined) throw new Refused("HGET needs the value the repository serves");
		if (a.value.length > HGET_VALUE_MAX) throw new Refused(`the HGET value is longer than ${HGET_VALUE_MAX} characters`);
		command = ["HGET", places.hgetUrl, a.clientUri];
		break;
	case "EXEC": command = a.serverUri ? ["EXEC", a.clientUri, checkServerUri(a.serverUri, "the ServerURI for EXEC's report")] : ["EXEC", a.clientUri]; break;
	case "SUB": command = ["SUB", places.reportUrl, a.clientUri]; break;
	}
	const typed = toCommand(command[0], command.slice(1));
	if (typed instanceof DmError) throw new Refused(`the device would refuse it (${typed.status}): ${typed.message}`);
	return command;
}
