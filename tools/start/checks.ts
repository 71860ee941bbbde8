// Whether `npm start` went as the spec says, judged only from what the development servers
// recorded (their sessions and repository requests, and the other origin's requests), one check
// per step of the scenario.
import { SESSION_ALERTS, type Alert, type MoData } from "../../hosts/sim/peers/dm-server/packages.js";
import type { RepositoryRequest, Session } from "../../hosts/sim/peers/dm-server/server.js";
import { CHANGES_PATH, DEMO, DEV_ID, INTERVAL, INTERVAL_PATH, SRV2_ID } from "./scenario.js";

export interface Check { step: string; ok: boolean; detail: string }

export interface Record {
	/** the demo server's */
	sessions: readonly Session[];
	repositoryRequests: readonly RepositoryRequest[];
	/** the second DM server's sessions */
	second: readonly Session[];
	/** what the repository on the other origin served */
	origin: readonly { method: string; path: string }[];
}

/** The statuses of session `s`'s first Package#3, and its GET data. */
function firstAnswer(s: Session | undefined): { sc: number[]; results: MoData[][]; alerts: Alert[] } | undefined {
	const p3 = s?.received.find((r) => r.kind === "package3");
	return p3?.kind === "package3" ? { sc: p3.body.Status.map((x) => x.sc), results: p3.results, alerts: p3.body.Alert ?? [] } : undefined;
}

function sensorOf(parts: MoData[] | undefined): { Interval?: unknown; Offset?: unknown } | undefined {
	const part = parts?.find((p) => p.ClientURI.startsWith(DEMO));
	return part ? Object.values(part.MOData)[0] as { Interval?: unknown; Offset?: unknown } : undefined;
}

export function checkDemo(r: Record): Check[] {
	const checks: Check[] = [];
	const check = (step: string, ok: boolean, detail: string): void => { checks.push({ step, ok, detail }); };
	const [one, two] = r.sessions;

	check("session 1 is BootstrapComplete from the card's DevID", one?.trigger === SESSION_ALERTS.bootstrap && one.devId === DEV_ID, `${one?.trigger ?? "no session"} from ${one?.devId ?? "nobody"}`);
	const a1 = firstAnswer(one);
	const devinfo = a1?.results[0]?.find((p) => p.ClientURI.includes("devinfo"));
	const devId = (devinfo ? Object.values(devinfo.MOData)[0] as { DevID?: unknown } : undefined)?.DevID;
	check("GET DevInfo: 200, its data in a multipart part", a1?.sc[0] === 200 && devId === DEV_ID, `status ${a1?.sc[0]}, DevID ${String(devId)}`);
	const fetched = r.origin.find((q) => q.method === "GET" && q.path === INTERVAL_PATH);
	check("HGET: the device fetched Interval from the repository on another origin (X.509, trusted through --ca) and wrote it (200)", fetched !== undefined && a1?.sc[1] === 200, `GET there ${fetched ? "made" : "not made"}, status ${a1?.sc[1]}`);
	check("EXEC Calibrate with a ServerURI: 202, reported later", a1?.sc[2] === 202, `status ${a1?.sc[2]}`);
	check("SUB on the sensor: 200", a1?.sc[3] === 200, `status ${a1?.sc[3]}`);

	// 5.3.5: the final status in a Generic Alert, in a later Package#3 or a new session's Package#1
	const later = r.sessions.flatMap((s, i) => s.received.flatMap((p, j) => ((i === 0 && j <= 1) ? [] : (p.body.Alert ?? []).map((a) => ({ a, where: `session ${i + 1} Package#${p.kind === "package1" ? 1 : 3}` })))));
	const reports = later.filter(({ a }) => a.SourceURI?.startsWith(DEMO) && a.SourceURI.endsWith("/Calibrate"));
	const sc = (reports[0]?.a.Data as { sc?: unknown } | undefined)?.sc;
	check("EXEC's asynchronous report: one Generic Alert, final status 200", reports.length === 1 && sc === 200, reports.length ? `${reports.length} in ${reports.map((x) => x.where).join(", ")}, sc ${String(sc)}` : "none arrived");

	const puts = r.repositoryRequests.filter((q) => q.method === "PUT" && q.path === CHANGES_PATH);
	let reported: { Interval?: unknown; Offset?: unknown } | undefined;
	try { reported = sensorOf(JSON.parse(puts[0]?.body.toString("utf8") ?? "[]") as MoData[]); } catch { reported = undefined; }
	check("SUB report: one PUT of the sensor after the device changed its Offset", puts.length === 1 && reported?.Interval === INTERVAL && typeof reported.Offset === "number" && reported.Offset !== 0,
		`${puts.length} PUT(s)${reported ? `, Interval ${String(reported.Interval)}, Offset ${String(reported.Offset)}` : ""}`);

	check("session 2 is ServerInitiatedMgmt, after the Package#0", two?.trigger === SESSION_ALERTS.server, two?.trigger ?? "no second session");
	const read = sensorOf(firstAnswer(two)?.results[0]);
	check("session 2 reads back the written Interval and the reported Offset", read?.Interval === INTERVAL && read.Offset === reported?.Offset,
		read ? `Interval ${String(read.Interval)}, Offset ${String(read.Offset)}` : "no sensor data");
	// the second server: its own BootstrapComplete session, on its default rights, and none of the demo server's alerts
	const [other] = r.second;
	const a2 = firstAnswer(other);
	const fwv = a2?.results[0]?.[0], name = a2?.results[1]?.[0];
	check(`second server (${SRV2_ID}): its BootstrapComplete session reads DevInfo/FwV and its own account's Name (default rights)`,
		other?.trigger === SESSION_ALERTS.bootstrap && other.devId === DEV_ID && a2?.sc.join() === "200,200" && fwv !== undefined && name !== undefined,
		other ? `${other.trigger} from ${other.devId}, statuses ${a2?.sc.join(" ")}${fwv ? `, FwV ${JSON.stringify(Object.values(fwv.MOData)[0])}` : ""}${name ? `, Name ${JSON.stringify(Object.values(name.MOData)[0])}` : ""}` : "no session");
	const crossed = r.second.flatMap((s) => s.received.flatMap((p) => (p.body.Alert ?? []).filter((a) => a.SourceURI?.startsWith(DEMO))));
	check("no alert crosses: the EXEC report never went to the second server", crossed.length === 0, crossed.length ? `${crossed.length} arrived there` : "none");
	const violations = [...r.sessions, ...r.second].flatMap((s) => s.violations);
	check("no violations of the spec", violations.length === 0, violations.length ? violations.join("; ") : "none");
	return checks;
}
