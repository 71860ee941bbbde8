// What `npm start` demonstrates: the card's bootstrap document (two DM servers' accounts: the demo
// server's, with the Perm MOIDs and DACMO rights the scenario needs, and a second server's, with
// Perm only, managed on the default rights of interpretation 16), the data each repository holds
// (the demo server's own, and one on another origin with an X.509 certificate from a test CA, which
// the device trusts through --ca), and the Package#2s of each session. The credentials are
// fixtures of this demonstration only.
import type { Command } from "../../hosts/sim/peers/dm-server/packages.js";
import type { RepositoryEntry } from "../../hosts/sim/peers/dm-server/server.js";

export const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
/** the simulated device's own MO (hosts/sim/dm-device/ddf/demo.xml) */
export const DEMO = "urn:oma:mo:ext-acme-demo:1.0";
export const DEV_ID = "IMEI:356938035643809";
export const SRV_ID = "demo";
/** the second DM server managing the device */
export const SRV2_ID = "ops";

export const psk = { identity: "demo-device", key: Buffer.from("a1b2c3d4e5f60718293a4b5c6d7e8f90", "hex") };
/** the device's PSK with the second server (each account has its own Auth/Trsp) */
export const psk2 = { identity: "demo-device-ops", key: Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex") };
export const notiSecret = Buffer.from("demo notification secret");
export const notiData = Buffer.from("demo");
export const scp03Keys = "404142434445464748494a4b4c4d4e4f:505152535455565758595a5b5c5d5e5f:606162636465666768696a6b6c6d6e6f";

/** the Interval the server writes into the sensor (HGET from its repository) */
export const INTERVAL = 15;
export const INTERVAL_PATH = "/repo/sensor/interval";
export const CHANGES_PATH = "/repo/sensor/changes";

/** Read 1, Write 2, Execute 4 (10, 12.3) */
const AR = { read: 1, readWriteExec: 7 };

/** The DM bootstrap on the card (Appendix G): DevInfo, the two servers' accounts, the demo server's rights. */
export function bootstrap(port: number, port2: number): string {
	const dacmo = (moid: string, miid: string, ar: number) => ({
		ClientURI: `${DACMO}/${encodeURIComponent(moid)}/`,
		MOData: { [moid]: { [miid]: { all: { Permissions: { "1": { MAID: `serverid:${SRV_ID}`, AR: ar } } } } } },
	});
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: DEV_ID, Man: "Acme", Mod: "Sensor-1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "Acme", FwV: "1.4.2", SwV: "2.0.0", HwV: "rev B" } } },
		{ ClientURI: `${DMACC}/${SRV_ID}/`, MOData: { [SRV_ID]: {
			SrvID: SRV_ID, SrvURI: `https://127.0.0.1:${port}/dm`, Name: "development DM server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC }, "3": { MOID: DEMO } },
			Auth: {
				Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") },
				Noti: { Type: 0, Data: notiData.toString("base64"), Secret: notiSecret.toString("base64") },
			},
		} } },
		// the second server: Perm only, no DACMO entry; its bootstrap gives it its own account and Get on DevInfo (interpretation 16)
		{ ClientURI: `${DMACC}/${SRV2_ID}/`, MOData: { [SRV2_ID]: {
			SrvID: SRV2_ID, SrvURI: `https://127.0.0.1:${port2}/dm`, Name: "operations DM server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC } },
			Auth: { Trsp: { Data: Buffer.from(psk2.identity).toString("base64"), Secret: psk2.key.toString("base64") } },
		} } },
		dacmo(DEVINFO, "devinfo", AR.read),
		// the sensor instance is the device's own ("sensor", demo-mo.ts); the server configures, calibrates and watches it
		dacmo(DEMO, "sensor", AR.readWriteExec),
	]);
}

/** The demo server's own repository: where the SUB reports go (CHANGES_PATH). */
export function repository(): Record<string, RepositoryEntry> {
	return {};
}

/** The repository on another origin (hosts/sim/peers/repository.ts): the sensor's Interval. */
export function originFiles(): Record<string, string> {
	return { [INTERVAL_PATH]: String(INTERVAL) };
}

/** Package#2s per session: the BootstrapComplete session, then the one the Package#0 starts; in
    --serve mode every later session reads the sensor back too. `origin` is the other repository's. */
export function sessions(port: number, serve: boolean, origin: string): Command[][][] {
	const base = `https://127.0.0.1:${port}`;
	const first: Command[][] = [[
		["GET", `${DEVINFO}//`],
		["HGET", `${origin}${INTERVAL_PATH}`, `${DEMO}//Interval`],
		["EXEC", `${DEMO}//Calibrate`, `${base}/dm`],
		["SUB", `${base}${CHANGES_PATH}`, `${DEMO}//`],
	]];
	const readBack: Command[][] = [[["GET", `${DEMO}//`]]];
	return [first, readBack, ...(serve ? Array.from({ length: 100 }, () => readBack) : [])];
}

/** The second server's one session (its BootstrapComplete): it reads the device's firmware
    version and its own account's Name, on the rights its bootstrap gave it. */
export function sessions2(): Command[][][] {
	return [[[["GET", `${DEVINFO}//FwV`], ["GET", `${DMACC}//Name`]]]];
}
