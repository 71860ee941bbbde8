// The committed manifest.json is the one tools/manifest generates from modules/ today, so a file
// moved or added under modules/ cannot leave the SDK build behind unnoticed.
import { readFileSync } from "node:fs";
import { generate, manifestPath, render } from "../../tools/manifest/generate.js";
import { root } from "./xsdm.js";
import { assert, describe, it } from "../harness/index.js";

describe("manifest.json (Moddable SDK)", () => {
	const manifest = generate(root);

	it("is what npm run manifest generates from modules/", () => {
		assert.equal(readFileSync(manifestPath(root), "utf8"), render(manifest), "manifest.json is stale: run npm run manifest and commit it");
	});

	it("keys every module by its path, so that two index files do not collide", () => {
		assert.equal(manifest.modules["modules/transport/index"], "./modules/transport/index");
		assert.equal(manifest.modules["modules/pcsc-uart/index"], "./modules/pcsc-uart/index");
	});

	it("lists each room's native C and preloads no C", () => {
		assert.equal(manifest.modules["modules/crypto/native/crypto"], "./modules/crypto/native/crypto");
		assert.ok(!manifest.preload.includes("modules/crypto/native/crypto"));
		assert.ok(manifest.preload.includes("modules/dm/store/index"));
	});

	it("maps @noble/hashes and the files it imports to node_modules", () => {
		assert.equal(manifest.modules["@noble/hashes/sha2"], "./node_modules/@noble/hashes/sha2");
		assert.equal(manifest.modules["@noble/hashes/utils"], "./node_modules/@noble/hashes/utils");
	});
});
