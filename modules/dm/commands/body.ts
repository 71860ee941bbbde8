// HTTP bodies for commands and packages: a writer generator (see serialize.ts) becomes a request
// body producer that honours the transport's back-pressure, and a response body is pulled
// chunk by chunk with a ceiling, so that neither direction holds a document whole.
import { JsonWriter, type JsonSink } from "../codec/index.js";
import type { BodyWriter, HttpResponse } from "../../http/index.js";

/** Bytes JSON is gathered in before it goes to the socket. */
export const BODY_BUFFER = 512;

/** A sink into a BodyWriter that keeps the transport's back-pressure: once write() says "wait",
    what a synchronous writer still produces in the same step (a multipart header, the tail a
    JsonWriter flushes at end()) is held here, copied, and written after drain(). Writers yield
    between small steps, so what is held stays a few buffers. */
export class BodySink {
	private full = false;
	private readonly held: Uint8Array[] = [];
	readonly sink: JsonSink;

	constructor(private readonly out: BodyWriter) {
		this.sink = (bytes) => {
			if (this.full) this.held.push(bytes.slice());
			else if (!this.out.write(bytes.slice())) this.full = true;
		};
	}

	/** Waits for the transport until everything given has been written. Nothing held is the common
	    case: a resolved Promise then, without the frame an async function copies to the heap on XS. */
	settle(): Promise<void> {
		return this.full ? this.drainHeld() : Promise.resolve();
	}

	private async drainHeld(): Promise<void> {
		while (this.full) {
			this.full = false;
			await this.out.drain();
			while (!this.full && this.held.length) if (!this.out.write(this.held.shift()!)) this.full = true;
		}
	}

	/** Runs a writer generator, waiting for the transport wherever it yields and said "wait". */
	async run(steps: Generator<void, void, void>): Promise<void> {
		// settle() when nothing is held would still cost a Promise and an await per step, and a
		// writer yields after every node
		for (let s = steps.next(); !s.done; s = steps.next()) if (this.full) await this.drainHeld();
		if (this.full) await this.drainHeld();
	}
}

/** A request body producer from a JSON writer generator. */
export function jsonBody(produce: (w: JsonWriter) => Generator<void, void, void>): (out: BodyWriter) => Promise<void> {
	// no async wrapper around run(), which is one: a generator runs nothing until its first next()
	return (out) => {
		const s = new BodySink(out);
		return s.run(produce(new JsonWriter(s.sink, BODY_BUFFER)));
	};
}

/** Pulls a response body to its end (consumers see each piece once; nothing is kept). A piece is
    lent: onChunk uses it during the call or copies it, so a transport with pull() reads the whole
    body into one buffer of its own, with no Promise per piece; readBody is the reference path. */
export function pullBody(res: HttpResponse, onChunk: (chunk: Uint8Array) => void): Promise<void> {
	// not async: it only hands on a Promise, and an async function's frame is copied to the heap on XS
	if (res.pull) return res.pull((c) => { if (c.length) onChunk(c); });
	return readBody(res, onChunk);
}

/** pullBody through read() alone, a Promise per piece: the reference path pullBody is compared with. */
export async function readBody(res: HttpResponse, onChunk: (chunk: Uint8Array) => void): Promise<void> {
	for (let c = await res.read(); c !== undefined; c = await res.read()) if (c.length) onChunk(c);
}

/** Reads and drops what is left of a body, so the connection can carry the next request. */
export function discardBody(res: HttpResponse): Promise<void> {
	return pullBody(res, drop);
}

const drop = (): void => { /* dropped */ };

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
	return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}
