// The DM bootstrap file on a smartcard (Appendix G): EF.DIR → the PKCS#15 application (AID and
// path) → ODF → DODFs → the data object with OID 2.23.43.7.1 → EF DM_Bootstrap, whose JSON is
// handed to a consumer chunk by chunk (G.4.3: the unused tail is FF, which UTF-8 never contains,
// so the first FF ends the document and the rest is not read; so does the close of the document's
// top-level array or object). With extended lengths (T=1) files are selected without their FCP
// and read in long blocks up to their end, the card saying where it is (6282).
import { CardFiles, EXTENDED_CHUNK_DEFAULT, EXTENDED_CHUNK_MAX, OFFSET_MAX, SECURE_CHUNK_MAX, type Selected, type Transmitter } from "./card.js";
import type { Profile, SelectAnswer } from "./commands.js";
import { sameBytes } from "../bytes/index.js";
import { findTlv, readTlv } from "./der.js";
import { CardError } from "./error.js";

export const PKCS15_AID: Uint8Array = Uint8Array.of(0xa0, 0x00, 0x00, 0x00, 0x63, 0x50, 0x4b, 0x43, 0x53, 0x2d, 0x31, 0x35);
/** 2.23.43.7.1 in DER (G.4.2) */
const BOOTSTRAP_OID: Uint8Array = Uint8Array.of(0x67, 0x2b, 0x07, 0x01);
const EF_DIR = 0x2f00;
const EF_DIR_PATH: Uint8Array = Uint8Array.of(0x3f, 0x00, 0x2f, 0x00);
const EF_ODF = 0x5031;
/** Bounds on the directory files held in memory at once. */
const ODF_MAX = 512;
const DODF_MAX = 2048;
const DIR_RECORDS_MAX = 16;
const NOTHING_SELECTED: Selected = Object.freeze({ size: 0, recordLength: 0 });

export interface BootstrapObject {
	readonly label: string;
	/** "private" or "modifiable" set: cardholder verification first (G.2.4, G.3.4) */
	readonly needsPin: boolean;
	readonly path: Uint8Array;
}

export interface BootstrapOptions {
	profile: Profile;
	/** ASCII digits; presented (once, see verifyOnce) only when the DODF marks the object private or modifiable */
	pin?: Uint8Array;
	/** READ BINARY chunk: 256 on plain T=0, less under a secure channel; with extended lengths EXTENDED_CHUNK_DEFAULT, at most EXTENDED_CHUNK_MAX */
	chunk?: number;
	/** the link carries extended Lc/Le (CardLink.extendedLength: T=1 and a card that says it takes them) */
	extended?: boolean;
	/**
	 * Opens the secure channel (Appendix H) on the channel where the PKCS#15 application has just
	 * been selected; everything after goes through it, and it is closed (keys wiped) at the end.
	 */
	secure?: (t: Transmitter, channel: number) => Promise<Transmitter & { close(): void }>;
}

export interface BootstrapResult {
	readonly object: BootstrapObject;
	/** JSON bytes handed to the sink */
	readonly length: number;
}

/** The path (tag 51) of the PKCS#15 application template in an EF.DIR record, or undefined. */
export function pkcs15Path(record: Uint8Array): Uint8Array | undefined {
	if (record.length === 0 || record[0] === 0xff) return undefined;
	const app = readTlv(record, 0);
	if (app.tag !== 0x61) return undefined;
	const aid = findTlv(record, app.start, app.end, 0x4f);
	if (!aid || !sameBytes(record.subarray(aid.start, aid.end), PKCS15_AID)) return undefined;
	const path = findTlv(record, app.start, app.end, 0x51);
	if (!path) throw new CardError("format", "the PKCS#15 application template has no path (51)");
	return record.slice(path.start, path.end);
}

/** The DODF paths of an ODF ([7] entries, in priority order). */
export function dodfPaths(odf: Uint8Array): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let at = 0; at < odf.length;) {
		if (odf[at] === 0xff || odf[at] === 0x00) break; // unused space
		const e = readTlv(odf, at);
		if (e.tag === 0xa7) out.push(pathOf(odf, e.start, e.end));
		at = e.end;
	}
	return out;
}

