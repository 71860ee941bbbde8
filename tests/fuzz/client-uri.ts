// ClientURI fuzz: valid URIs of every form, mutated and random strings, parsed and resolved over a
// provisioned tree through a server's access control. Only DmError may escape, with a status of
// Appendix C a ClientURI can cause (400, 403, 404); anything else is a bug and rethrown.
import { DmError } from "../../modules/dm/error.js";
import { AccessControl, Right } from "../../modules/dm/tree/index.js";
import { MOIDS, parseClientUri } from "../../modules/dm/uri/index.js";
import { freshTree, provision, TEST_MOID } from "../fixtures/tree.js";
import { prng } from "./json.js";

const SEEDS = [
	"urn:oma:mo:oma-dm-dmacc:1.2/(x)/SrvURI?nv=(x)/SrvID:dms2",
	"urn:oma:mo:oma-dm-dmacc:2.0/*/Auth/*/Data?lv=2",
	"urn:oma:mo:oma-dm-devinfo:1.0//DevID?cv=1",
	`${TEST_MOID}/(x)/Items/(y)/ID?nv=(x)/Val:v&nv=(y)/ID:one`,
	`${TEST_MOID}/inst/Items/*/When`,
	"urn:oma:mo:oma-dm-dacmo:1.0/urn%3Aoma%3Amo%3Atest-mo%3A1.0/inst/*/Permissions/*/MAID",
	"urn:oma:mo:oma-dm-dmacc:1.2/dms1/Perm/1/MOID",
	"urn:oma:mo:oma-sessioninfomo:1.0//CBT?vendor=x&lv=1",
];
const ALPHABET = "/?&=:()*%xyA1 é~._-2F3A";

export interface UriFuzzStats { runs: number; accepted: number; refused: Record<string, number> }

export function fuzzClientUri(runs: number, seed: number): UriFuzzStats {
	const { tree } = freshTree();
	provision(tree);
	const owner = new AccessControl(tree, { kind: "server", srvId: "dms1" });
	const cs = tree.change(owner.guard());
	owner.createInstance(cs, TEST_MOID, "inst");
	cs.put({ moid: TEST_MOID, miid: "inst", path: ["Val"] }, "v");
	cs.put({ moid: TEST_MOID, miid: "inst", path: ["Items", "i1", "ID"] }, "one");
	cs.commit();
	const device = tree.change();
	const grant = (moid: string, miid: string, maid: string) => {
		if (!device.has({ moid: MOIDS.dacmo, miid: moid, path: [] })) device.createInstance(MOIDS.dacmo, moid);
		device.put({ moid: MOIDS.dacmo, miid: moid, path: [miid, "1", "Permissions", "1", "MAID"] }, maid);
		device.put({ moid: MOIDS.dacmo, miid: moid, path: [miid, "1", "Permissions", "1", "AR"] }, Right.All);
	};
	grant(MOIDS.devInfo, "devinfo", "*");
	grant(MOIDS.sessionInfo, "session", "*");
	for (const s of ["dms1", "dms2", "dms3"]) grant(MOIDS.dmAcc, s, `serverid:${s}`);
	device.commit();
	const r = prng(seed);
	const stats: UriFuzzStats = { runs, accepted: 0, refused: {} };
	for (let n = 0; n < runs; n++) {
		let text: string;
		const mode = n % 4;
		if (mode === 0) text = SEEDS[Math.floor(r() * SEEDS.length)]!;
		else if (mode === 3) {
			text = "";
			for (let k = Math.floor(r() * 40); k > 0; k--) text += ALPHABET.charAt(Math.floor(r() * ALPHABET.length));
		}
		else {
			const chars = [...SEEDS[Math.floor(r() * SEEDS.length)]!];
			for (let k = 1 + Math.floor(r() * 4); k > 0; k--) {
				const at = Math.floor(r() * (chars.length + 1));
				const c = ALPHABET.charAt(Math.floor(r() * ALPHABET.length));
				const op = r();
				if (op < 0.4) chars[at] = c;
				else if (op < 0.7) chars.splice(at, 0, c);
				else chars.splice(at, 1);
			}
			text = chars.join("");
		}
		try {
			const uri = parseClientUri(text);
			const who = new AccessControl(tree, { kind: "server", srvId: n % 2 ? "dms1" : "dms2" });
			who.resolve(uri, n % 3 === 0 ? Right.Write : Right.Read, uri.level);
			stats.accepted++;
		} catch (e) {
			if (!(e instanceof DmError) || (e.status !== 400 && e.status !== 403 && e.status !== 404)) throw e;
			stats.refused[e.status] = (stats.refused[e.status] ?? 0) + 1;
		}
	}
	return stats;
}
