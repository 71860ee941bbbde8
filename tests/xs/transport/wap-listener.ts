// xsdm wap-listener.js PORT SECRET_HEX EXPECTED: a WapPushListener on PORT whose notifications go
// through modules/dm/codec's screenPackage0 for the account "dm-server" (Auth/Noti/Secret given);
// prints "ready", then one JSON line per notification ({accept, serverId?, notificationId?, reason?}),
// and after EXPECTED datagrams the listener's counts, and exits.
import UDP from "embedded:io/socket/udp";
import { argv, exit } from "embedded:sim/host";
import { NotificationFilter, screenPackage0 } from "../../../modules/dm/codec/index.js";
import { WapPushListener } from "../../../modules/transport/wap-push.js";

const [port, secretHex, expected] = argv() as [string, string, string];
const secret = Uint8Array.from({ length: secretHex.length / 2 }, (_, i) => parseInt(secretHex.slice(2 * i, 2 * i + 2), 16));
const filter = new NotificationFilter();

const listener: WapPushListener = new WapPushListener({
	udp: UDP as never,
	port: Number(port),
	address: "127.0.0.1",
	onNotification: (package0) => {
		const verdict = screenPackage0(package0, { account: (id) => (id === "dm-server" ? { serverId: "dm-server", secret } : undefined), filter, now: undefined });
		console.log(JSON.stringify(verdict.accept ? { accept: true, serverId: verdict.serverId, notificationId: verdict.notification.notificationId } : { accept: false, reason: verdict.reason }));
		if (package0[0] === 0xee) throw new Error("a handler that fails");
	},
});
const check = setInterval(() => {
	const c = listener.counts;
	const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
	if (c.received < Number(expected)) return;
	clearInterval(check);
	console.log(JSON.stringify({ counts: c, dropped }));
	listener.close();
	exit(0);
}, 20);
console.log("ready");