/** The bootstrap object of a DODF, or undefined when it has none. */
export function findBootstrap(dodf: Uint8Array): BootstrapObject | undefined {
	for (let at = 0; at < dodf.length;) {
		if (dodf[at] === 0xff || dodf[at] === 0x00) break;
		const obj = readTlv(dodf, at);
		at = obj.end;
		if (obj.tag !== 0x30) continue; // externalIDO, oidDO: not opaque, not ours
		const common = readTlv(dodf, obj.start, obj.end);
		const klass = readTlv(dodf, common.end, obj.end);
		if (common.tag !== 0x30 || klass.tag !== 0x30) throw new CardError("format", "DODF object without its attribute sequences");
		const oid = findTlv(dodf, klass.start, klass.end, 0x06);
		if (!oid || !sameBytes(dodf.subarray(oid.start, oid.end), BOOTSTRAP_OID)) continue;
		let type = readTlv(dodf, klass.end, obj.end);
		if (type.tag === 0xa0) type = readTlv(dodf, type.end, obj.end); // subClassAttributes
		if (type.tag !== 0xa1) throw new CardError("format", "the bootstrap object has no typeAttributes [1]");
		const labelTlv = findTlv(dodf, common.start, common.end, 0x0c);
		const flags = findTlv(dodf, common.start, common.end, 0x03);
		// CommonObjectFlags BIT STRING: bit 0 private, bit 1 modifiable (first byte after the unused-bits count)
		const needsPin = !!flags && flags.end - flags.start >= 2 && (dodf[flags.start + 1]! & 0xc0) !== 0;
		let label = "";
		if (labelTlv) for (let i = labelTlv.start; i < labelTlv.end; i++) label += String.fromCharCode(dodf[i]!);
		return Object.freeze({ label, needsPin, path: pathOf(dodf, type.start, type.end) });
	}
	return undefined;
}

/** Path ::= SEQUENCE { path OCTET STRING, ... } inside [start, end). */
function pathOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
	const seq = readTlv(bytes, start, end);
	const p = seq.tag === 0x30 ? findTlv(bytes, seq.start, seq.end, 0x04) : undefined;
	if (!p || p.end - p.start < 2 || (p.end - p.start) % 2) throw new CardError("format", "a PKCS#15 path is not a SEQUENCE with an OCTET STRING of FIDs");
	return bytes.slice(p.start, p.end);
}

/**
 * Appendix G from EF.DIR to the bootstrap JSON. On a 3G card the PKCS#15 ADF is selected by AID on
 * a logical channel of its own (G.3.1), closed again at the end; on a 2G card by path (G.2.1).
 */
export async function readBootstrap(t: Transmitter, o: BootstrapOptions, sink: (chunk: Uint8Array) => void): Promise<BootstrapResult> {
	const long = o.extended === true;
	const chunk = long ? Math.min(o.chunk ?? EXTENDED_CHUNK_DEFAULT, EXTENDED_CHUNK_MAX) : o.chunk;
	const mf = new CardFiles(t, o.profile, 0, chunk);
	// 3G: EF.DIR selected by path from the MF (wherever the basic channel stands) without its FCP:
	// READ RECORD 1 asks 256 bytes and the card's 6Cxx names the record length, one 7-byte round
	// trip instead of SELECT's GET RESPONSE. 2G: a SIM answers a wrong length with 67xx (TS 51.011
	// 9.4.6), not ISO's 6Cxx, which T=0 does not re-issue: the GSM response gives the record length.
	let records = DIR_RECORDS_MAX;
	let recordLength = 256;
	if (o.profile === "3g") await mf.selectPath(EF_DIR_PATH, "none");
	else {
		await mf.selectFid(0x3f00, "none");
		const dir = await mf.selectFid(EF_DIR);
		if (dir.recordLength) {
			recordLength = dir.recordLength;
			records = Math.min(dir.size / dir.recordLength, DIR_RECORDS_MAX);
		}
	}
	let appPath: Uint8Array | undefined;
	for (let n = 1; n <= records && !appPath; n++) {
		const r = await mf.readRecord(n, recordLength);
		if (r.sw === 0x6a83) break; // no more records
		if (r.sw !== 0x9000) throw new CardError("status", "READ RECORD of EF.DIR refused", r.sw);
		if (r.data.length) recordLength = r.data.length; // linear fixed: every record as long as the first
		appPath = pkcs15Path(r.data);
	}
	if (!appPath) throw new CardError("absent", "EF.DIR names no PKCS#15 application: this card carries no DM bootstrap");
	let files = mf;
	let channel = 0;
	let secure: (Transmitter & { close(): void }) | undefined;
	if (o.profile === "3g") {
		channel = await mf.openChannel();
		files = mf.onChannel(channel);
	}
	try {
		if (o.profile === "3g") await files.selectAid(PKCS15_AID, "none");
		else await files.selectPath(appPath, "none");
		if (o.secure) {
			secure = await o.secure(t, channel);
			// with extended lengths the Le is sent and the card keeps the wrapped answer within it
			files = new CardFiles(secure, o.profile, channel, long ? chunk : Math.min(o.chunk ?? SECURE_CHUNK_MAX, SECURE_CHUNK_MAX));
		}
		const odf = long ? (await files.selectFid(EF_ODF, "none"), await files.readUpTo(ODF_MAX))
			: await files.readSmall((await files.selectFid(EF_ODF)).size, ODF_MAX);
		let object: BootstrapObject | undefined;
		for (const p of dodfPaths(odf)) {
			object = findBootstrap(long ? (await selectInApp(files, p, "none"), await files.readUpTo(DODF_MAX))
				: await files.readSmall((await selectInApp(files, p)).size, DODF_MAX));
			if (object) break;
		}
		if (!object) throw new CardError("absent", "no DODF holds a DM bootstrap object (OID 2.23.43.7.1): this card carries no DM bootstrap");
		if (object.needsPin) await verifyOnce(files, object, o, appPath);
		// unsized, the read stops at the first FF, the document's end or the card's 6282
		const size = long ? (await selectInApp(files, object.path, "none"), OFFSET_MAX + 1) : (await selectInApp(files, object.path)).size;
		let length = 0;
		const json = new JsonEnd();
		await files.readBinary(0, size, (chunk) => {
			const ff = chunk.indexOf(0xff);
			const body = ff < 0 ? chunk : chunk.subarray(0, ff);
			const end = json.scan(body);
			const whole = end < 0 ? body : body.subarray(0, end);
			if (whole.length) sink(whole);
			length += whole.length;
			return ff < 0 && end < 0;
		});
		return Object.freeze({ object, length });
	} finally {
		secure?.close();
		if (channel) await mf.closeChannel(channel).catch(() => undefined);
	}
}

