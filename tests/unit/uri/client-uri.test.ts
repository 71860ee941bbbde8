// ClientURI (6.1): the examples of 6.1.3 against the MO of Figure 5, parsing rules and errors.
import { parseClientUri, resolveClientUri, substituteServerUri, type DeviceInfoProvider, type UriTarget } from "../../../modules/dm/uri/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { assert, describe, engine, it } from "../../harness/index.js";
import { prng } from "../../fuzz/json.js";

// Figure 5: one MO, two instances. A small in-memory tree, standing in for modules/dm/tree.
type Node = string | { [name: string]: Node };
const tree: Record<string, Record<string, Node>> = {
	"urn:oma:mo:moid:1.0": {
		left: { ID: "GPS", Setting: "0xA1", Data: { "1": { Value: "v11", Date: "12.1" }, "2": { Value: "v12", Date: "12.2" } } },
		right: { ID: "Temperature", Setting: "0xB2", Data: { "1": { Value: "v21", Date: "12.1" }, "2": { Value: "v22", Date: "12.3" } } },
	},
	"urn:oma:mo:oma-dm-devinfo:1.2": { only: { DevID: "IMEI:493005100592800", Ext: {} } },
};
function at(moid: string, miid: string, path: readonly string[]): Node | undefined {
	let n: Node | undefined = tree[moid]?.[miid];
	for (const p of path) n = typeof n === "object" ? n[p] : undefined;
	return n;
}
const target: UriTarget = {
	instances: (moid) => Object.keys(tree[moid] ?? {}),
	children: (moid, miid, path) => { const n = at(moid, miid, path); return typeof n === "object" ? Object.keys(n) : undefined; },
	value: (moid, miid, path) => { const n = at(moid, miid, path); return typeof n === "string" ? n : undefined; },
};

function resolve(text: string): string[] {
	return resolveClientUri(parseClientUri(text), target).map((n) => `${n.miid}/${n.path.join("/")}`);
}

function status(fn: () => unknown): number {
	try { fn(); } catch (e) { if (e instanceof DmError) return e.status; throw e; }
	return 200;
}

describe("ClientURI examples of 6.1.3 (Figure 5)", () => {
	// The spec writes some MOIDs with typos ("urn:oma:moi:", "urn:oma:moid:"): the intended one is used.
	const examples: [string, string[] | number][] = [
		["urn:oma:mo:moid:1.0/left/", ["left/"]],
		["urn:oma:mo:moid:1.0//", 400],
		["urn:oma:mo:moid:1.0/(x)/?nv=(x)/ID:Temperature", ["right/"]],
		["urn:oma:mo:moid:1.0/(x)/Data/1/Value?nv=(x)/ID:GPS", ["left/Data/1/Value"]],
		["urn:oma:mo:moid:1.0/right/Data/(x)/Value?nv=(x)/Date:12.1", ["right/Data/1/Value"]],
		["urn:oma:mo:moid:1.0/(x)/Data/(y)/Value?nv=(x)/ID:GPS&nv=(y)/Date:12.2", ["left/Data/2/Value"]],
		["urn:oma:mo:moid:1.0/*/Setting", ["left/Setting", "right/Setting"]],
		["urn:oma:mo:moid:1.0/(x)/Data/*/Value?nv=(x)/ID:GPS", ["left/Data/1/Value", "left/Data/2/Value"]],
		["urn:oma:mo:moid:1.0/(x)/Data/*/Value?nv=(x)/ID:GPS&nv=(x)/Setting:0xB2", 404],
		["urn:oma:mo:moid:1.0/*/Data/*/Value", ["left/Data/1/Value", "left/Data/2/Value", "right/Data/1/Value", "right/Data/2/Value"]],
	];
	for (const [text, want] of examples) {
		it(`${text} → ${Array.isArray(want) ? want.join(", ") : want}`, () => {
			if (Array.isArray(want)) assert.deepEqual(resolve(text), want);
			else assert.equal(status(() => resolve(text)), want);
		});
	}
});

