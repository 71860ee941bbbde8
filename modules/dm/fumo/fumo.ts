// FUMO's behaviour (docs/design/fumo.md): the EXECs of Download, Update and DownloadAndUpdate, the
// State node, the resumable download, the switch into the new image and the one final report.
//
// What is on flash says where an operation is, so that a power cut anywhere, or the restart into
// new firmware, resumes it or settles it:
//   "fo"  the operation under way: which EXEC, the server that ran it and its ServerURI, its phase
//         (download → ready → switching → armed);
//   "fi"  the image in the inactive slot: its accepted envelope header, the payload bytes
//         committed (block boundaries), whether it is whole and verified;
//   State the FUMO node, always written in the same commit as the record it follows.
// The final result becomes a Generic Alert in the alert queue in the very commit that drops "fo"
// (the queue removes it when the server has the package that carried it), so a result is
// reported once and never lost.
//
//   EXEC (202) ──▶ 30 download ──▶ 40 (Download: alert) | 50 ready ──▶ 60 switching ──▶ arm ──▶ armed ──▶ restart
//   next start: boot() trial ──▶ a DM session with the server completes ──▶ confirm() ──▶ 100, 200
//               boot() rolled-back (or settled on the old image once armed) ──▶ 80, 410
//               settled on the new image (confirm() held, the commit after it was cut) ──▶ 100, 200
import { DmError } from "../error.js";
import type { GenericAlert } from "../codec/index.js";
import type { ExecCall, ExecHook, ExecReport } from "../commands/index.js";
import { nodeUri } from "../commands/index.js";
import type { AlertDestination, AlertQueue, HttpClient } from "../session/index.js";
import { FUMO_IMAGE_KEY, FUMO_OPERATION_KEY, type Store } from "../store/index.js";
import { DEVICE_WRITES, grantDeviceInstance, type Tree } from "../tree/index.js";
import type { NodeRef } from "../uri/index.js";
import { decodeBase64, decodeUtf8, encodeBase64, encodeUtf8 } from "../../bytes/index.js";
import { checkHeader, EnvelopeFault, type EnvelopeExpectations, type FirmwareSlots } from "../../firmware/index.js";
import type { Timers } from "../../time/index.js";
import { FUMO_ALERT_TYPES, FUMO_MIID, FUMO_MOID, FUMO_OPERATIONS, FumoResult, FumoState, type FumoOperation, type FumoResultCode, type FumoStateValue } from "./codes.js";
import { faultCode, transfer, type ImageProgress } from "./download.js";

/** What the host provides for firmware update. */
export interface FirmwareConfig {
	readonly slots: FirmwareSlots;
	/** the P-256 key images are signed with (65 bytes, SEC1 uncompressed), factory-provisioned */
	readonly publicKey: Uint8Array;
	/** boots a new image has to prove itself in (a DM session) before it is rolled back (default 3) */
	readonly trials?: number;
	/** download tries per operation (default 5) */
	readonly attempts?: number;
	/** ms before the second download try, doubled after (default 2000) */
	readonly retryMs?: number;
	/** switches tried again after a cut before the slot was armed (default 2), then 410 */
	readonly armTries?: number;
	/** starts of the download in a row that end without a block more on flash (default 3), then 409:
	    bounds a download that can never finish (a slot that fails to program, a cut at every run) */
	readonly stalledRuns?: number;
	/** the signature check (default: modules/crypto's ECDSA P-256 on the host's mbedTLS; Node tests bring their own) */
	readonly verify?: EnvelopeExpectations["verify"];
}

/** What FUMO needs of the device. */
export interface FumoHost {
	readonly tree: Tree;
	readonly store: Store;
	readonly alerts: AlertQueue;
	/** the HTTP client of the server's account (its origin rule, interpretation 19); undefined: no such account */
	http(srvId: string): (HttpClient & { close?(): void }) | undefined;
	readonly timers: Timers;
	readonly development: boolean;
	/** work() has something to do: the device runs it when no session runs */
	wake(): void;
	/** monotonic ms (the download's time in the log) */
	now?(): number;
	log?(line: string): void;
}

type Phase = "download" | "ready" | "switching" | "armed";

interface OperationRecord {
	op: FumoOperation;
	srvId: string;
	url?: string;
	phase: Phase;
	/** switches begun since the last one armed (a cut before arm() held) */
	armTries?: number;
	/** payload bytes committed when the download last started, and how many starts in a row found
	    no more than that: the bound on downloads that never end, across restarts */
	startedAt?: number;
	stalledRuns?: number;
}

