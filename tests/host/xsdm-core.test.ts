// The simulator host itself: how it fails (never silently), its module loader, exit status and heap report.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assert, before, describe, it } from "../harness/index.js";
import { compiled, heapReport, root, runXsdm } from "./xsdm.js";

const fixtures = join(root, "build/js/tests/xs/host/fixtures");

describe("xsdm (the simulator host)", () => {
	before(() => {
		mkdirSync(fixtures, { recursive: true });
		for (const f of readdirSync(join(root, "tests/xs/host/fixtures"))) {
			if (f.endsWith(".js")) copyFileSync(join(root, "tests/xs/host/fixtures", f), join(fixtures, f));
		}
	});

	const failures: [string, RegExp][] = [
		["syntax-error.js", /syntax-error\.js:2: syntax error/],
		["throw-in-timer.js", /uncaught exception: TypeError: exploded in a timer\n at explode \(.*throw-in-timer\.js:2\)/],
		["unhandled-rejection.js", /unhandled promise rejection: Error: nobody catches this\n at fails \(.*unhandled-rejection\.js:3\)/],
		["missing-module.js", /module "\.\/does-not-exist\.js" not found \(imported by .*missing-module\.js\)/],
		["missing-package.js", /module "no-such-package\/sub\.js" not found/],
		["throw-at-top.js", /TypeError: .*cannot coerce null to object\n at .*throw-at-top\.js:2/],
	];
	for (const width of [64, 32] as const) {
		for (const [file, message] of failures) {
			it(`reports ${file} with file:line and exits 1 (${width}-bit)`, async () => {
				const r = await runXsdm(join(fixtures, file), [], { width });
				assert.equal(r.code, 1, `exit status; stderr: ${r.stderr}`);
				assert.ok(message.test(r.stderr), `stderr does not match ${message}:\n${r.stderr}`);
			});
		}
	}

	it("exits with the status a script gives, at once", async () => {
		for (const status of [0, 7, 200]) {
			const r = await runXsdm(join(fixtures, "exit-status.js"), [String(status)]);
			assert.equal(r.code, status, r.stderr);
			assert.equal(r.stderr, "");
		}
	});

	it("reports XS memory exhaustion as an abort (exit 3), not a crash", async () => {
		const r = await runXsdm(join(fixtures, "memory-full.js"), [], { timeoutMs: 60000 });
		assert.equal(r.code, 3, r.stderr);
		assert.ok(/memory full/.test(r.stderr), r.stderr);
	});

	it("holds a program to --heap-limit: past it, memory full (exit 3)", async () => {
		// --no-preload: @noble/hashes then loads into the program's heap and must grow it
		const fits = await runXsdm(compiled("tests/xs/host/heap-noble-timers.ts"), [], { options: ["--no-preload", "--heap-limit", "4000000"] });
		assert.equal(fits.code, 0, fits.stderr);
		const tight = await runXsdm(compiled("tests/xs/host/heap-noble-timers.ts"), [], { options: ["--no-preload", "--heap-limit", "60000"] });
		assert.equal(tight.code, 3, tight.stderr);
		assert.ok(/memory full/.test(tight.stderr), tight.stderr);
	});

	it("preloads what a program imports into a shared heap outside the program's, as the device keeps modules in flash", async () => {
		const program = compiled("tests/xs/host/heap-noble-timers.ts");
		const shared = await runXsdm(program, [], { options: ["--heap-report"] });
		const own = await runXsdm(program, [], { options: ["--no-preload", "--heap-report"] });
		assert.equal(shared.code, 0, shared.stderr);
		assert.equal(own.code, 0, own.stderr);
		assert.equal(shared.stdout, own.stdout);   // the same digest either way
		const a = heapReport(shared.stderr);
		const b = heapReport(own.stderr);
		assert.ok(a.sharedBytes > 100000, `shared ${a.sharedBytes}`);
		assert.equal(b.sharedBytes, 0);
		// @noble/hashes' code and tables are in the shared heap, not in the program's
		assert.ok(a.peakTotalBytes < b.peakTotalBytes / 2, `preloaded ${a.peakTotalBytes}, not ${b.peakTotalBytes}`);
		// and where the program's heap does not have to grow, a limit below what the modules need holds
		const tight = await runXsdm(program, [], { options: ["--heap-limit", "60000"] });
		assert.equal(tight.code, 0, tight.stderr);
		// a program that imports nothing preloads nothing; one that imports the device preloads much more
		const empty = await runXsdm(compiled("bench/xs/empty.ts"), [], { options: ["--heap-report"] });
		assert.equal(heapReport(empty.stderr).sharedBytes, 0);
		const device = await runXsdm(compiled("hosts/sim/dm-device/main.ts"), ["--modules-only"], { options: ["--heap-report"] });
		assert.equal(device.code, 0, device.stderr);
		assert.ok(heapReport(device.stderr).sharedBytes > 3 * a.sharedBytes, `device ${heapReport(device.stderr).sharedBytes}`);
	});

	it("refuses a native called while modules are preloaded, as the SDK's xsl does; the same native called later runs", async () => {
		// a package (preloaded, as node_modules is) that binds a native and calls it at module level or later
		const pkg = join(root, "node_modules/.xsdm-preload-native-test");
		mkdirSync(pkg, { recursive: true });
		try {
			writeFileSync(join(pkg, "at-load.js"), 'const crc = native("xs_store_crc32");\nexport const root = crc(new Uint8Array(1));\n');
			writeFileSync(join(pkg, "later.js"), 'const crc = native("xs_store_crc32");\nexport const later = () => crc(new Uint8Array(1));\n');
			writeFileSync(join(pkg, "entry-at-load.js"), 'import { root } from "./at-load.js";\ntrace(`${root}\\n`);\n');
			writeFileSync(join(pkg, "entry-later.js"), 'import { later } from "./later.js";\nconsole.log(String(later()));\n');
			const refused = await runXsdm(join(pkg, "entry-at-load.js"), []);
			assert.equal(refused.code, 1, refused.stderr);
			assert.ok(/preloading .*at-load\.js: .*xs_store_crc32: link: unavailable function/.test(refused.stderr), refused.stderr);
			const runs = await runXsdm(join(pkg, "entry-later.js"), []);
			assert.equal(runs.code, 0, runs.stderr);
			assert.match(runs.stdout.trim(), /^\d+$/);
			// without preloading the module-level call runs: the refusal is the preload's, not the native's
			const own = await runXsdm(join(pkg, "entry-at-load.js"), [], { options: ["--no-preload"] });
			assert.equal(own.code, 0, own.stderr);
		} finally {
			rmSync(pkg, { recursive: true, force: true });
		}
	});

	it("rejects an unknown option with a usage line (exit 2)", async () => {
		const r = await runXsdm("--bogus", []);
		assert.equal(r.code, 2);
		assert.ok(/unknown option --bogus/.test(r.stderr) && /usage: xsdm/.test(r.stderr), r.stderr);
	});

	for (const width of [64, 32] as const) {
		it(`runs a module using @noble/hashes and timers and prints the heap report (${width}-bit)`, async () => {
			const r = await runXsdm(compiled("tests/xs/host/heap-noble-timers.ts"), [], { width, options: ["--heap-report"] });
			assert.equal(r.code, 0, r.stderr);
			assert.equal(r.stdout.trim(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
			const heap = heapReport(r.stderr);
			assert.equal(heap.width, width);
			assert.equal(heap.slotSize, width === 32 ? 16 : 32);
			assert.ok(heap.peakChunkBytes > 0 && heap.peakSlotBytes > 0, JSON.stringify(heap));
			assert.equal(heap.peakTotalBytes, heap.peakChunkBytes + heap.peakSlotBytes);
		});
	}
});
