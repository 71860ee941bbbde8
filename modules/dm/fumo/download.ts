// The package download (FUMO Download / DownloadAndUpdate): an HTTP GET of PkgURL streamed
// through the envelope reader straight into the inactive slot, resumable.
//
// - Each slot block is erased just before its first byte is programmed (NOR), so nothing of the
//   image is ever held whole in RAM: a chunk from the socket is hashed and programmed, then dropped.
// - Progress reaches flash (the journal, through `save`) when the header has been accepted and at
//   every block boundary: after a dropped connection or a power cut the transfer asks for
//   `Range: bytes=N-` from the end of the last committed block, so at most one block is fetched
//   twice. The bytes already in the slot are hashed again from flash to rebuild the digest (its
//   state cannot be saved). A server that answers such a request with 200 sends the whole
//   envelope: the transfer starts again from 0 on the same answer.
// - A dropped connection or a server error is tried again after a backoff (doubling, capped), up
//   to `attempts` tries; a refused or missing package, or a package that fails its checks, is not.
//   A failing flash (slot or journal) is not the package's fault: it is thrown to the caller.
import { TransportError, TransportFailure, parseUrl, type HttpClient, type HttpResponse } from "../../http/index.js";
import { EnvelopeFault, EnvelopeReader, type EnvelopeExpectations, type EnvelopeHeader, type SlotPartition } from "../../firmware/index.js";
import type { Timers } from "../../time/index.js";
import { FumoResult, type FumoResultCode } from "./codes.js";
import { pattern } from "../../bytes/index.js";

/** What of the image is on flash: its accepted header, and how many payload bytes are committed. */
export interface ImageProgress {
	readonly header?: Uint8Array;
	readonly committed: number;
}

export interface TransferOptions {
	readonly url: string;
	readonly http: HttpClient;
	readonly slot: SlotPartition;
	readonly expect: EnvelopeExpectations;
	/** what an earlier attempt (or an earlier run, before a power cut) left on flash */
	readonly progress: ImageProgress;
	/** commits progress to flash; durable when it returns */
	save(progress: ImageProgress): void;
	readonly timers: Timers;
	/** tries in all (default 5) */
	readonly attempts?: number;
	/** ms before the second try, doubled for each further one (default 2000, at most 60000) */
	readonly retryMs?: number;
	/** plain http package URLs allowed (interpretation 12) */
	readonly development?: boolean;
	log?(line: string): void;
}

export type TransferOutcome =
	| { readonly ok: true; readonly header: EnvelopeHeader }
	| { readonly ok: false; readonly code: FumoResultCode; readonly reason: string };

/** The FUMO result code of a package the device refuses. */
export function faultCode(f: EnvelopeFault): FumoResultCode {
	switch (f.kind) {
	case "corrupt": return FumoResult.CorruptedPackage;
	case "mismatch": return FumoResult.PackageMismatch;
	case "signature": return FumoResult.SignatureFailed;
	case "too-large": return FumoResult.OutOfMemoryDownload;
	}
}

/** An HTTP status that ends the download: the FUMO result code, and whether another try may help. */
function httpOutcome(status: number): { code: FumoResultCode; retry: boolean } {
	if (status === 404 || status === 410) return { code: FumoResult.BadUrl, retry: false };
	if (status === 401 || status === 403 || status === 407) return { code: FumoResult.AuthenticationFailure, retry: false };
	if (status === 408) return { code: FumoResult.RequestTimeout, retry: true };
	if (status === 503) return { code: FumoResult.ServerUnavailable, retry: true };
	if (status >= 500) return { code: FumoResult.ServerError, retry: true };
	return { code: FumoResult.ClientError, retry: false };
}

const CONTENT_RANGE = pattern(/^\s*bytes\s+(\d+)-\d+[/](\d+|\*)\s*$/i);

/** The first byte a 206 answer carries ("bytes 123-456/789"), or undefined. */
function rangeStart(res: HttpResponse): number | undefined {
	const m = CONTENT_RANGE.exec(res.header("Content-Range") ?? "");
	return m ? Number(m[1]) : undefined;
}

class Retry extends Error {}

