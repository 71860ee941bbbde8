// The device the fault tests drive (dm-device's test driver, --keep-going): its factory account on dm-server,
// whose Name leaf an HGET rewrites each session, and what it prints about each session.
export const psk = { identity: "device-1", key: Buffer.from("00112233445566778899aabbccddeeff", "hex") };
const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0";
export const DMACC = "urn:oma:mo:oma-dm-dmacc:1.2";
export const FAULT = "urn:oma:at:test:1.0:Fault";

export function factory(port: number): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:493005100592800", Man: "Vendor", Mod: "DM_Client", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "fw-1.0", SwV: "sw-1.2", HwV: "" } } },
		{ ClientURI: `${DMACC}/dms1/`, MOData: { dms1: {
			SrvID: "dms1", SrvURI: `https://127.0.0.1:${port}/dm`, Name: "v0", Perm: { "1": { MOID: DMACC } },
			Auth: { Trsp: { Data: Buffer.from(psk.identity).toString("base64"), Secret: psk.key.toString("base64") } },
		} } },
		{ ClientURI: `${DACMO}/${encodeURIComponent(DMACC)}/`, MOData: { [DMACC]: { dms1: { dms: { Permissions: { "1": { MAID: "serverid:dms1", AR: 3 } } } } } } },
	]);
}

/** What the device printed about one session (dm-device --keep-going). */
export interface DeviceSession { n: number; raised: boolean; ok: boolean; aborts: number; hget: boolean; hgetRan: boolean; connections: number; queue: number[]; name: string }

export function parseDevice(stdout: string): DeviceSession[] {
	const out: DeviceSession[] = [];
	let cur: DeviceSession | undefined;
	for (const line of stdout.split("\n")) {
		let m: RegExpExecArray | null;
		if ((m = /^session (\d+) begins$/.exec(line))) { cur = { n: Number(m[1]), raised: false, ok: false, aborts: 0, hget: false, hgetRan: false, connections: -1, queue: [], name: "" }; out.push(cur); }
		else if (!cur) continue;
		else if (line === `raised ${cur.n}`) cur.raised = true;
		else if (/^session aborted: /.test(line)) cur.aborts++;
		else if (/^command 0 HGET /.test(line)) { cur.hgetRan = true; cur.hget = / 200$/.test(line); }
		else if ((m = /^session \d+: (ok|failed)/.exec(line))) cur.ok = m[1] === "ok";
		else if ((m = /^connections: (\d+)$/.exec(line))) cur.connections = Number(m[1]);
		else if ((m = /^queue: ?(.*)$/.exec(line))) cur.queue = m[1] ? m[1].split(" ").map(Number) : [];
		else if ((m = /^name: (.*)$/.exec(line))) cur.name = JSON.parse(m[1]!) as string;
	}
	return out;
}
