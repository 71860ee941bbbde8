// tools/check: the rooms' import rules (issue 14) on small made-up graphs, then on modules/ itself,
// which is the check npm test exists for.
import { checkImports, importsOf, roomOf } from "../../tools/check/import-graph.js";
import { checkRepository } from "../../tools/check/imports.js";
import { root } from "./xsdm.js";
import { assert, describe, it } from "../harness/index.js";

const rules = (files: Record<string, string>): string[] => checkImports(new Map(Object.entries(files))).map((v) => v.rule).sort();

describe("tools/check: the rooms' import rules", () => {
	it("names rooms: top folders, dm's folders, dm's own files", () => {
		assert.deepEqual(roomOf("modules/transport/http/client.ts"), { room: "transport", entry: "modules/transport/index.ts" });
		assert.deepEqual(roomOf("modules/dm/codec/native/x.ts"), { room: "dm/codec", entry: "modules/dm/codec/index.ts" });
		assert.deepEqual(roomOf("modules/dm/error.ts"), { room: "dm/error", entry: "modules/dm/error.ts" });
		assert.equal(roomOf("hosts/sim/x.ts"), undefined);
	});
	it("reads import, import type, export from and dynamic import, with their lines, and skips comments", () => {
		const found = importsOf(`// import "./not.js";\n/* import { x } from "./nor.js"; */\nimport { a } from "./a.js";\nimport type { B } from "../b/index.js";\nexport { c } from "./c.js";\nconst u = "https://x"; // import "./d.js"\nawait import("./e.js");\n`);
		assert.deepEqual(found, [{ specifier: "./a.js", line: 3 }, { specifier: "../b/index.js", line: 4 }, { specifier: "./c.js", line: 5 }, { specifier: "./e.js", line: 7 }]);
	});
	it("a clean graph has no breach", () => {
		assert.deepEqual(rules({
			"modules/dm/session/index.ts": `export * from "./session.js";`,
			"modules/dm/session/session.ts": `import { x } from "../codec/index.js";\nimport { DmError } from "../error.js";\nimport { utf8 } from "../../bytes/index.js";`,
			"modules/dm/codec/index.ts": `import { sha } from "../../crypto/index.js";`,
			"modules/crypto/index.ts": `import { sha256 } from "@noble/hashes/sha2.js";`,
		}), []);
	});
	it("a cycle between rooms is a breach, however long", () => {
		assert.deepEqual(rules({
			"modules/dm/a/index.ts": `import "../b/index.js";`,
			"modules/dm/b/index.ts": `import "../c/index.js";`,
			"modules/dm/c/index.ts": `import type { A } from "../a/index.js";`,
		}), ["cycle"]);
	});
	it("transport, pcsc-uart, bytes and crypto never import the DM core", () => {
		assert.deepEqual(rules({ "modules/transport/http/client.ts": `import { HttpClient } from "../../dm/session/index.js";` }), ["layer"]);
		assert.deepEqual(rules({ "modules/bytes/index.ts": `import { DmError } from "../dm/error.js";` }), ["layer"]);
	});
	it("reaching past another room's index.ts is a breach; inside a room anything goes", () => {
		assert.deepEqual(rules({ "modules/dm/session/a.ts": `import { t } from "../tree/tree.js";\nimport { b } from "./b.js";` }), ["index"]);
	});
	it("only modules/crypto imports @noble/hashes; no host module, package or file outside modules/", () => {
		assert.deepEqual(rules({
			"modules/dm/codec/digest.ts": `import { sha256 } from "@noble/hashes/sha2.js";`,
			"modules/dm/tree/x.ts": `import Flash from "embedded:storage/flash";\nimport { y } from "../../../hosts/sim/y.js";\nimport z from "left-pad";`,
		}), ["bare", "bare", "outside", "outside"]);
	});
	it("modules/ keeps every rule", () => {
		const found = checkRepository(root);
		assert.deepEqual(found, [], found.join("\n"));
	});
});