export async function transfer(o: TransferOptions): Promise<TransferOutcome> {
	try {
		const u = parseUrl(o.url);
		if (u.scheme !== "https" && !o.development) return { ok: false, code: FumoResult.BadUrl, reason: "the package URL is plain http: allowed only in development mode (interpretation 12)" };
	} catch {
		return { ok: false, code: FumoResult.BadUrl, reason: `the package URL ${JSON.stringify(o.url.slice(0, 64))} is no absolute http(s) URL` };
	}
	const { blockLength } = o.slot.status();
	let progress = o.progress;
	const save = (p: ImageProgress): void => { o.save(p); progress = p; };
	const attempts = Math.max(1, o.attempts ?? 5);
	let last: { code: FumoResultCode; reason: string } = { code: FumoResult.NetworkFailure, reason: "no attempt was made" };
	/** envelope bytes the last try had taken in when it ended: what a resume fetches again is the rest of its block */
	let reached: number | undefined;
	for (let attempt = 1; attempt <= attempts; attempt++) {
		if (attempt > 1) {
			const wait = Math.min(60000, (o.retryMs ?? 2000) * 2 ** (attempt - 2));
			o.log?.(`download: try ${attempt}/${attempts} in ${wait} ms (${last.reason})`);
			await new Promise<void>((resume) => o.timers.set(wait, resume));
		}
		try {
			const header = await once();
			return { ok: true, header };
		} catch (e) {
			if (e instanceof EnvelopeFault) return { ok: false, code: faultCode(e), reason: e.message };
			if (e instanceof TransportError) last = { code: e.failure === TransportFailure.Timeout ? FumoResult.RequestTimeout : FumoResult.NetworkFailure, reason: e.message };
			else if (e instanceof Retry) last = { code: FumoResult.NetworkFailure, reason: e.message };
			else if (e instanceof HttpStop) { last = { code: e.code, reason: e.message }; if (!e.retry) return { ok: false, code: e.code, reason: e.message }; }
			// anything else is the device's own flash failing (the slot, the journal): not the
			// package's fault; it reaches the caller, and the operation resumes at the next start
			else throw e;
		}
	}
	return { ok: false, ...last, reason: `${last.reason} (gave up after ${attempts} tries)` };

	/** One request: resumes from what is committed, ends with the verified header or throws. */
	async function once(): Promise<EnvelopeHeader> {
		let reader = rebuild(progress);
		// the whole payload is in the slot already (a cut came after its last byte was kept): its
		// digest, rebuilt from the slot, decides
		if (reader.header && reader.payloadReceived === reader.header.payloadLength) return reader.finish();
		const from = reader.offset;
		if (reached !== undefined) o.log?.(`download: resuming at byte ${from} of the package; the last try had reached byte ${reached}`);
		const res = await o.http.request({ method: "GET", url: o.url, headers: from > 0 ? [["Range", `bytes=${from}-`]] : [] });
		if (res.status === 206 && from > 0) {
			if (rangeStart(res) !== from) {
				await drain(res);
				save({ committed: 0 });	// an answer for other bytes: start again from 0, next time
				throw new Retry(`the server answered the range from ${from} with ${res.header("Content-Range") ?? "no Content-Range"}`);
			}
		}
		else if (res.status === 200) {
			if (from > 0) {
				o.log?.(`download: the server sent the whole package for a range request: starting again from 0`);
				save({ committed: 0 });
				reader = rebuild(progress);
			}
		}
		else if (res.status === 416 && from > 0) {
			// the server has fewer bytes than were kept (the file changed?): start again from 0
			await drain(res);
			save({ committed: 0 });
			throw new Retry(`the server refused the range from byte ${from} (HTTP 416)`);
		}
		else {
			await drain(res);
			throw new HttpStop(res.status);
		}
		let pos = progress.committed;
		let hadHeader = progress.header !== undefined;
		const program = (payload: Uint8Array): void => {
			for (let at = 0; at < payload.length;) {
				if (pos % blockLength === 0) o.slot.eraseBlock(pos / blockLength, pos / blockLength + 1);
				const n = Math.min(payload.length - at, blockLength - (pos % blockLength));
				o.slot.write(payload.subarray(at, at + n), pos);
				at += n;
				pos += n;
				if (pos % blockLength === 0) save({ header: progress.header!, committed: pos });
			}
		};
		// the header is checked inside feed() before any payload byte is programmed: it goes to
		// flash as soon as it is accepted, so that a resume knows what it resumes
		const keepHeader = (): void => { hadHeader = true; save({ header: reader.headerBytes()!, committed: 0 }); };
		const take = (p: Uint8Array): void => { if (!hadHeader) keepHeader(); program(p); };
		reached = reader.offset;
		const onChunk = (chunk: Uint8Array): void => {
			reader.feed(chunk, take);
			reached = reader.offset;
			if (!hadHeader && reader.header) keepHeader();
		};
		// pull(): pieces lent as the socket delivers them (the envelope reader keeps none), one
		// Promise for the image; read(), a Promise per piece, is the reference path
		if (res.pull) await res.pull(onChunk);
		else for (let chunk = await res.read(); chunk; chunk = await res.read()) onChunk(chunk);
		const h = reader.header;
		if (!h || reader.payloadReceived < h.payloadLength) throw new Retry(`the connection ended after ${reader.offset} bytes of the package`);
		return reader.finish();
	}

	/** A reader where the committed progress ends: the header checked again and the committed
	    payload bytes hashed again from the slot. */
	function rebuild(p: ImageProgress): EnvelopeReader {
		if (!p.header) return EnvelopeReader.start(o.expect);
		const r = EnvelopeReader.resume(p.header, o.expect);
		for (let at = 0; at < p.committed; at += blockLength) {
			r.skip(new Uint8Array(o.slot.read(Math.min(blockLength, p.committed - at), at)));
		}
		return r;
	}
}

/** Reads an answer's body to its end (kept nowhere) so that the connection can carry the next request. */
async function drain(res: HttpResponse): Promise<void> {
	try {
		while (await res.read()) { /* dropped */ }
	} catch {
		// the next request opens a connection of its own
	}
}

class HttpStop extends Error {
	readonly code: FumoResultCode;
	readonly retry: boolean;
	constructor(readonly status: number) {
		super(`the package server answered HTTP ${status}`);
		const o = httpOutcome(status);
		this.code = o.code;
		this.retry = o.retry;
	}
}