interface ImageRecord {
	/** the envelope header, base64 */
	header?: string;
	committed: number;
	/** the payload is whole and its digest and signature held */
	verified?: boolean;
}

const ref = (...path: string[]): NodeRef => ({ moid: FUMO_MOID, miid: FUMO_MIID, path });

function json(v: unknown): Uint8Array { return encodeUtf8(JSON.stringify(v)); }

export class Fumo {
	/** the operation waits for a DM session with its server to prove the new image (a trial boot) */
	private trial: OperationRecord | undefined;
	private running = false;

	constructor(private readonly host: FumoHost, private readonly config: FirmwareConfig) {
		this.ensureInstance();
	}

	// ---- the EXEC hook ----

	/** The EXEC hook: FUMO's nodes here, any other node to the host's own hook. */
	hook(next?: ExecHook): ExecHook {
		return (target, clientUri, call) => {
			if (target.moid !== FUMO_MOID) {
				if (!next) throw new DmError(501, "this device executes no such node");
				return next(target, clientUri, call);
			}
			return this.exec(target, call);
		};
	}

	private exec(target: NodeRef, call: ExecCall): ExecReport {
		const op = target.path.length === 1 ? FUMO_OPERATIONS.find((o) => o === target.path[0]) : undefined;
		if (!op) throw new DmError(405, `${target.path.join("/")}: not a FUMO operation`);
		const under = this.operation();
		if (under) throw new DmError(503, `a firmware ${under.op} is under way (State ${this.state()}): EXEC again when it has reported`);
		const record: OperationRecord = { op, srvId: call.srvId, ...(call.url !== undefined ? { url: call.url } : {}), phase: op === "Update" ? "ready" : "download" };
		if (op === "Update") {
			if (!this.image()?.verified) throw new DmError(400, "no downloaded firmware package to install: EXEC Download first (PkgData is not supported)");
			this.commit(FumoState.ReadyToUpdate, record, undefined);
		}
		else this.commit(FumoState.DownloadProgressing, record, null);
		this.log(`${op} accepted for ${call.srvId}${call.url !== undefined ? `, report to ${call.url}` : ""}`);
		this.host.wake();
		return { status: 202, later: true };
	}

	// ---- the start ----

	/** At the device's start: settles a switch that this boot follows, or asks for work (a download
	    or a switch to resume). Returns the SrvID whose DM session would prove a trial image. */
	start(): string | undefined {
		const fo = this.operation();
		if (!fo) return undefined;
		if (fo.phase === "download" || fo.phase === "ready") { this.host.wake(); return undefined; }
		const boot = this.config.slots.boot();
		const target = this.targetVersion();
		if (boot.kind === "trial") {
			this.trial = fo;
			this.log(`new firmware ${this.config.slots.running().version} on trial (${boot.bootsLeft} boots left): a session with ${fo.srvId} proves it`);
			return fo.srvId;
		}
		if (boot.kind === "rolled-back") {
			this.finish(fo, FumoState.UpdateFailedNoData, FumoResult.UpdateFailed, null, "the new firmware did not prove itself: the previous image runs again");
			return undefined;
		}
		// settled
		if (target !== undefined && this.config.slots.running().version === target) {
			this.finish(fo, FumoState.UpdateSuccessfulNoData, FumoResult.Successful, null, `firmware ${target} runs`);
		}
		else if (fo.phase === "armed") {
			this.finish(fo, FumoState.UpdateFailedNoData, FumoResult.UpdateFailed, null, "the new firmware did not prove itself: the previous image runs again");
		}
		else {
			// the cut came before arm() held: the old image runs as before; switch again, a bounded number of times
			const tries = (fo.armTries ?? 0) + 1;
			if (tries > (this.config.armTries ?? 2)) this.finish(fo, FumoState.UpdateFailedHaveData, FumoResult.UpdateFailed, undefined, "the slot could not be armed");
			else { this.commit(FumoState.ReadyToUpdate, { ...fo, phase: "ready", armTries: tries }, undefined); this.host.wake(); }
		}
		return undefined;
	}

	/** A DM session with `srvId` completed: a trial image that waited for it is confirmed, and its
	    result queued. Returns whom the result alert is for, if one was queued. */
	proved(srvId: string): AlertDestination | undefined {
		const fo = this.trial;
		if (!fo || fo.srvId !== srvId) return undefined;
		this.config.slots.confirm();
		this.trial = undefined;
		this.finish(fo, FumoState.UpdateSuccessfulNoData, FumoResult.Successful, null, `firmware ${this.config.slots.running().version} proved itself and stays`);
		return { srvId: fo.srvId, ...(fo.url !== undefined ? { url: fo.url } : {}) };
	}

