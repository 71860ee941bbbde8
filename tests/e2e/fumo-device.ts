// What the FUMO e2e tests share (tests/e2e/fumo*.test.ts): the device's PSK, its firmware key (the
// sim's development key, hosts/sim/peers/fixtures), signed envelopes of sim firmware files, and the
// factory file that gives dms1 the right to write and execute FUMO (docs/design/fumo.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSimImage, simPayload } from "../../hosts/sim/firmware/image.js";
import { buildEnvelope, rawPublicKey } from "../../tools/firmware/envelope.js";
import { root } from "../host/xsdm.js";

const DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2", DACMO = "urn:oma:mo:oma-dm-dacmo:1.0", DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", FUMO = "urn:oma:mo:oma-fumo:1.0";
export const FUMO_PSK = { identity: "fumo-device-1", key: Buffer.from("5c1e9a7b3d2f4a6c8e0b1d3f5a7c9e2b", "hex") };
const KEY_PEM = readFileSync(join(root, "hosts/sim/peers/fixtures/firmware-dev-key.pem"), "utf8");
/** --firmware-key's value: the development key's public point */
export const FUMO_KEY_HEX = rawPublicKey(KEY_PEM).toString("hex");
const b64 = (b: Buffer | string): string => Buffer.from(b).toString("base64");
const PAYLOAD = Buffer.from(encodeSimImage("xsdm-sim", "1.1", simPayload("1.1", 30000)));

/** A signed envelope (by default: sim firmware 1.1, 30000 payload bytes, the development key). */
export function fumoEnvelope(o: { model?: string; version?: string; payload?: Uint8Array; key?: string; digest?: Uint8Array } = {}): Buffer {
	return buildEnvelope({ model: o.model ?? "xsdm-sim", version: o.version ?? "1.1", payload: o.payload ?? PAYLOAD, key: o.key ?? KEY_PEM, ...(o.digest ? { digest: o.digest } : {}) });
}

/** The factory file: dms1 over TLS-PSK, DevInfo, and the DACMO entry that lets dms1 write and execute FUMO (interpretation 16). */
export function fumoFactory(dmPort: number): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:493005100592801", Man: "Vendor", Mod: "xsdm-sim", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "?", SwV: "1", HwV: "" } } },
		{ ClientURI: `${DMACC}/dms1/`, MOData: { dms1: {
			SrvID: "dms1", SrvURI: `https://127.0.0.1:${dmPort}/dm`, Name: "fumo", Perm: { "1": { MOID: DMACC }, "2": { MOID: FUMO }, "3": { MOID: DEVINFO } },
			Auth: { Trsp: { Data: b64(FUMO_PSK.identity), Secret: b64(FUMO_PSK.key) } },
		} } },
		{ ClientURI: `${DACMO}/${encodeURIComponent(FUMO)}/`, MOData: { [FUMO]: { FUMO: { fw: { Permissions: { "1": { MAID: "serverid:dms1", AR: 7 } } } } } } },
	]);
}
