// The envelope's signature check on the host's mbedTLS (modules/crypto's ECDSA P-256, no fallback
// on Node): an envelope signed by tools/firmware/sign.ts with the sim's development key
// (hosts/sim/peers/fixtures/firmware-dev-key.pem) is accepted, one signed by another key is 404's
// "signature", and a header changed after signing fails the same way.
import { EnvelopeFault, EnvelopeReader, type EnvelopeExpectations } from "../../modules/firmware/index.js";
import { assert, describe, it } from "../harness/index.js";

const { fromHex: h } = assert;

// npm run firmware:sign -- --public-key hosts/sim/peers/fixtures/firmware-dev-key.pem
const DEV_KEY = h("04ff972f6d90e993dfffd177084c119e78b293cd34d84d782b313ee72fe74507df323854f33893d6a6274f115d493c0dfada903224a29e566ec8591ce3d047c904");
// 300 payload bytes (i*7+3 & 255), model xsdm-sim, version 1.1, signed with the development key
const GOOD = h(
	"444d4657010803002c01000004773f8726c81cafcfa1a09a82664b98b00d2021031a1715bca1154f2dad34727873646d2d73696d312e317b4828ec53" +
	"4de725dc0df14ee3268a250c7591bb355773ca4e6c416c57afffa9bfbb9314755916b3d8a4f8cd3a8e0a890ada7d4a96a33ec4eb1bd4a2d4eb78fe03" +
	"0a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7" +
	"aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b" +
	"525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8ef" +
	"f6fd040b121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c93" +
	"9aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930");
// the same, signed by a freshly made key
const FORGED = h(
	"444d4657010803002c01000004773f8726c81cafcfa1a09a82664b98b00d2021031a1715bca1154f2dad34727873646d2d73696d312e31d9d22133bf" +
	"1681f8323880970f2f73862b29a9cabb36cf14c79a9130c8598b0f10d8b930264fbea0de807c473b298cfd7cdfc2243ee1928145c9c6ddf3dfff2e03" +
	"0a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7" +
	"aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b" +
	"525960676e757c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8ef" +
	"f6fd040b121920272e353c434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c93" +
	"9aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930");

const expect: EnvelopeExpectations = { model: "xsdm-sim", running: "1.0", publicKey: DEV_KEY, maxPayload: 4096 };

function read(bytes: Uint8Array): string {
	try {
		const r = EnvelopeReader.start(expect);
		let n = 0;
		r.feed(bytes, (p) => { n += p.length; });
		const header = r.finish();
		return `${header.version} ${n}`;
	} catch (e) {
		if (e instanceof EnvelopeFault) return e.kind;
		throw e;
	}
}

describe("firmware envelope: ECDSA P-256 signatures on mbedTLS", () => {
	it("accepts an envelope signed with the device's key", () => {
		assert.equal(read(GOOD), "1.1 300");
	});
	it("refuses one signed by another key, and a header changed after signing", () => {
		assert.equal(read(FORGED), "signature");
		const changed = GOOD.slice();
		changed[8] = 0x2b;	// payload length 299: the header no longer is what was signed
		assert.equal(read(changed), "signature");
	});
	it("tells a key that is no P-256 point apart from a bad package", () => {
		const bad = new Uint8Array(65).fill(4);
		assert.throws(() => EnvelopeReader.start({ ...expect, publicKey: bad }).feed(GOOD, () => undefined), /provision a valid P-256 firmware key/);
	});
});
