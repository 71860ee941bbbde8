// xsdm tcp-peer-close.js PORT MODE: the Node peer sends some bytes and then closes or resets.
// Prints one line per event, in order: "readable N", "read N", "error", then what write/read/close
// do afterwards. MODE "eager" reads inside onReadable; "lazy" reads from a timer 50 ms later, so
// onError must wait for that read; "none" never reads.
import TCP from "embedded:io/socket/tcp";
import { argv, exit } from "embedded:sim/host";

const [portText, mode] = argv() as [string, string];
const log = (line: string): void => console.log(line);
// XS prefixes a host function's errors with its name ("xs_tcp_read: "); the SDK's differ: compare without it
const message = (e: unknown): string => `${(e as Error).name}: ${(e as Error).message.replace(/^(?:@[^:]*|xs_[a-z0-9_]+): /, "")}`;

function take(socket: TCP): void {
	const bytes = socket.read();
	log(`read ${bytes ? bytes.byteLength : "nothing"}`);
}

new TCP({
	address: "127.0.0.1",
	port: Number(portText),
	onWritable() {
		/* a one-shot greeting: later grants come only after writes */
		this.write(Uint8Array.of(0x68, 0x69));
	},
	onReadable(count) {
		log(`readable ${count}`);
		if (mode === "eager") take(this);
		else if (mode === "lazy") setTimeout(() => take(this), 50);
	},
	onError() {
		log("error");
		try { this.write(Uint8Array.of(1)); log("write after error taken"); } catch (e) { log(`write after error: ${message(e)}`); }
		this.close();
		this.close();
		try { this.read(); log("read after close taken"); } catch (e) { log(`read after close: ${message(e)}`); }
		setTimeout(() => exit(0), 30);
	},
});
if (mode === "none") setTimeout(() => { log("no error while data is unread"); exit(0); }, 300);
