// HTTP authentication for the DM server and data repositories: Basic (RFC 7617, mandatory) and
// Digest (RFC 7616 with qop=auth, MD5 or SHA-256) answering a 401's challenge. The secret goes
// into a hash or base64 here and nowhere else; nothing here logs or keeps it.

import { encodeBase64, encodeUtf8, pattern, toHex } from "../../bytes/index.js";
import { md5, sha256 } from "../../crypto/index.js";
import { HttpError, HttpErrorKind } from "./error.js";

const DIGEST = pattern(/^\s*Digest\s+(.*)$/i);
const LINE_END = pattern(/^[\n\r\u2028\u2029]$/);
const TRUE = pattern(/^true$/i);

export interface Credentials {
	user: string;
	password: string;
	/** the one scheme these answer (an account's Ext/HttpAuth/<x>/Type): a server that offers only
	    the other gets its 401 back, so a Digest password is never sent as Basic. Absent: either. */
	scheme?: "Basic" | "Digest";
}

export interface DigestChallenge {
	realm: string;
	nonce: string;
	opaque?: string;
	algorithm: "MD5" | "SHA-256";
	/** true when the server offers qop=auth (the only quality of protection sent) */
	qopAuth: boolean;
	stale: boolean;
}

export function basicAuthorization(c: Credentials): string {
	if (c.user.includes(":")) throw new TypeError("a Basic user name cannot contain ':'");
	return `Basic ${encodeBase64(encodeUtf8(`${c.user}:${c.password}`))}`;
}

/** The Digest challenge of a WWW-Authenticate value, or undefined when it offers none. */
export function parseDigestChallenge(header: string): DigestChallenge | undefined {
	const m = DIGEST.exec(header);
	if (!m) return undefined;
	const params = new Map<string, string>();
	const param = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;
	const text = m[1]!;
	param.lastIndex = 0;
	while (param.lastIndex < text.length) {
		const start = param.lastIndex;
		const p = param.exec(text);
		if (!p || param.lastIndex === start) throw new HttpError(HttpErrorKind.Malformed, "a Digest challenge that does not parse");
		params.set(p[1]!.toLowerCase(), p[2] !== undefined ? unquote(p[2]) : p[3]!);
	}
	const realm = params.get("realm"), nonce = params.get("nonce");
	if (realm === undefined || !nonce) throw new HttpError(HttpErrorKind.Malformed, "a Digest challenge without realm or nonce");
	const algorithm = (params.get("algorithm") ?? "MD5").toUpperCase();
	if (algorithm !== "MD5" && algorithm !== "SHA-256") throw new HttpError(HttpErrorKind.Unauthorized, `Digest algorithm ${algorithm} is not supported: MD5 or SHA-256`);
	const qop = params.get("qop");
	const challenge: DigestChallenge = { realm, nonce, algorithm, qopAuth: qop !== undefined && qop.split(",").some((q) => q.trim() === "auth"), stale: TRUE.test(params.get("stale") ?? "") };
	if (qop !== undefined && !challenge.qopAuth) throw new HttpError(HttpErrorKind.Unauthorized, `Digest qop "${qop}" offers no "auth"`);
	const opaque = params.get("opaque");
	if (opaque !== undefined) challenge.opaque = opaque;
	return challenge;
}

const quote = (s: string): string => `"${s.replaceAll("\\", "\\\\").replaceAll("\"", "\\\"")}"`;

/** A quoted-string's content with each quoted-pair (backslash and a character) made the character. */
function unquote(s: string): string {
	if (s.indexOf("\\") < 0) return s;
	let out = "";
	for (let i = 0; i < s.length; i++) {
		const c = s.charAt(i);
		if (c === "\\" && i + 1 < s.length && !LINE_END.test(s.charAt(i + 1))) out += s.charAt(++i);
		else out += c;
	}
	return out;
}

/** The Authorization value answering a Digest challenge; cnonce comes from the caller's random source. */
export function digestAuthorization(c: Credentials, ch: DigestChallenge, method: string, uri: string, cnonce: string, nc = 1): string {
	const hash = ch.algorithm === "SHA-256" ? sha256 : md5;
	const H = (s: string): string => toHex(hash(encodeUtf8(s)));
	const ha1 = H(`${c.user}:${ch.realm}:${c.password}`);
	const ha2 = H(`${method}:${uri}`);
	const count = nc.toString(16).padStart(8, "0");
	const response = ch.qopAuth ? H(`${ha1}:${ch.nonce}:${count}:${cnonce}:auth:${ha2}`) : H(`${ha1}:${ch.nonce}:${ha2}`);
	let value = `Digest username=${quote(c.user)}, realm=${quote(ch.realm)}, nonce=${quote(ch.nonce)}, uri=${quote(uri)}, algorithm=${ch.algorithm}`;
	if (ch.qopAuth) value += `, qop=auth, nc=${count}, cnonce=${quote(cnonce)}`;
	value += `, response="${response}"`;
	if (ch.opaque !== undefined) value += `, opaque=${quote(ch.opaque)}`;
	return value;
}
