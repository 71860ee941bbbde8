// The SHA256-DIGEST of Package#0 (5.2.1.2, interpretation 4), checked against SHA-256 computed
// here over the concatenation itself, and the constant-time comparison it relies on.
import { sha256 } from "@noble/hashes/sha2.js";
import { constantTimeEqual } from "../../../modules/bytes/index.js";
import { decodePackage0, encodePackage0, package0Digest, signPackage0, verifyPackage0 } from "../../../modules/dm/codec/index.js";
import { DmError } from "../../../modules/dm/error.js";
import { assert, describe, it } from "../../harness/index.js";
import { PACKAGE0_SEEDS } from "../../fuzz/seeds/package0/seeds.js";

const { fromHex: h } = assert;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]): Uint8Array => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) { out.set(p, at); at += p.length; }
	return out;
};

describe("Package#0 digest (interpretation 4)", () => {
	const secret = ascii("noti-secret"), data = ascii("noti-data");
	const unsigned = h(PACKAGE0_SEEDS.find((s) => s.name === "every option")!.hex);

	it("is SHA-256(Auth/Noti/Secret ‖ the package with a zero digest ‖ Auth/Noti/Data)", () => {
		const signed = signPackage0(unsigned, secret, data);
		const expected = sha256(concat(secret, unsigned, data));
		const n = decodePackage0(signed);
		assert.bytes(n.digest!, expected);
		// signing touches the 32 digest bytes and nothing else
		assert.bytes(signed.subarray(0, n.digestOffset), unsigned.subarray(0, n.digestOffset));
		assert.bytes(signed.subarray(n.digestOffset! + 32), unsigned.subarray(n.digestOffset! + 32));
		assert.bytes(package0Digest(signed, n.digestOffset!, secret, data), expected);
		assert.equal(verifyPackage0(signed, secret, data), true);
		assert.equal(verifyPackage0(signed, secret, data, n), true);
	});

	it("covers reserved bits and options of a later version", () => {
		const p = encodePackage0({ serverId: "s", withDigest: true, requestMos: false, reserved: 3, extensions: [{ number: 9, value: h("abcd") }] });
		const signed = signPackage0(p, secret, data);
		assert.bytes(decodePackage0(signed).digest!, sha256(concat(secret, p, data)));
		for (const at of [1, signed.length - 1]) {
			const tampered = signed.slice();
			tampered[at] = tampered[at]! ^ 1;
			assert.equal(verifyPackage0(tampered, secret, data), false, `byte ${at} changed`);
		}
	});

	it("is false for any changed byte, a wrong secret or auth data, no digest, or no secret", () => {
		const signed = signPackage0(unsigned, secret, data);
		for (let at = 0; at < signed.length; at++) {
			const tampered = signed.slice();
			tampered[at] = tampered[at]! ^ 0x80;
			let verdict: boolean;
			try { verdict = verifyPackage0(tampered, secret, data); }
			catch (e) { assert.ok(e instanceof DmError, String(e)); continue; }
			assert.equal(verdict, false, `byte ${at} changed`);
		}
		assert.equal(verifyPackage0(signed, ascii("noti-secreT"), data), false);
		assert.equal(verifyPackage0(signed, secret, ascii("noti-datA")), false);
		assert.equal(verifyPackage0(signed, secret, new Uint8Array(0)), false);
		assert.equal(verifyPackage0(signed, undefined, data), false);
		assert.equal(verifyPackage0(signed, new Uint8Array(0), data), false);
		assert.equal(verifyPackage0(unsigned, secret, data), false, "a zero digest");
		assert.equal(verifyPackage0(encodePackage0({ serverId: "dms1", requestMos: false }), secret, data), false, "no digest");
	});

	it("moves the secret into no error message", () => {
		const e = assert.throws(() => signPackage0(encodePackage0({ requestMos: false }), secret, data), TypeError) as Error;
		assert.ok(!e.message.includes("noti-secret"), e.message);
		const bad = assert.throws(() => verifyPackage0(h("2080"), secret, data), DmError) as Error;
		assert.ok(!bad.message.includes("noti-secret"), bad.message);
	});
});

describe("constantTimeEqual", () => {
	it("tells equal from unequal, wherever they differ and whatever their lengths", () => {
		assert.equal(constantTimeEqual(h("00ff"), h("00ff")), true);
		assert.equal(constantTimeEqual(h("00ff"), h("01ff")), false);
		assert.equal(constantTimeEqual(h("00ff"), h("00fe")), false);
		assert.equal(constantTimeEqual(h("00ff"), h("00ff00")), false);
		assert.equal(constantTimeEqual(h("00ff00"), h("00ff")), false);
		assert.equal(constantTimeEqual(h(""), h("")), true);
		assert.equal(constantTimeEqual(h(""), h("00")), false);
		assert.equal(constantTimeEqual(new Uint8Array(32), new Uint8Array(32)), true);
	});

	it("reads every byte even when the first one differs (no early exit)", () => {
		let reads = 0;
		const counted = (b: Uint8Array): Uint8Array => new Proxy(b, {
			get(target, key) {
				if (typeof key === "string" && /^\d+$/.test(key)) reads++;
				return Reflect.get(target, key);
			},
		});
		const a = new Uint8Array(32), b = new Uint8Array(32);
		b[0] = 1;
		assert.equal(constantTimeEqual(counted(a), counted(b)), false);
		assert.equal(reads, 64);
		reads = 0;
		assert.equal(constantTimeEqual(counted(a), counted(new Uint8Array(31))), false);
		assert.equal(reads, 64, "both read at every index up to the longer length");
	});
});
