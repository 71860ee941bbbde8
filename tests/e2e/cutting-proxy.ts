// A TCP proxy on loopback that forwards a client's connections to a server byte for byte (TLS
// passes through it as ciphertext) and cuts a connection after exactly N bytes in one direction:
// the receiving side gets those N bytes, then both sides are closed at once, by FIN or by RST.
// Each new connection takes the next plan from `next()`; the record says what each one carried.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export type Direction = "up" | "down";	// up: client → server; down: server → client
export interface CutPlan { direction: Direction; at: number; close: "fin" | "rst" }

export interface ConnectionRecord {
	plan: CutPlan | undefined;
	/** bytes delivered each way */
	up: number;
	down: number;
	/** the plan's offset was reached and the connection cut there */
	cut: boolean;
	/** the proxy's own port towards the server: the client port the server sees */
	port: number;
}

export class CuttingProxy {
	readonly connections: ConnectionRecord[] = [];
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();

	/** `next(index)`: the plan for the connection with that index (0-based), undefined: no cut */
	constructor(private readonly target: number, private readonly next: (index: number) => CutPlan | undefined) {
		this.server = createServer((client) => this.accept(client));
	}

	async listen(): Promise<number> {
		await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
		return (this.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private accept(client: Socket): void {
		const index = this.connections.length;
		const record: ConnectionRecord = { plan: this.next(index), up: 0, down: 0, cut: false, port: 0 };
		this.connections.push(record);
		const server = createConnection({ host: "127.0.0.1", port: this.target }, () => { record.port = server.localPort ?? 0; });
		for (const s of [client, server]) {
			this.sockets.add(s);
			s.setNoDelay(true);
			s.on("error", () => undefined);	// the peer of a cut sees a reset: expected
			s.on("close", () => { this.sockets.delete(s); (s === client ? server : client).destroy(); });
		}
		const cut = (to: Socket, last: Buffer): void => {
			record.cut = true;
			client.pause();
			server.pause();
			const close = (): void => {
				for (const s of [client, server]) {
					if (record.plan!.close === "rst") s.resetAndDestroy();
					else s.destroy();
				}
			};
			if (last.length) to.write(last, close);
			else close();
		};
		const forward = (from: Socket, to: Socket, direction: Direction): void => {
			from.on("data", (chunk: Buffer) => {
				if (record.cut) return;
				const plan = record.plan;
				if (plan && plan.direction === direction) {
					const room = plan.at - record[direction];
					if (chunk.length >= room) {
						record[direction] += room;
						cut(to, chunk.subarray(0, room));
						return;
					}
				}
				record[direction] += chunk.length;
				to.write(chunk);
			});
		};
		forward(client, server, "up");
		forward(server, client, "down");
	}
}
