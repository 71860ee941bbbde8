// npm run manifest: writes manifest.json from the modules/ tree (see generate.ts);
// --check exits 1 when the committed file differs (npm test runs the same check).
import { readFileSync, writeFileSync } from "node:fs";
import { generate, manifestPath, render, repositoryRoot } from "./generate.js";

const root = repositoryRoot(import.meta.url);
const text = render(generate(root));
if (process.argv.includes("--check")) {
	if (readFileSync(manifestPath(root), "utf8") !== text) {
		console.error("manifest.json is stale: run npm run manifest and commit it");
		process.exit(1);
	}
	console.log("manifest.json is current");
}
else {
	writeFileSync(manifestPath(root), text);
	console.log(`manifest.json: ${Object.keys(JSON.parse(text).modules).length} modules`);
}
