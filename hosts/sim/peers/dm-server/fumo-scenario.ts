// dm-server's FUMO scenario (issue 17): in the device's first session the server writes
// DownloadAndUpdate/PkgURL by HGET from its repository (the URL of the image on the image server)
// and EXECs DownloadAndUpdate with a ServerURI; it executes again in later sessions only while the
// device has not answered the EXEC (a cut session); every other session reads DevInfo/FwV and the
// FUMO State. `result` resolves with the first firmware update result alert that arrives.
import type { Alert, Command } from "./packages.js";
import type { RepositoryEntry, ServerEvent, Session } from "./server.js";

export const FUMO_MOID = "urn:oma:mo:oma-fumo:1.0";
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2";
export const FUMO_RESULT_PREFIX = "org.openmobilealliance.dm.firmwareupdate.";
/** the repository path the PkgURL is fetched from */
export const PKGURL_PATH = "/fumo/pkgurl";

export interface FumoScenario {
	/** the repository entry to serve at PKGURL_PATH */
	readonly repository: Record<string, RepositoryEntry>;
	/** ServerOptions.next */
	next(session: Session): Command[] | undefined;
	/** ServerOptions.observe (or DmServer.observe) */
	observe(e: ServerEvent): void;
	/** the first firmware update result alert */
	readonly result: Promise<Alert>;
}

/** `dmBase()`: the server's own https origin (known once it listens); the report goes to its /dm. */
export function fumoScenario(o: { pkgUrl: string; dmBase(): string; instance?: string }): FumoScenario {
	const at = `${FUMO_MOID}/${o.instance ?? "FUMO"}`;
	let answered = false;
	let settle: (a: Alert) => void = () => undefined;
	const result = new Promise<Alert>((resolve) => { settle = resolve; });
	return {
		repository: { [PKGURL_PATH]: { contentType: "text/plain", body: o.pkgUrl } },
		next: (session) => {
			if (session.sent.length > 0) return [["END"]];
			if (answered) return [["GET", `${DEVINFO}//FwV`], ["GET", `${at}/State`]];
			return [["HGET", `${o.dmBase()}${PKGURL_PATH}`, `${at}/DownloadAndUpdate/PkgURL`], ["EXEC", `${at}/DownloadAndUpdate`, `${o.dmBase()}/dm`]];
		},
		observe: (e) => {
			if (e.kind !== "received") return;
			const r = e.received;
			if (r.kind === "package3" && e.session.sent[0]?.[1]?.[0] === "EXEC" && [202, 503].includes(r.body.Status[1]?.sc ?? 0)) answered = true;
			const alert = (r.body.Alert ?? []).find((a) => a.AlertType.startsWith(FUMO_RESULT_PREFIX));
			if (alert) settle(alert);
		},
		result,
	};
}
