// What the smartcard e2e tests share: dm-device on xsdm with a file flash, started against the UICC
// simulator on a pty that carries a given DM bootstrap (or none), and the documents they put on it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startUicc, type UiccPeer } from "../host/uicc-peer.js";
import { compiled, runXsdm, type Run } from "../host/xsdm.js";
import { after } from "../harness/index.js";

export const CARD_PSK = { identity: "card-device", key: Buffer.from("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "hex") };
/** the card's SCP03 static keys ENC:MAC:DEK */
export const CARD_KEYS = "404142434445464748494a4b4c4d4e4f:505152535455565758595a5b5c5d5e5f:606162636465666768696a6b6c6d6e6f";
export const DMACC = "urn:oma:mo:oma-dm-dmacc:1.2", DEVINFO = "urn:oma:mo:oma-dm-devinfo:1.2";
export const DEVICE_MAIN = compiled("hosts/sim/dm-device/main.ts");
export const FLASH_SIZE = 256 * 1024;

/** a dmmo+json item of a DM account with the card PSK; `node` overrides or (undefined) drops nodes */
export function cardAccount(id: string, srvUri: string, node: Record<string, unknown> = {}): object {
	const data: Record<string, unknown> = {
		SrvID: id, SrvURI: srvUri, Name: "card server", Perm: { "1": { MOID: DEVINFO } },
		Auth: { Trsp: { Data: Buffer.from(CARD_PSK.identity).toString("base64"), Secret: CARD_PSK.key.toString("base64") } },
	};
	for (const [k, v] of Object.entries(node)) { if (v === undefined) delete data[k]; else data[k] = v; }
	return { ClientURI: `${DMACC}/${id}/`, MOData: { [id]: data } };
}

/** DevInfo and the given items, as a card or a factory carries them */
export function cardDocument(items: object[]): string {
	return JSON.stringify([
		{ ClientURI: `${DEVINFO}/devinfo/`, MOData: { devinfo: { DevID: "IMEI:356938035643809", Man: "Acme", Mod: "M1", DmV: "2.0", Lang: "en", DevType: "sensor", OEM: "", FwV: "1", SwV: "1", HwV: "" } } },
		...items,
	]);
}

/** one account per id at the DM server on that port */
export function cardAccounts(port: number, ids: string[]): string {
	return cardDocument(ids.map((id) => cardAccount(id, `https://127.0.0.1:${port}/dm`)));
}

export interface CardBoot {
	/** the document on the card; undefined: a readable card without a DM bootstrap */
	document: string | undefined;
	/** the card's SCP03 keys (null: the card offers no secure channel) */
	cardKeys?: string | null;
	/** the keys dm-device is given (null: none) */
	deviceKeys?: string | null;
	/** more simulator options, e.g. ["--fault", "mute-atr:0"] */
	uicc?: string[];
	/** more dm-device options, e.g. ["--session", "cardsrv"] */
	args?: string[];
	flashSize?: number;
	/** xsdm options after the flash's, e.g. ["--powercut", "12"] */
	xsdm?: string[];
}

export interface DeviceRun extends Run { peer: string[] }

/** A scratch directory removed after the file's tests, and dm-device runs in it. */
export function cardBench(prefix: string) {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	after(() => rmSync(dir, { recursive: true, force: true }));
	let files = 0;
	const flashOptions = (flash: string, size = FLASH_SIZE, more: string[] = []) => ["--flash", flash, "--flash-size", String(size), "--flash-block", "4096", ...more];
	return {
		dir,
		flash: (name: string): string => join(dir, name),
		/** a card simulator (left running: stop it) */
		async uicc(o: CardBoot): Promise<UiccPeer> {
			const keys = o.cardKeys === undefined ? CARD_KEYS : o.cardKeys;
			let card = ["--no-bootstrap"];
			if (o.document !== undefined) {
				const file = join(dir, `card-${files++}.json`);
				writeFileSync(file, o.document);
				card = ["--bootstrap", file];
			}
			return startUicc([...card, ...(keys ? ["--scp03", keys] : []), ...(o.uicc ?? [])]);
		},
		/** dm-device with --card on a simulator that is already running */
		onCard(uicc: UiccPeer, flash: string, o: CardBoot): Promise<Run> {
			const keys = o.deviceKeys === undefined ? CARD_KEYS : o.deviceKeys;
			return runXsdm(DEVICE_MAIN, ["--card", `${uicc.slave}:${uicc.fifo}:3g`, ...(keys ? ["--card-keys", keys] : []), "--log", "text", ...(o.args ?? [])],
				{ options: flashOptions(flash, o.flashSize, o.xsdm), timeoutMs: 60000 });
		},
		/** a start with a fresh simulator carrying that card */
		async boot(flash: string, o: CardBoot): Promise<DeviceRun> {
			const uicc = await this.uicc(o);
			try {
				return { ...await this.onCard(uicc, flash, o), peer: uicc.lines };
			} finally {
				await uicc.stop();
			}
		},
		/** dm-device without a card */
		device(flash: string, args: string[], flashSize?: number): Promise<Run> {
			return runXsdm(DEVICE_MAIN, ["--log", "text", ...args], { options: flashOptions(flash, flashSize), timeoutMs: 60000 });
		},
	};
}

/** what dm-device printed as its DM accounts after the card step: "SrvID=SrvURI ..." */
export function accountsAfterCard(stdout: string): string {
	const line = /^DM accounts: (.*)$/m.exec(stdout);
	if (!line) throw new Error(`dm-device printed no DM accounts line:\n${stdout}`);
	return line[1]!;
}