	/** Whether work() has something to do. */
	get pending(): boolean {
		const fo = this.operation();
		return fo !== undefined && (fo.phase === "download" || fo.phase === "ready");
	}

	/** Runs the operation under way as far as it goes: the download, then (Update,
	    DownloadAndUpdate) the switch, which ends in restart() and does not return. Returns the
	    destination of the result alert it queued, if any. */
	async work(): Promise<AlertDestination | undefined> {
		if (this.running) return undefined;
		this.running = true;
		try {
			let fo = this.operation();
			if (fo && fo.phase === "download") {
				const failed = await this.download(fo);
				if (failed) return this.finish(fo, FumoState.DownloadFailed, failed.code, null, failed.reason);
				if (fo.op === "Download") return this.finish(fo, FumoState.DownloadComplete, FumoResult.Successful, undefined, "the package is downloaded and verified");
				fo = { ...fo, phase: "ready" };
				this.commit(FumoState.ReadyToUpdate, fo, undefined);
			}
			if (fo && fo.phase === "ready") return this.switchTo(fo);
			return undefined;
		} finally {
			this.running = false;
		}
	}

	// ---- the steps ----

	private async download(fo: OperationRecord): Promise<{ code: FumoResultCode; reason: string } | undefined> {
		const url = this.host.tree.text(ref(fo.op, "PkgURL")) ?? "";
		if (url === "") return { code: FumoResult.BadUrl, reason: `${fo.op}/PkgURL is empty: set it (HGET) before the EXEC` };
		const http = this.host.http(fo.srvId);
		if (!http) return { code: FumoResult.ClientError, reason: `no DM account ${fo.srvId} any more, whose rules reach the package server` };
		const known = this.image();
		const had = known?.committed ?? 0;
		const stalled = had > (fo.startedAt ?? -1) ? 1 : (fo.stalledRuns ?? 0) + 1;
		if (stalled > (this.config.stalledRuns ?? 3)) return { code: FumoResult.UndefinedError, reason: `the download started ${stalled - 1} times in a row without a block more on flash` };
		this.commit(FumoState.DownloadProgressing, { ...fo, startedAt: had, stalledRuns: stalled }, undefined);
		const slot = this.config.slots.openInactive();
		try {
			const progress: ImageProgress = known?.header !== undefined ? { header: decodeBase64(known.header)!, committed: known.committed } : { committed: 0 };
			this.log(`downloading ${url}${progress.committed ? ` from payload byte ${progress.committed}` : ""}`);
			const began = this.host.now?.();
			let savedHeader: Uint8Array | undefined, headerText: string | undefined;
			const outcome = await transfer({
				url, http, slot, expect: this.expectations(slot.status().size), progress, timers: this.host.timers,
				save: (p) => {
					// the header is the same at every block boundary of a transfer: encoded once
					if (p.header !== savedHeader) { savedHeader = p.header; headerText = p.header && encodeBase64(p.header); }
					const bytes = json(headerText !== undefined ? { header: headerText, committed: p.committed } : { committed: p.committed });
					this.host.store.transact((t) => t.put(FUMO_IMAGE_KEY, bytes));
				},
				development: this.host.development,
				...(this.config.attempts !== undefined ? { attempts: this.config.attempts } : {}),
				...(this.config.retryMs !== undefined ? { retryMs: this.config.retryMs } : {}),
				...(this.host.log ? { log: this.host.log } : {}),
			});
			if (!outcome.ok) return outcome;
			const p = this.image()!;
			this.host.store.transact((t) => t.put(FUMO_IMAGE_KEY, json({ ...p, committed: outcome.header.payloadLength, verified: true })));
			const took = began !== undefined ? ` in ${Math.round(this.host.now!() - began)} ms` : "";
			this.log(`downloaded ${outcome.header.model} ${outcome.header.version}: ${outcome.header.payloadLength} bytes${took}, digest and signature verified`);
			return undefined;
		} finally {
			slot.close();
			http.close?.();
		}
	}

