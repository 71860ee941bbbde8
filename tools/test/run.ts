// npm test: every suite, on both engines, ending with one line "N passed, N failed, N skipped".
//   1. type check of modules/ against the XS globals alone (tsconfig.modules.json)
//   2. mocha on Node: tests/unit (the shared files), tests/host and tests/e2e (Node drives xsdm)
//   3. every tests/unit file, and the XS-only tests/unit-xs files (those that need the host's
//      natives), on XS through build/sim/xsdm
//   4. the smoke subset (tests/unit/smoke32.json) on the 32-bit build/sim/xsdm32
//   and, after the type check, every native C file compiled with -Wall -Wextra -Werror, 64- and 32-bit,
//   and the C tests of C cores (tests/native, built by hosts/sim's Makefile)
// Options: --grep TEXT limits files to those whose path contains TEXT; --no-node, --no-xs.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root, xsdm32, xsdm64 } from "../../tests/host/xsdm.js";

interface Tally { passed: number; failed: number; skipped: number }
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
function record(suite: string, t: Tally): void {
	total.passed += t.passed;
	total.failed += t.failed;
	total.skipped += t.skipped;
	lines.push(`${suite.padEnd(34)} ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ""}`);
}

const args = process.argv.slice(2);
const grep = args.includes("--grep") ? args[args.indexOf("--grep") + 1]! : "";
const runNode = !args.includes("--no-node");
const runXs = !args.includes("--no-xs");

function testFiles(dir: string): string[] {
	const abs = join(root, "build/js", dir);
	if (!existsSync(abs)) return [];
	const out: string[] = [];
	const walk = (d: string): void => {
		for (const name of readdirSync(d).sort()) {
			const p = join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name.endsWith(".test.js") && relative(root, p).includes(grep)) out.push(p);
		}
	};
	walk(abs);
	return out;
}

function typecheck(): void {
	const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.modules.json")], { stdio: "inherit" });
	record("typecheck modules/ (XS globals)", { passed: r.status === 0 ? 1 : 0, failed: r.status === 0 ? 0 : 1, skipped: 0 });
}

/** Every C file of ours (module natives, the sim host) compiled 64- and 32-bit with -Wall -Wextra -Werror (hosts/sim/Makefile). */
function nativeWarnings(): void {
	const r = spawnSync("make", ["-s", "-C", join(root, "hosts/sim"), "check-warnings", `ONLY=${grep}`], { encoding: "utf8" });
	const ok = (r.stdout.match(/^ok /gm) ?? []).length;
	const failed = (r.stdout.match(/^FAIL /gm) ?? []).length;
	if (failed || r.status !== 0) process.stderr.write(r.stdout.split("\n").filter((l) => !l.startsWith("ok ")).join("\n") + r.stderr);
	if (ok + failed === 0 && !grep) {
		record("natives -Wall -Wextra -Werror", { passed: 0, failed: 1, skipped: 0 });
		return;
	}
	if (ok + failed) record("natives -Wall -Wextra -Werror", { passed: ok, failed: failed + (r.status === 0 ? 0 : 1), skipped: 0 });
}

/** The C tests of C cores (tests/native), 64- and 32-bit: each prints "N passed, N failed". */
function nativeTests(): void {
	if (!"tests/native/iso7816-line.test.c".includes(grep)) return;
	for (const [suite, binary] of [["ISO 7816 line core (C, 64-bit)", "build/sim/iso7816-line-test"], ["ISO 7816 line core (C, 32-bit)", "build/sim/iso7816-line-test32"]] as const) {
		const r = spawnSync(join(root, binary), [], { encoding: "utf8", timeout: 60000 });
		const failures = (r.stdout ?? "").split("\n").filter((l) => l.startsWith("not ok"));
		if (failures.length) console.error(failures.join("\n"));
		const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout ?? "");
		if (!m || (r.status !== 0 && Number(m[2]) === 0)) {
			console.error(`✗ ${binary}: exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ""}${m ? "" : ", no totals line"}`);
			record(suite, { passed: m ? Number(m[1]) : 0, failed: (m ? Number(m[2]) : 0) + 1, skipped: 0 });
		}
		else record(suite, { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 });
	}
}

async function mocha(files: string[]): Promise<void> {
	if (files.length === 0) return;
	const require = createRequire(import.meta.url);
	const Mocha = require("mocha");
	const m = new Mocha({ timeout: 120000, reporter: "spec" });
	for (const f of files) m.addFile(f);
	await m.loadFilesAsync();
	const stats = await new Promise<{ passes: number; failures: number; pending: number }>((resolve) => {
		const runner = m.run();
		runner.on("end", () => resolve(runner.stats));
	});
	record("mocha on Node", { passed: stats.passes, failed: stats.failures, skipped: stats.pending });
}

function xsFile(binary: string, file: string, timeoutMs: number): Promise<Tally> {
	return new Promise((resolve) => {
		const child = spawn(binary, [join(root, "build/js/tests/xs/run.js"), "--timeout", "60000", file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => { out += d; process.stdout.write(d); });
		child.stderr.setEncoding("utf8").on("data", (d: string) => { out += d; process.stderr.write(d); });
		const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
			const t: Tally = m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 } : { passed: 0, failed: 0, skipped: 0 };
			// A crash, a timeout or an exit status that disagrees with the totals is one more failure.
			if (!m || (code !== 0 && t.failed === 0)) {
				t.failed++;
				console.error(`\n✗ ${relative(root, file)} on ${relative(root, binary)}: exit ${code ?? signal}${m ? "" : ", no totals line"}`);
			}
			resolve(t);
		});
	});
}

async function xs(suite: string, binary: string, files: string[], timeoutMs: number): Promise<void> {
	if (files.length === 0) return;
	const sum: Tally = { passed: 0, failed: 0, skipped: 0 };
	for (const f of files) {
		console.log(`\n# ${relative(join(root, "build/js"), f)} on ${relative(root, binary)}`);
		const t = await xsFile(binary, f, timeoutMs);
		sum.passed += t.passed;
		sum.failed += t.failed;
	}
	record(suite, sum);
}

async function main(): Promise<void> {
	typecheck();
	nativeWarnings();
	nativeTests();
	const unit = testFiles("tests/unit");
	if (runNode) await mocha([...unit, ...testFiles("tests/host"), ...testFiles("tests/e2e")]);
	if (runXs) {
		await xs("unit tests on XS (xsdm, 64-bit)", xsdm64, [...unit, ...testFiles("tests/unit-xs")], 10 * 60000);
		const smoke: string[] = JSON.parse(readFileSync(join(root, "tests/unit/smoke32.json"), "utf8")).files;
		const smokeFiles = smoke.map((s) => join(root, "build/js", s.replace(/\.ts$/, ".js"))).filter((f) => relative(root, f).includes(grep));
		await xs("smoke tests on XS (xsdm32, 32-bit)", xsdm32, smokeFiles, 10 * 60000);
	}
	console.log("\n" + lines.join("\n"));
	const summary = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`;
	mkdirSync(join(root, "build"), { recursive: true });
	writeFileSync(join(root, "build/test-totals.txt"), summary + "\n");
	console.log(summary);
	process.exitCode = total.failed || total.passed === 0 ? 1 : 0;
}

void main();
