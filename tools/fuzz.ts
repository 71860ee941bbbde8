// npm run fuzz [-- NODE_ITERATIONS XS_ITERATIONS]: the long fuzz runs (the unit tests run short ones).
// Defaults: 1,000,000 inputs on Node, 10,000 on XS, for the JSON reader (half valid, half
// mutated), Package#0, each package decoder (each input generated, then mutated), ClientURIs
// (valid, mutated, random; parsed and resolved over a tree), ATRs and PKCS#15 images.
import { fuzzClientUri } from "../tests/fuzz/client-uri.js";
import { fuzzJson } from "../tests/fuzz/json.js";
import { fuzzPackage0 } from "../tests/fuzz/package0.js";
import { DECODERS, checkSeeds, fuzzPackages } from "../tests/fuzz/packages.js";
import { fuzzAtr, fuzzPkcs15, fuzzT1 } from "../tests/fuzz/pcsc.js";
import { compiled, runXsdm } from "../tests/host/xsdm.js";

async function main(): Promise<void> {
	const [nodeRuns = 1000000, xsRuns = 10000] = process.argv.slice(2).map(Number);
	let start = Date.now();
	const node = fuzzJson(nodeRuns, 1000);
	console.log(`JSON reader on Node: ${nodeRuns} documents (${node.valid} valid, ${node.mutated} mutated, ${node.rejected} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const r = await runXsdm(compiled("tests/fuzz/xs-fuzz.ts"), [String(xsRuns), "2000"], { timeoutMs: 3600000 });
	if (r.code !== 0) throw new Error(`XS fuzz failed:\n${r.stderr}`);
	const xs = JSON.parse(r.stdout);
	console.log(`JSON reader on XS:   ${xsRuns} documents (${xs.valid} valid, ${xs.mutated} mutated, ${xs.rejected} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const p0 = fuzzPackage0(nodeRuns, 1000);
	console.log(`Package#0 on Node: ${nodeRuns} mutated packages (${p0.generated} generated, ${p0.signed} signed; ${p0.accepted} accepted, ${p0.refused} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const r0 = await runXsdm(compiled("tests/fuzz/package0-xs.ts"), [String(xsRuns), "2000"], { timeoutMs: 3600000 });
	if (r0.code !== 0) throw new Error(`XS Package#0 fuzz failed:\n${r0.stderr}`);
	const x0 = JSON.parse(r0.stdout);
	console.log(`Package#0 on XS:   ${xsRuns} mutated packages (${x0.generated} generated, ${x0.signed} signed; ${x0.accepted} accepted, ${x0.refused} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const un = fuzzClientUri(nodeRuns, 1000);
	console.log(`ClientURI on Node:   ${nodeRuns} URIs (${un.accepted} resolved, refused ${JSON.stringify(un.refused)}) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const ur = await runXsdm(compiled("tests/fuzz/xs-uri-fuzz.ts"), [String(xsRuns), "2000"], { timeoutMs: 3600000 });
	if (ur.code !== 0) throw new Error(`XS ClientURI fuzz failed:\n${ur.stderr}`);
	const ux = JSON.parse(ur.stdout);
	console.log(`ClientURI on XS:     ${xsRuns} URIs (${ux.accepted} resolved, refused ${JSON.stringify(ux.refused)}) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const atr = fuzzAtr(nodeRuns, 1000), der = fuzzPkcs15(nodeRuns, 1001), t1 = fuzzT1(nodeRuns, 1002);
	console.log(`pcsc-uart on Node:   ${nodeRuns} ATRs (${atr.parsed} parsed, ${atr.refused} refused), ${nodeRuns} PKCS#15 images (${der.parsed} parsed, ${der.refused} refused), ${nodeRuns} T=1 exchanges (${t1.parsed} done, ${t1.refused} refused or waiting) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	start = Date.now();
	const p = await runXsdm(compiled("tests/fuzz/xs-fuzz.ts"), [String(xsRuns), "2000", "pcsc"], { timeoutMs: 3600000 });
	if (p.code !== 0) throw new Error(`XS pcsc fuzz failed:\n${p.stderr}`);
	const px = JSON.parse(p.stdout);
	console.log(`pcsc-uart on XS:     ${xsRuns} ATRs (${px.atr.parsed} parsed, ${px.atr.refused} refused), ${xsRuns} PKCS#15 images (${px.pkcs15.parsed} parsed, ${px.pkcs15.refused} refused), ${xsRuns} T=1 exchanges (${px.t1.parsed} done, ${px.t1.refused} refused or waiting) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	console.log(`package seeds: ${checkSeeds()} decoded as recorded`);
	for (const decoder of DECODERS) {
		start = Date.now();
		const n = fuzzPackages(decoder, nodeRuns, 1000);
		console.log(`${decoder} on Node: ${nodeRuns} generated and mutated (${n.generated} generated; ${n.accepted} accepted, ${n.refused} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
		start = Date.now();
		const rx = await runXsdm(compiled("tests/fuzz/packages-xs.ts"), [decoder, String(xsRuns), "2000"], { timeoutMs: 3600000 });
		if (rx.code !== 0) throw new Error(`XS ${decoder} fuzz failed:\n${rx.stderr}`);
		const x = JSON.parse(rx.stdout);
		console.log(`${decoder} on XS:   ${xsRuns} generated and mutated (${x.generated} generated; ${x.accepted} accepted, ${x.refused} refused) in ${((Date.now() - start) / 1000).toFixed(1)} s`);
	}
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exitCode = 1; });
