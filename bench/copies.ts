// `npm run bench -- copies`: issue 18 part 5's figures: bytes copied per received body byte from the
// TLS socket to the body's reader in a 256 KiB response (bench/xs/copies.ts counts them on xsdm),
// and the heap a chr leaf value costs from a dmmo+json body to flash (bench/xs/leaves.ts, xsdm32).
import { randomBytes } from "node:crypto";
import { createServer, type TLSSocket } from "node:tls";
import { compiled, runXsdm } from "../tests/host/xsdm.js";

export async function copiesFigures(): Promise<Record<string, number>> {
	const identity = "bench-device", key = randomBytes(32);
	const body = randomBytes(256 * 1024);
	const head = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`;
	const server = createServer({ pskCallback: (_s: TLSSocket, id: string) => (id === identity ? key : null), ciphers: "PSK-AES128-GCM-SHA256", minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } as object, (socket) => {
		socket.on("error", () => undefined);
		socket.once("data", () => {
			socket.write(head);
			socket.end(body);
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
	try {
		const r = await runXsdm(compiled("bench/xs/copies.ts"), [String((server.address() as { port: number }).port), identity, key.toString("hex"), String(head.length)], { timeoutMs: 120000 });
		if (r.code !== 0) throw new Error(`bench/xs/copies failed:\n${r.stderr}`);
		const leaves = await runXsdm(compiled("bench/xs/leaves.ts"), ["200"], { width: 32, timeoutMs: 120000 });
		if (leaves.code !== 0) throw new Error(`bench/xs/leaves failed:\n${leaves.stderr}`);
		return { ...JSON.parse(r.stdout.trim()) as Record<string, number>, ...JSON.parse(leaves.stdout.trim()) as Record<string, number> };
	} finally {
		server.close();
	}
}
