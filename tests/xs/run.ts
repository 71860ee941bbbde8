// Runs unit test files on XS: xsdm build/js/tests/xs/run.js [--timeout MS] a.test.js b.test.js ...
// Each file registers its tests through tests/harness; they run in order and the last line
// is "N passed, N failed" (the totals tools/test/run.ts reads). Exit status 1 if any failed.
import { argv, exit } from "embedded:sim/host";
import { runAll } from "../harness/runner.js";

async function main(): Promise<void> {
	const args = argv();
	let timeout = 10000;
	const files: string[] = [];
	for (let i = 0; i < args.length; i++) {
		if (args[i] === "--timeout") timeout = Number(args[++i]);
		else files.push(args[i]!);
	}
	if (files.length === 0) {
		console.error("usage: xsdm tests/xs/run.js [--timeout MS] file.test.js...");
		exit(2);
	}
	for (const file of files) await import(file);
	const totals = await runAll((line) => console.log(line), timeout);
	for (const failure of totals.failures) console.log(`\nFAILED ${failure}`);
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	exit(totals.failed ? 1 : 0);
}

main().catch((e: unknown) => {
	console.error(`xs test runner: ${e instanceof Error ? (e as Error & { stack?: string }).stack ?? e.message : String(e)}`);
	exit(1);
});