/**
 * Cardholder verification before the bootstrap is read (G.2.4: CHV1 on a SIM; G.3.4: the PIN of
 * the PKCS#15 ADF, key reference 01 on this reader, on a UICC). The retry counter is read first
 * without spending a try (3G: VERIFY without data; 2G: the GSM response of the PKCS#15 DF): a
 * blocked PIN is not presented at all, and the last try is never spent automatically, since the
 * same wrong PIN given at every start would otherwise block the card after a few starts.
 */
async function verifyOnce(files: CardFiles, object: BootstrapObject, o: BootstrapOptions, appPath: Uint8Array): Promise<void> {
	if (!o.pin) throw new CardError("pin-required", `the bootstrap object "${object.label}" is private: give the card PIN`);
	const tries = o.profile === "2g" ? (await files.selectPath(appPath)).pinTries : await files.pinTries();
	if (tries === "verified") return;
	if (tries === 0) throw new CardError("pin-blocked", "the card PIN is blocked: unblock it with the PUK; the PIN was not presented", undefined, 0);
	if (tries === 1) throw new CardError("pin-last-try", "one card PIN try left: not spent automatically; verify the PIN on a phone first", undefined, 1);
	await files.verify(o.pin);
}

/** PKCS#15 paths inside the application are FIDs relative to it (or absolute from 3F00). */
async function selectInApp(files: CardFiles, path: Uint8Array, answer: SelectAnswer = "fcp"): Promise<Selected> {
	if (path[0] === 0x3f && path[1] === 0x00) return files.selectPath(path, answer);
	let s = NOTHING_SELECTED;
	for (let i = 0; i < path.length; i += 2) s = await files.selectFid((path[i]! << 8) | path[i + 1]!, i + 2 < path.length ? "none" : answer);
	return s;
}

/**
 * Where a JSON document's top-level array or object closes, tracked across chunks (strings and
 * their escapes skipped), so that a read can stop there instead of fetching the padding after it.
 * A document of a bare scalar is never seen as closed: the FF padding ends that one.
 */
export class JsonEnd {
	#depth = 0;
	#inString = false;
	#escape = false;
	#closed = false;

	/** The offset just past the document's end within `chunk`, or -1 when it has not ended. */
	scan(chunk: Uint8Array): number {
		if (this.#closed) return 0;
		for (let i = 0; i < chunk.length; i++) {
			const c = chunk[i]!;
			if (this.#inString) {
				if (this.#escape) this.#escape = false;
				else if (c === 0x5c) this.#escape = true;
				else if (c === 0x22) this.#inString = false;
			} else if (c === 0x22) this.#inString = true;
			else if (c === 0x5b || c === 0x7b) this.#depth++;
			else if ((c === 0x5d || c === 0x7d) && --this.#depth <= 0) {
				this.#closed = true;
				// whitespace after the close, as far as this chunk shows it, still belongs to the file's text
				let end = i + 1;
				while (end < chunk.length && (chunk[end] === 0x20 || chunk[end] === 0x0a || chunk[end] === 0x0d || chunk[end] === 0x09)) end++;
				return end;
			}
		}
		return -1;
	}
}
