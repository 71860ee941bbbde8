// HTTP bodies for commands and packages: a writer generator (see serialize.ts) becomes a request
// body producer that honours the transport's back-pressure, and a response body is pulled
// chunk by chunk with a ceiling, so that neither direction holds a document whole.
import { JsonWriter, type JsonSink } from "../codec/index.js";
import type { BodyWriter, HttpResponse } from "../session/http.js";

/** Bytes JSON is gathered in before it goes to the socket. */
export const BODY_BUFFER = 512;

/** A sink into a BodyWriter that remembers when the transport asked us to wait. The transport may
    keep the bytes it is given, and our writers reuse their buffers, so each piece is copied. */
export class BodySink {
	private full = false;
	readonly sink: JsonSink;

	constructor(private readonly out: BodyWriter) {
		this.sink = (bytes) => { if (!this.out.write(bytes.slice())) this.full = true; };
	}

	/** Waits for the transport when it said its buffer was full. */
	async settle(): Promise<void> {
		if (!this.full) return;
		this.full = false;
		await this.out.drain();
	}

	/** Runs a writer generator, waiting for the transport wherever it yields. */
	async run(steps: Generator<void, void, void>): Promise<void> {
		for (let s = steps.next(); !s.done; s = steps.next()) await this.settle();
		await this.settle();
	}
}

/** A request body producer from a JSON writer generator. */
export function jsonBody(produce: (w: JsonWriter) => Generator<void, void, void>): (out: BodyWriter) => Promise<void> {
	return async (out) => {
		const s = new BodySink(out);
		await s.run(produce(new JsonWriter(s.sink, BODY_BUFFER)));
	};
}

/** Pulls a response body to its end (consumers see each piece once; nothing is kept). */
export async function pullBody(res: HttpResponse, onChunk: (chunk: Uint8Array) => void): Promise<void> {
	for (let c = await res.read(); c !== undefined; c = await res.read()) if (c.length) onChunk(c);
}

/** Reads and drops what is left of a body, so the connection can carry the next request. */
export async function discardBody(res: HttpResponse): Promise<void> {
	await pullBody(res, () => { /* dropped */ });
}

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
	return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}
