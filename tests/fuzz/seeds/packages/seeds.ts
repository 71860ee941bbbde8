// Seeds of the package fuzz (tests/fuzz/packages.ts): the spec's examples, repaired (must be
// accepted) and as printed (must be refused with 400), then any input that once broke a decoder,
// appended with the date and what it broke. `expect` is "accepted" or the DmError status.
import { SPEC_EXAMPLES, type ExampleKind } from "./spec-examples.js";

export interface PackageSeed { name: string; decoder: ExampleKind; text: string; expect: "accepted" | "400"; boundary?: string | undefined }

const fromSpec: PackageSeed[] = [];
for (const e of SPEC_EXAMPLES) {
	fromSpec.push({ name: e.name, decoder: e.kind, text: e.text, expect: "accepted", boundary: e.boundary });
	if (e.raw !== undefined) fromSpec.push({ name: `${e.name}, as printed`, decoder: e.kind, text: e.raw, expect: "400", boundary: e.boundary });
}

export const PACKAGE_SEEDS: readonly PackageSeed[] = Object.freeze([
	...fromSpec,
	// Past failures.
	// 2026-12-01: a status of -0.5e3507 (-Infinity) was accepted and could not be written back
	{ name: "status out of range", decoder: "package3", text: `{"Status":[{"sc":200},{"sc":-0.5e3507}]}`, expect: "400" },
	{ name: "status not an integer", decoder: "package3", text: `{"Status":[200.5]}`, expect: "400" },
	// 2026-12-01 (same cause): alert Data holding a number beyond the double range
	{ name: "alert Data number out of range", decoder: "package1", text: `{"Alert":[{"AlertType":"a","Data":{"x":1e400}}]}`, expect: "400" },
	// 2026-12-01: "URI":[] was kept, but the writer leaves an empty list out: not the same values again
	{ name: "empty URI list", decoder: "package3", text: `{"Status":[{"sc":507,"URI":[]},{"sc":404}]}`, expect: "accepted" },
	// 2026-12-01: a leaf of -33E311 (-Infinity) was handed over, and could not be written back
	{ name: "leaf number out of range", decoder: "dmmo", text: `[{"ClientURI":"a","MOData":{"a":{"b":-33E311}}}]`, expect: "400" },
	// 2026-12-01: a document without CMD was Feed.Done with a package error beside it
	{ name: "no CMD", decoder: "package2", text: `{"Other":{"x":[1,"y"]},"CID":[["SHOW","s"]]}`, expect: "400" },
]);
