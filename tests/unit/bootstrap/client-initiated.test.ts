// Client-initiated bootstrap (bootstrap/client-initiated.ts) over a scripted HttpClient: the DM
// Bootstrap is applied as the transport lends it (pull(), each piece scribbled over after its call)
// exactly as through read(), the reference path, and a refused document changes nothing either way.
import { clientBootstrap, bootstrapWriter, type ClientBootstrapContext } from "../../../modules/dm/bootstrap/index.js";
import type { CommandContext } from "../../../modules/dm/commands/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { encodeBase64, encodeUtf8 } from "../../../modules/bytes/index.js";
import { AccessControl, DEVICE } from "../../../modules/dm/tree/index.js";
import { MOIDS } from "../../../modules/dm/uri/index.js";
import { ScriptedHttp } from "../commands/scripted-http.js";
import { DEVICE as DEVICE_INFO } from "../commands/setup.js";
import { freshTree, provision, snapshot } from "../../fixtures/tree.js";
import { assert, describe, it } from "../../harness/index.js";

const URL = "https://bs.example.com/bootstrap";
const b64 = (text: string): string => encodeBase64(encodeUtf8(text));

function bootstrapDocument(name: string): string {
	return JSON.stringify([{ ClientURI: `${MOIDS.dmAcc}/new/`, MOData: { new: {
		SrvID: "new", SrvURI: "https://dm.example.com/dm", Name: name, Perm: { "1": { MOID: MOIDS.devInfo } },
		Auth: { Noti: { Data: "AAEC", Secret: "c2VjcmV0" }, Trsp: { Data: b64("identity"), Secret: b64("0123456789abcdef") } },
	} } }]);
}

async function run(body: string, lend: boolean): Promise<{ result: string[] | DmError; name: string | undefined; snapshot: string }> {
	const f = freshTree();
	provision(f.tree, ["bs"]);
	const cs = f.tree.change();
	const at = (leaf: string) => ({ moid: MOIDS.dmAcc, miid: "bs", path: ["Auth", "Bootstrap", leaf] });
	cs.put(at("ServerURI"), URL);
	cs.put(at("ClientPubKey"), b64("bootstrap-client"));
	cs.put(at("ClientSecretKey"), b64("1111222233334444"));
	cs.put(at("SecMode"), "AA==");
	cs.put(at("ServerPubKey"), b64("bs"));
	cs.commit();
	const http = new ScriptedHttp(() => ({ status: 200, headers: { "Content-Type": "application/dmmo+json" }, body }), 13, 3, lend);
	const ctx = { tree: f.tree, store: f.store, access: new AccessControl(f.tree, DEVICE), srvId: "", http, device: DEVICE_INFO, report: () => undefined, hooks: {} } as unknown as CommandContext;
	const c: ClientBootstrapContext = { tree: f.tree, device: DEVICE_INFO, development: false, http: () => http, writer: () => bootstrapWriter(ctx) };
	let result: string[] | DmError;
	try { result = await clientBootstrap(c, "bs"); } catch (e) { if (!(e instanceof DmError)) throw e; result = e; }
	assert.equal(http.sent[0]?.url, URL);
	return { result, name: f.tree.text({ moid: MOIDS.dmAcc, miid: "new", path: ["Name"] }), snapshot: snapshot(f.store) };
}

describe("client-initiated bootstrap: the body as the transport lends it", () => {
	it("applies the document through pull() as through read(), the reference", async () => {
		const name = "a name with é € 😀 and \"quotes\", long enough to span pieces".repeat(3);
		const body = bootstrapDocument(name);
		const read = await run(body, false), pulled = await run(body, true);
		assert.deepEqual(pulled.result, ["new"]);
		assert.equal(pulled.name, name);
		assert.deepEqual(pulled, read);
	});

	it("refuses a broken document alike on both paths, changing nothing", async () => {
		const body = bootstrapDocument("x").replace('"Name":"x"', '"Name":"\\ud800"');
		const read = await run(body, false), pulled = await run(body, true);
		assert.ok(pulled.result instanceof DmError && pulled.result.status === 400, String(pulled.result));
		assert.equal(pulled.name, undefined);
		assert.deepEqual(pulled.snapshot, read.snapshot);
		assert.equal((read.result as DmError).message, (pulled.result as DmError).message);
	});
});
