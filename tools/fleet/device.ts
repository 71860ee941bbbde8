// One simulated device of a fleet (or of the console's tests): its DevID, its PSK identity and key,
// its notification secret, and the factory bootstrap (8.2, dmmo+json) that gives it DevInfo, one
// account with the development server and the rights (DACMO) that account has. The credentials are
// fixtures derived from the device's number: loopback test material only.
export const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
export const SRV_ID = "dms1";
export const NOTI_DATA = Buffer.from("noti-data");

export interface SimDevice {
	devId: string;
	psk: { identity: string; key: Buffer };
	notiSecret: Buffer;
	/** DevInfo values to use instead of the defaults (a test gives a hostile one) */
	devInfo?: Record<string, string>;
}

export function simDevice(n: number, devInfo?: Record<string, string>): SimDevice {
	const hex = n.toString(16).padStart(8, "0");
	return {
		devId: `IMEI:35${String(n).padStart(13, "0")}`,
		psk: { identity: `fleet-device-${n}`, key: Buffer.from(`00112233${hex}8899aabbccddeeff`, "hex") },
		notiSecret: Buffer.from(`notification secret ${n}`),
		...(devInfo ? { devInfo } : {}),
	};
}

/** The factory bootstrap of a device served by the DM server at https://127.0.0.1:PORT/dm. */
export function factory(d: SimDevice, port: number): string {
	const grant = (moid: string, miid: string, ar: number) => ({
		ClientURI: `${DACMO}/${encodeURIComponent(moid)}/`,
		MOData: { [moid]: { [miid]: { dms: { Permissions: { "1": { MAID: `serverid:${SRV_ID}`, AR: ar } } } } } },
	});
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: {
			DevID: d.devId, Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "", ...d.devInfo,
		} } },
		{ ClientURI: `${DMACC}/${SRV_ID}/`, MOData: { [SRV_ID]: {
			SrvID: SRV_ID, SrvURI: `https://127.0.0.1:${port}/dm`, Name: "dev server",
			Perm: { "1": { MOID: DEVINFO }, "2": { MOID: DMACC } },
			Auth: {
				Trsp: { Data: Buffer.from(d.psk.identity).toString("base64"), Secret: d.psk.key.toString("base64") },
				Noti: { Type: 0, Data: NOTI_DATA.toString("base64"), Secret: d.notiSecret.toString("base64") },
			},
		} } },
		// Read on DevInfo; Read, Write and Execute on its own account
		grant(DEVINFO, "devinfo", 1),
		grant(DMACC, SRV_ID, 7),
	]);
}
