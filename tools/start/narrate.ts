// One readable line for each thing the development server saw or did during `npm start`. Values
// are shown as the server received them, except the nodes that hold secrets, which never leave the
// device anyway (interpretation 7, 10) and would not be printed if they did.
import type { Alert, Command, MoData } from "../../hosts/sim/peers/dm-server/packages.js";
import type { ServerEvent, Session } from "../../hosts/sim/peers/dm-server/server.js";
import { DACMO, DEMO, DEVINFO, DMACC } from "./scenario.js";

const SHORT: Record<string, string> = { [DEVINFO]: "DevInfo", "urn:oma:mo:oma-fumo:1.0": "FUMO", [DMACC]: "DMAcc", [DACMO]: "DACMO", [DEMO]: "Sensor", "urn:oma:mo:oma-sessioninfomo:1.0": "SessionInfo" };

/** A ClientURI or AlertType with its well-known prefix shortened. */
export function short(uri: string): string {
	for (const [moid, name] of Object.entries(SHORT)) if (uri.startsWith(moid)) return name + uri.slice(moid.length);
	return uri.replace(/^urn:oma:at:dm:2\.0:/, "").replace(/^https?:\/\/[^/]+/, "");
}

/** The leaves of a dmmo+json MOData as path=value, secrets masked. */
export function leaves(data: unknown, prefix = ""): string[] {
	if (data === null || typeof data !== "object") return [`${prefix}=${/Secret/i.test(prefix) ? "***" : JSON.stringify(data)}`];
	return Object.entries(data as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}/${k}` : k));
}

function describeCommand(c: Command): string {
	const [name, ...args] = c;
	switch (name) {
	case "HGET": return `HGET ${short(args[1] ?? "")} from ${short(args[0]!)}`;
	case "EXEC": return args[1] ? `EXEC ${short(args[0]!)} (report later)` : `EXEC ${short(args[0]!)}`;
	case "SUB": return `SUB ${short(args[1]!)} (report to ${short(args[0]!)})`;
	default: return [name, ...args.map(short)].join(" ");
	}
}

function describeAlert(a: Alert): string {
	const data = a.Data ? ` ${JSON.stringify(a.Data)}` : "";
	return `Generic Alert ${short(a.AlertType)}${a.SourceURI ? ` for ${short(a.SourceURI)}` : ""}${data}`;
}

function describeResults(parts: MoData[]): string {
	return parts.map((p) => `${short(p.ClientURI)} ${leaves(Object.values(p.MOData)[0]).join(" ")}`).join("; ");
}

export function narrate(e: ServerEvent, sessions: readonly Session[]): string[] {
	const n = (s: Session | undefined): string => (s ? `session ${sessions.indexOf(s) + 1}` : "no session");
	switch (e.kind) {
	case "received": {
		const r = e.received;
		if (r.kind === "package1") {
			const lines = [`${n(e.session)}: Package#1 from ${e.session.devId}: ${short(e.session.trigger)}${r.body.MOS ? `, MOS ${r.body.MOS.map((m) => short(m.MOID ?? "?")).join(" ")}` : ""}`];
			for (const a of r.body.Alert ?? []) if (a.AlertType !== e.session.trigger) lines.push(`${n(e.session)}: Package#1 carries ${describeAlert(a)}`);
			return lines;
		}
		const commands = e.session.sent[e.session.sent.length - 1] ?? [];
		const statuses = r.body.Status.map((s, i) => `${commands[i]?.[0] ?? "?"} ${s.sc}`).join(", ");
		const lines = [`${n(e.session)}: Package#3: ${statuses}`];
		const gets = commands.flatMap((c, i) => (c[0] === "GET" && r.body.Status[i]?.sc === 200 ? [i] : []));
		r.results.forEach((parts, i) => lines.push(`${n(e.session)}: multipart part "${gets[i]}" (GET data): ${describeResults(parts)}`));
		for (const a of r.body.Alert ?? []) lines.push(`${n(e.session)}: Package#3 carries ${describeAlert(a)}`);
		return lines;
	}
	case "sent": return [`${n(e.session)}: Package#2: ${e.commands.map(describeCommand).join(", ")}`];
	case "violation": return [`${n(e.session)}: VIOLATION ${e.message}`];
	case "cut": return [`${n(e.session)}: the device went away before END: the session is cut`];
	case "repository": {
		const r = e.request;
		if (r.method !== "GET") {
			let what = `${r.body.length} bytes`;
			try { what = describeResults(JSON.parse(r.body.toString("utf8")) as MoData[]); } catch { /* shown as a size */ }
			return [`repository: ${r.method} ${r.path} (${r.contentType ?? "untyped"}) answered ${e.status}: ${what}`];
		}
		return [`repository: GET ${r.path} answered ${e.status}`];
	}
	}
}
