// xsdm [--heap-report] bench/xs/package3.js: encoding a Package#3 of 100 statuses through a
// 512-byte JsonWriter into a sink that discards; prints µs per package.
import { monotonic, resetPeak } from "embedded:sim/host";
import { JsonWriter } from "../../modules/dm/codec/json-writer.js";
import { Package3Writer } from "../../modules/dm/codec/package3.js";

const uris = ["urn:oma:mo:oma-dm-devinfo:1.2//DevID"];
let bytes = 0;
function encode(): void {
	const p = new Package3Writer(new JsonWriter((b) => { bytes += b.length; }, 512));
	for (let i = 0; i < 100; i++) {
		if (i % 10 === 0) p.status(200, uris);
		else p.status(i % 3 ? 200 : 404);
	}
	p.end();
}
encode();
resetPeak();
let runs = 0;
const start = monotonic();
do { encode(); runs++; } while (monotonic() - start < 300 || runs < 3);
console.log(JSON.stringify({ package3_100_statuses_encode_us: ((monotonic() - start) * 1000) / runs, package3_100_statuses_bytes: bytes / (runs + 1) }));