describe("ClientURIs of Appendix I", () => {
	const examples: [string, string, string, number, number][] = [
		// text, normative MOID, instance kind, path segments, nv fields
		["urn:oma:mo:oma-dcmo:1.0/(x)/Enabled?nv=(x)/Property:Camera", "urn:oma:mo:oma-dcmo:1.0", "x", 1, 1],
		["urn:oma:mo:oma-dcmo:1.0/usb/", "urn:oma:mo:oma-dcmo:1.0", "miid", 0, 0],
		["urn:oma:mo:oma-dm-dmacc:2.0/(x)/AuthNoti/AuthSecret?nv=(x)/ServerID:DMS_ID1", "urn:oma:mo:oma-dm-dmacc:1.2", "x", 3, 1],
		["urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/*/ID", "urn:oma:mo:oma-scomo:1.0", "only", 4, 0],
		["urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/pkg1/ID", "urn:oma:mo:oma-scomo:1.0", "only", 4, 0],
		// written without "urn:" in I (and 7.2.1.4): well-formed, but no such MOID, so it selects nothing
		["oma:mo:oma-dm-devinfo:1.0//", "oma:mo:oma-dm-devinfo:1.0", "only", 0, 0],
	];
	for (const [text, moid, kind, segments, conditions] of examples) {
		it(`parses ${text}`, () => {
			const u = parseClientUri(text);
			assert.deepEqual([u.moid, u.instance.kind, u.path.length, u.nodeValues.length], [moid, kind, segments, conditions]);
		});
	}
	it("maps the prose spellings of DMAcc nodes to the normative ones (interpretation 3)", () => {
		const u = parseClientUri("urn:oma:mo:oma-dm-dmacc:2.0/(x)/AuthNoti/AuthSecret?nv=(x)/ServerID:DMS_ID1");
		assert.deepEqual(u.path, [{ kind: "name", name: "Auth" }, { kind: "name", name: "Noti" }, { kind: "name", name: "Secret" }]);
		assert.deepEqual(u.nodeValues, [{ x: "x", path: ["SrvID"], value: "DMS_ID1" }]);
		assert.equal(u.text, "urn:oma:mo:oma-dm-dmacc:2.0/(x)/AuthNoti/AuthSecret?nv=(x)/ServerID:DMS_ID1", "the text stays as the server wrote it");
		assert.deepEqual(parseClientUri("urn:oma:mo:oma-dm-dmacc:1.2/dms1/Credentials/Noti").path.map((s) => (s as { name: string }).name), ["Auth", "Noti", "Data"]);
		assert.deepEqual(parseClientUri("urn:oma:mo:oma-dm-dmacc:1.2/dms1/Ext/AuthNoti/AuthSecret").path.map((s) => (s as { name: string }).name), ["Ext", "AuthNoti", "AuthSecret"], "only from the instance root");
		assert.deepEqual(parseClientUri("urn:oma:mo:oma-dm-devinfo:1.2//ServerID").path, [{ kind: "name", name: "ServerID" }], "only in DMAcc");
	});

	it("finds nothing for the MOID written without urn: (404)", () => {
		assert.equal(status(() => resolve("oma:mo:oma-dm-devinfo:1.0//")), 404);
	});
});

describe("ClientURI parsing", () => {
	it("types every component", () => {
		assert.deepEqual(parseClientUri("urn:oma:mo:moid:1.0/(x)/Data/*/V%C3%A9?nv=(x)/ID:G%20PS&lv=2&cv=abc&vendor=1"), {
			moid: "urn:oma:mo:moid:1.0", text: "urn:oma:mo:moid:1.0/(x)/Data/*/V%C3%A9?nv=(x)/ID:G%20PS&lv=2&cv=abc&vendor=1",
			instance: { kind: "x", x: "x" }, path: [{ kind: "name", name: "Data" }, { kind: "any" }, { kind: "name", name: "Vé" }],
			level: 2, cacheValidator: "abc", nodeValues: [{ x: "x", path: ["ID"], value: "G PS" }],
		});
	});

	it("maps MOID aliases to the normative MOIDs (interpretation 2)", () => {
		assert.equal(parseClientUri("urn:oma:mo:oma-dm-devinfo:1.0//DevID").moid, "urn:oma:mo:oma-dm-devinfo:1.2");
		assert.equal(parseClientUri("urn:oma:mo:oma-dm-dmacc:2.0/dms1/Auth").moid, "urn:oma:mo:oma-dm-dmacc:1.2");
		assert.deepEqual(resolve("urn:oma:mo:oma-dm-devinfo:1.0//DevID"), ["only/DevID"]);
	});

	it("finds nothing as 404 and an unknown MOID as 404", () => {
		assert.equal(status(() => resolve("urn:oma:mo:moid:1.0/left/Nope")), 404);
		assert.equal(status(() => resolve("urn:oma:mo:moid:1.0/nobody/")), 404);
		assert.equal(status(() => resolve("urn:oma:mo:other:1.0/*/")), 404);
		assert.equal(status(() => resolve("urn:oma:mo:moid:1.0/left/ID/below")), 404, "a leaf has no children");
	});

	const malformed = [
		"", "DevInfo", "/left/", "urn:oma:mo:moid:1.0", "urn:oma:mo:moid:1.0/left", "urn:oma:mo:moid:1.0/left//ID", "urn:oma:mo:moid:1.0/left/ID/",
		"urn:oma:mo:moid:1.0/left/a b", "urn:oma:mo:moid:1.0/left/%zz", "urn:oma:mo:moid:1.0/left/%C3", "urn:oma:mo:moid:1.0/(xy)/",
		"urn:oma:mo:moid:1.0/(x)/", "urn:oma:mo:moid:1.0/(x)/(x)?nv=(x)/ID:GPS", "urn:oma:mo:moid:1.0/left/?nv=(x)/ID:GPS",
		"urn:oma:mo:moid:1.0/left/?lv=0", "urn:oma:mo:moid:1.0/left/?lv=x", "urn:oma:mo:moid:1.0/left/?lv=1&lv=2", "urn:oma:mo:moid:1.0/left/?cv=a&cv=b",
		"urn:oma:mo:moid:1.0/left/?", "urn:oma:mo:moid:1.0/left/?lv", "urn:oma:mo:moid:1.0/(x)/?nv=(x)/ID", "urn:oma:mo:moid:1.0/(x)/?nv=ID:GPS",
		"urn:oma:mo:moid:1.0/left/" + "a/".repeat(40) + "a", "urn:oma:mo:moid:1.0/left/" + "a".repeat(2000), "urn oma/left/",
	];
	for (const text of malformed) {
		it(`refuses ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + "…" : text)} with 400`, () => {
			assert.equal(status(() => parseClientUri(text)), 400);
		});
	}

	it(`survives mutated examples (fuzz, ${engine === "xs" ? 300 : 3000} runs): only DmError escapes`, () => {
		const r = prng(9);
		const seeds = ["urn:oma:mo:moid:1.0/(x)/Data/(y)/Value?nv=(x)/ID:GPS&nv=(y)/Date:12.2", "urn:oma:mo:moid:1.0/*/Data/*/Value", "urn:oma:mo:oma-dm-devinfo:1.0//DevID?lv=3&cv=x"];
		let refused = 0;
		for (let n = 0; n < (engine === "xs" ? 300 : 3000); n++) {
			const chars = [...seeds[n % seeds.length]!];
			for (let k = 1 + Math.floor(r() * 3); k > 0; k--) chars[Math.floor(r() * chars.length)] = "/?&=:()*%xA1 é"[Math.floor(r() * 14)]!;
			try { resolveClientUri(parseClientUri(chars.join("")), target); } catch (e) { if (!(e instanceof DmError)) throw e; refused++; }
		}
		assert.ok(refused > 0);
	});
});

