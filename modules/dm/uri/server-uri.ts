// ServerURI (6.2): replaces [DevID], [MCC], [MNC], [CMCC], [CMNC], [SPName] with the device's values
// (percent-encoded, so the result stays one URI), then checks the result is an absolute http(s) URI.
// 6.2: "All non-supported values MUST be replaced with the integer value '-1'": a parameter name
// outside the table, and one the device has no value for (the operator values off a mobile network,
// an empty DevID), become -1. Brackets that enclose the host as an RFC 3986 IP-literal
// (https://[2001:db8::1]:443/) are the URI's own syntax, not a parameter, and stay. An unbalanced
// bracket, or a result that is no absolute http(s) URI, is 419 ServerURI Error (Appendix C: "the
// ServerURI provided causes errors").
import { DmError } from "../error.js";
import { authorityEnd, httpAuthorityEnd, schemeOf } from "../../http/index.js";
import { isSpace, pattern, span, unitRange, unitSet } from "../../bytes/index.js";


export interface DeviceInfoProvider {
	devId(): string;
	/** undefined when the device is not on a mobile network */
	mcc(): string | undefined;
	mnc(): string | undefined;
	cmcc(): string | undefined;
	cmnc(): string | undefined;
	spName(): string | undefined;
}

export const SERVER_URI_MAX_LENGTH = 2048;

const NOT_BRACKET = unitSet("[]", true);
/** the units below 0x100 that are not \s (units above are left to isSpace) */
const NOT_SPACE_BELOW_256 = unitRange(0, 0xff, "\t\n\v\f\r \xa0");

/** Percent-encodes all but unreserved characters and ":" "@" (which RFC 3986 allows in a path or query). */
function encodeValue(value: string): string {
	return encodeURIComponent(value).replaceAll("%3A", ":").replaceAll("%40", "@");
}

/** RFC 3986 IP-literal contents: an IPv6 address (hex groups, "::", an IPv4 tail, a "%25" zone) or
    IPvFuture ("v" hex "." ...). Checked loosely here: the transport's URL parser is strict. */
const IP_LITERAL = pattern(/^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%25[\w.~-]+)?|[vV][0-9A-Fa-f]+\.[\w.~!$&'()*+,;=:-]+)$/);

/** Where the host of an absolute URI starts: after "scheme://" and any "userinfo@". */
function hostStart(template: string): number {
	const scheme = schemeOf(template);
	if (scheme === undefined) return -1;
	const start = scheme.length + 3;	// after "://"
	const authority = template.slice(start, authorityEnd(template, start));
	const at = authority.lastIndexOf("@");
	return start + (at < 0 || authority.slice(0, at).includes("[") ? 0 : at + 1);
}

export function substituteServerUri(template: string, device: DeviceInfoProvider): string {
	if (template.length > SERVER_URI_MAX_LENGTH) throw new DmError(419, `ServerURI longer than ${SERVER_URI_MAX_LENGTH} characters`);
	const host = hostStart(template);
	let out = "";
	// the text between brackets goes out in runs (span finds the next bracket in C on XS, where a
	// loop of charAt made a String object and a concatenation per character)
	for (let i = 0; ;) {
		const at = span(template, NOT_BRACKET, i);
		if (at < 0) { out += i === 0 ? template : template.slice(i); break; }
		if (at > i) out += template.slice(i, at);
		i = at;
		if (template.charAt(i) === "]") throw new DmError(419, `ServerURI: an unmatched "]" at ${i}`);
		const close = template.indexOf("]", i + 1);
		if (close < 0) throw new DmError(419, `ServerURI: an unclosed "[" at ${i}`);
		const name = template.slice(i + 1, close);
		if (i === host && IP_LITERAL.test(name)) {
			out += template.slice(i, close + 1);
			i = close + 1;
			continue;
		}
		let value: string | undefined;
		switch (name) {
		case "DevID": value = device.devId(); break;
		case "MCC": value = device.mcc() ?? "-1"; break;
		case "MNC": value = device.mnc() ?? "-1"; break;
		case "CMCC": value = device.cmcc() ?? "-1"; break;
		case "CMNC": value = device.cmnc() ?? "-1"; break;
		case "SPName": value = device.spName() ?? "-1"; break;
		default: value = undefined;	// not supported: -1 (6.2)
		}
		out += value ? encodeValue(value) : "-1";
		i = close + 1;
	}
	if (!isAbsoluteHttp(out)) throw new DmError(419, "ServerURI is not an absolute http(s) URI");
	return out;
}

/** An absolute http(s) URI: the scheme without case, an authority of one character at least up to
    the first / ? or #, and no white space anywhere after the scheme. */
export function isAbsoluteHttp(uri: string): boolean {
	const end = httpAuthorityEnd(uri);
	if (end < 0) return false;
	// span stops at ASCII and Latin-1 white space and at any unit above 0xff, which isSpace decides
	for (let i = span(uri, NOT_SPACE_BELOW_256, uri.indexOf("//") + 2); i >= 0; i = span(uri, NOT_SPACE_BELOW_256, i + 1)) if (isSpace(uri.charCodeAt(i))) return false;
	return true;
}
