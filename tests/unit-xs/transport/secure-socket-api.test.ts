// The secure socket's contract without a peer: options are checked before anything is allocated
// (PSK or X.509 credentials, never both; suites of the mode), errors say what to pass, a session starts empty, and the native receivers are validated.
import TCP from "embedded:io/socket/tcp";
import { PSK_SUITES, SecureSocket, TLSSession, suiteNamed, X509_SUITES } from "../../../modules/transport/index.js";
import { assert, describe, it } from "../../harness/index.js";

const psk = { identity: "dev", key: new Uint8Array(16).fill(7) };

describe("secure socket options", () => {
	it("needs PSK credentials", () => {
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: {} as never }), /psk required/);
	});
	it("refuses an empty key and an oversized identity, without echoing either", () => {
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk: { identity: "dev", key: new Uint8Array(0) } } }), /psk\.key must be 1\.\.\d+ bytes, not 0/);
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk: { identity: "x".repeat(200), key: psk.key } } }), /psk\.identity must be 1\.\.128 bytes, not 200/);
	});
	it("refuses a bad address through TCP, after freeing the engine", () => {
		assert.throws(() => new SecureSocket({ address: "not-an-address", port: 443, socket: { io: TCP }, secure: { psk } }));
	});
	it("names the suites of 9.2.2 when asked for another", () => {
		assert.equal(PSK_SUITES.length, 7);
		assert.equal(X509_SUITES.length, 6);
		assert.equal(suiteNamed("TLS_PSK_WITH_AES_128_GCM_SHA256", PSK_SUITES).id, 0x00a8);
		assert.throws(() => suiteNamed("TLS_PSK_WITH_NULL_SHA256", PSK_SUITES), /not one of section 9\.2\.2's: TLS_DHE_PSK/);
	});
	it("takes PSK or X.509 credentials, not both, and X.509 only with a server name to check", () => {
		const x509 = { trustAnchors: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] };
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk, x509 } as never }), /not both/);
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { x509 } }), /serverName required in X\.509 mode/);
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { x509, serverName: "dm.example" } }), /trustAnchors: not DER certificates/);
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { x509, serverName: "dm.example", suites: PSK_SUITES } }), /not one of section 9\.2\.2's for X\.509 mode/);
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk, suites: X509_SUITES } }), /for PSK mode/);
	});
	it("refuses a session object that is not a TLSSession", () => {
		assert.throws(() => new SecureSocket({ address: "127.0.0.1", port: 1, socket: { io: TCP }, secure: { psk, session: {} as TLSSession } }));
	});
});

describe("TLS sessions", () => {
	it("start empty and export nothing", () => {
		assert.equal(new TLSSession().export(), undefined);
	});
	it("carry bytes given back for persistence", () => {
		const s = new TLSSession(new Uint8Array([1, 2, 3]));
		assert.bytes(new Uint8Array(s.export()!), "010203");
	});
	it("validate the receiver of export", () => {
		assert.throws(() => TLSSession.prototype.export.call({} as TLSSession));
	});
	it("refuse an oversized saved session", () => {
		assert.throws(() => new TLSSession(new Uint8Array(5000)), /at most 4096 bytes/);
	});
});