	private switchTo(fo: OperationRecord): AlertDestination | undefined {
		const image = this.image();
		const header = image?.header !== undefined ? decodeBase64(image.header) : undefined;
		if (!image?.verified || !header) return this.finish(fo, FumoState.UpdateFailedNoData, FumoResult.UpdateFailed, null, "the verified image is gone from the slot");
		let length: number;
		try {
			// the running image may have changed since the download (another update): check again
			length = checkHeader(header, this.expectations(Number.MAX_SAFE_INTEGER)).payloadLength;
		} catch (e) {
			if (e instanceof EnvelopeFault) return this.finish(fo, FumoState.UpdateFailedHaveData, faultCode(e), undefined, e.message);
			throw e;
		}
		const switching: OperationRecord = { ...fo, phase: "switching" };
		this.commit(FumoState.UpdateProgressing, switching, undefined);
		// a failing arm() (the boot record's flash) reaches the caller like a power cut would: the
		// next start finds "switching" on the old image and tries again, armTries times, then 410
		this.config.slots.arm(length, this.config.trials ?? 3);
		this.commit(FumoState.UpdateProgressing, { ...switching, phase: "armed" }, undefined);
		this.log("restarting into the new firmware");
		return this.config.slots.restart();
	}

	// ---- flash ----

	/** The final result: State, the alert, and the end of the operation in one commit. `image`:
	    null drops the image record, undefined keeps it. Returns whom the alert is for. */
	private finish(fo: OperationRecord, state: FumoStateValue, code: FumoResultCode, image: null | undefined, reason: string): AlertDestination {
		const to: AlertDestination = { srvId: fo.srvId, ...(fo.url !== undefined ? { url: fo.url } : {}) };
		const alert: GenericAlert = { AlertType: FUMO_ALERT_TYPES[fo.op], SourceURI: nodeUri(ref(fo.op)), DataType: "application/json", Data: { ResultCode: code } };
		const staged = this.host.alerts.stage(alert, to);
		this.commit(state, null, image, staged.writes);
		staged.committed();
		this.log(`${fo.op} ended with ${code} (State ${state}): ${reason}`);
		return to;
	}

	/** One commit of State with the records: an OperationRecord is written, null deletes, undefined leaves. */
	private commit(state: FumoStateValue, fo: OperationRecord | null, image: ImageRecord | null | undefined, more: readonly [string, Uint8Array][] = []): void {
		const cs = this.host.tree.change(DEVICE_WRITES);
		try {
			cs.put(ref("State"), state);
			cs.record(FUMO_OPERATION_KEY, fo ? json(fo) : undefined);
			if (image !== undefined) cs.record(FUMO_IMAGE_KEY, image ? json(image) : undefined);
			for (const [key, value] of more) cs.record(key, value);
			cs.commit();
		} finally {
			cs.abort();
		}
	}

	private operation(): OperationRecord | undefined {
		return this.read<OperationRecord>(FUMO_OPERATION_KEY);
	}

	private image(): ImageRecord | undefined {
		return this.read<ImageRecord>(FUMO_IMAGE_KEY);
	}

	private read<T>(key: string): T | undefined {
		const bytes = this.host.store.get(key);
		const text = bytes && decodeUtf8(bytes);
		return text === undefined ? undefined : JSON.parse(text) as T;
	}

	private state(): number {
		return Number(this.host.tree.text(ref("State")) ?? FumoState.Idle);
	}

	/** The version the image in the slot carries, if its header is known. */
	private targetVersion(): string | undefined {
		const h = this.image()?.header;
		const bytes = h !== undefined ? decodeBase64(h) : undefined;
		if (!bytes) return undefined;
		const m = bytes[5]!, n = bytes[6]!;
		return decodeUtf8(bytes.subarray(44 + m, 44 + m + n));
	}

	private expectations(maxPayload: number): EnvelopeExpectations {
		const running = this.config.slots.running();
		return {
			model: running.model, running: running.version, publicKey: this.config.publicKey, maxPayload,
			allowOlder: this.host.tree.text(ref("Ext", "AllowDowngrade")) === "true",
			...(this.config.verify ? { verify: this.config.verify } : {}),
		};
	}

	/** The device's instance: created once, with its leaves, readable by the servers whose Perm names
	    FUMO (interpretation 16); writing URLs and executing take DACMO rights a bootstrap gives. */
	private ensureInstance(): void {
		const tree = this.host.tree;
		if (tree.instances(FUMO_MOID).includes(FUMO_MIID)) return;
		const cs = tree.change(DEVICE_WRITES);
		try {
			cs.createInstance(FUMO_MOID, FUMO_MIID);
			grantDeviceInstance(cs, FUMO_MOID, FUMO_MIID);
			cs.put(ref("PkgName"), "");
			cs.put(ref("PkgVersion"), "");
			cs.put(ref("Download", "PkgURL"), "");
			cs.put(ref("Update"));
			cs.put(ref("DownloadAndUpdate", "PkgURL"), "");
			cs.put(ref("Ext", "AllowDowngrade"), false);
			cs.commit();
		} finally {
			cs.abort();
		}
	}

	private log(line: string): void {
		this.host.log?.(`fumo: ${line}`);
	}
}
