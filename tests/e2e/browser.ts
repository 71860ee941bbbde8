// A real browser for the console's tests and its bench figure: Debian's chromium (installed by
// tools/setup/debian-deps.mjs), headless, driven by puppeteer-core. As root chromium's sandbox
// cannot start, so it runs with --no-sandbox; it only ever opens the console on loopback.
import { existsSync } from "node:fs";
import type { Browser } from "puppeteer-core";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export async function launchBrowser(): Promise<Browser> {
	if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install chromium (tools/setup/debian-deps.mjs)");
	const { default: puppeteer } = await import("puppeteer-core");
	return puppeteer.launch({
		executablePath: CHROMIUM, headless: true,
		args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-background-networking"],
	});
}
