// Wi-Fi up and the wall clock set, before any TLS handshake (certificate validity) or Package#0
// TIMESTAMP check (interpretation 15) can be right. A board without either logs why and tries
// again with backoff; nothing that needs them starts meanwhile.
import WiFi from "wifi";
import SNTP from "sntp";
import Time from "time";
import Timer from "timer";
import Preference from "preference";

export interface WifiCredentials { ssid: string; password?: string }

/** The build's config first (mcconfig ... ssid=NAME password=SECRET), then NVS (domain "wifi"). */
export function wifiCredentials(config: { ssid?: string; password?: string }): WifiCredentials | undefined {
	if (config.ssid) return config.password ? { ssid: config.ssid, password: config.password } : { ssid: config.ssid };
	const ssid = Preference.get("wifi", "ssid");
	if (typeof ssid !== "string" || ssid === "") return undefined;
	const password = Preference.get("wifi", "password");
	return typeof password === "string" && password !== "" ? { ssid, password } : { ssid };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { Timer.set(resolve, ms); });

/** Retries `attempt` until it succeeds: 2 s, 4 s, ... up to 5 min between tries, each failure logged. */
async function withBackoff(what: string, log: (line: string) => void, attempt: () => Promise<void>): Promise<void> {
	for (let delay = 2000; ; delay = Math.min(delay * 2, 300000)) {
		try {
			await attempt();
			return;
		} catch (e) {
			log(`${what}: ${e instanceof Error ? e.message : String(e)}; again in ${delay / 1000} s`);
			await sleep(delay);
		}
	}
}

function joinOnce(credentials: WifiCredentials): Promise<void> {
	return new Promise((resolve, reject) => {
		let settled = false;
		const done = (error?: Error): void => {
			if (settled) return;
			settled = true;
			Timer.clear(limit);
			if (error) { wifi.close(); reject(error); } else resolve();
		};
		const limit = Timer.set(() => done(new Error(`no IP address from ${credentials.ssid} within 30 s`)), 30000);
		const wifi = new WiFi({ ssid: credentials.ssid, ...(credentials.password ? { password: credentials.password } : {}) }, (message) => {
			if (message === WiFi.gotIP) done();
			else if (message === WiFi.disconnected) done(new Error(`disconnected from ${credentials.ssid}`));
		});
	});
}

function timeOnce(host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		new SNTP({ host }, (message, value) => {
			if (message === SNTP.time) { Time.set(value as number); resolve(); }
			else if (message === SNTP.error) reject(new Error(`no time from ${host}`));
			// SNTP.retry: it tries again by itself
		});
	});
}

/** Wi-Fi, then the time: resolves once both are there, however long that takes. */
export async function connect(credentials: WifiCredentials, sntpHost: string, log: (line: string) => void): Promise<void> {
	await withBackoff("Wi-Fi", log, () => joinOnce(credentials));
	log(`Wi-Fi: connected to ${credentials.ssid}`);
	await withBackoff("SNTP", log, () => timeOnce(sntpHost));
	log(`time set: ${new Date().toISOString()}`);
}