describe("ServerURI (6.2)", () => {
	const onNetwork: DeviceInfoProvider = { devId: () => "IMEI:493005100592800", mcc: () => "234", mnc: () => "15", cmcc: () => "208", cmnc: () => "01", spName: () => "My Op" };
	const offNetwork: DeviceInfoProvider = { devId: () => "dev 1", mcc: () => undefined, mnc: () => undefined, cmcc: () => undefined, cmnc: () => undefined, spName: () => undefined };

	it("substitutes every parameter, percent-encoding the values", () => {
		assert.equal(substituteServerUri("https://DMcontent.DMserver.operator.com/[DevID]", onNetwork), "https://DMcontent.DMserver.operator.com/IMEI:493005100592800");
		assert.equal(substituteServerUri("https://s/x?m=[MCC]-[MNC]&c=[CMCC]-[CMNC]&sp=[SPName]", onNetwork), "https://s/x?m=234-15&c=208-01&sp=My%20Op");
	});

	it("uses -1 off a mobile network, as 6.2 requires", () => {
		assert.equal(substituteServerUri("https://s/[DevID]/[MCC]/[MNC]/[CMCC]/[CMNC]/[SPName]", offNetwork), "https://s/dev%201/-1/-1/-1/-1/-1");
	});

	it("replaces an unsupported parameter and a value the device lacks with -1, as 6.2 requires", () => {
		assert.equal(substituteServerUri("https://s/[IMSI]/[DevID]?x=[]", onNetwork), "https://s/-1/IMEI:493005100592800?x=-1");
		const noDevId: DeviceInfoProvider = { ...offNetwork, devId: () => "" };
		assert.equal(substituteServerUri("https://s/[DevID]/[SPName]", noDevId), "https://s/-1/-1");
		assert.equal(substituteServerUri("https://s/[::1]", onNetwork), "https://s/-1", "brackets outside the host are a parameter");
	});

	it("keeps an IPv6 or IPvFuture host literal: the URI's own brackets, not a parameter", () => {
		assert.equal(substituteServerUri("https://[::1]:8443/dm/[DevID]", onNetwork), "https://[::1]:8443/dm/IMEI:493005100592800");
		assert.equal(substituteServerUri("https://[2001:db8::a:192.0.2.1]/", offNetwork), "https://[2001:db8::a:192.0.2.1]/");
		assert.equal(substituteServerUri("http://[fe80::1%25eth0]/x", offNetwork), "http://[fe80::1%25eth0]/x");
		assert.equal(substituteServerUri("https://[v1.fe]/", offNetwork), "https://[v1.fe]/");
		assert.equal(substituteServerUri("https://[MCC]/", offNetwork), "https://-1/", "a parameter in the host is still a parameter");
	});

	it("refuses unbalanced brackets and non-http URIs with 419", () => {
		for (const bad of ["https://s/[DevID", "https://s/DevID]", "ftp://s/x", "s/x", "https:///x", "https://s/" + "a".repeat(2100)]) {
			assert.equal(status(() => substituteServerUri(bad, onNetwork)), 419, bad);
		}
	});
});
