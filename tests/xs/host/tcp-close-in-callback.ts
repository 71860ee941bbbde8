// xsdm tcp-close-in-callback.js PORT WHERE: closes the socket inside onWritable, onReadable or
// onError (WHERE), then checks that close() again is harmless, that every method throws "closed",
// and that no callback arrives in the next 100 ms. Prints "closed in WHERE" and "quiet".
import TCP from "embedded:io/socket/tcp";
import { argv, exit } from "embedded:sim/host";

const [portText, where] = argv() as [string, string];
let closed = false;

function closeHere(socket: TCP, name: string): void {
	if (closed) {
		console.log(`${name} after close`);
		exit(1);
	}
	if (name !== where) return;
	socket.close();
	closed = true;
	socket.close();
	const refused = [() => socket.read(), () => socket.write(Uint8Array.of(1)), () => socket.remotePort, () => socket.format];
	for (const f of refused) {
		try { f(); console.log("a method of a closed socket ran"); exit(1); } catch (e) { if (!/closed/.test(String(e))) throw e; }
	}
	console.log(`closed in ${name}`);
	setTimeout(() => { console.log("quiet"); exit(0); }, 100);
}

new TCP({
	address: "127.0.0.1",
	port: Number(portText),
	onWritable() {
		closeHere(this, "onWritable");
		if (!closed) this.write(Uint8Array.of(1, 2, 3));
	},
	onReadable() { closeHere(this, "onReadable"); },
	onError() { closeHere(this, "onError"); },
});
