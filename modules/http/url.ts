// Absolute http: and https: URLs (RFC 3986 as far as an HTTP client needs it): where to connect,
// what to put in the request line and Host header, and which origin a connection belongs to.
// XS has no URL class; this one refuses what a DM client has no use for (userinfo, which would
// put a secret into logs, and other schemes) instead of guessing.
import { pattern, span, unitSet } from "../bytes/index.js";

export type Scheme = "http" | "https";
const SCHEME_REST = pattern(/^[A-Za-z0-9+.-]*$/);	// a scheme after its first letter (RFC 3986 3.1)
const PORT = pattern(/^\d{1,5}$/);

export interface HttpUrl {
	scheme: Scheme;
	/** host name or numeric address as written, lower case, IPv6 without its brackets */
	host: string;
	port: number;
	/** origin-form request target: "/path?query" ("/" when the URL has no path) */
	target: string;
	/** "scheme://host:port": one keep-alive connection and one TLS session per origin */
	origin: string;
	/** the Host header: host, and :port when it is not the scheme's default */
	authority: string;
	/** true when host is a numeric IPv4 or IPv6 address (no name resolution needed) */
	numeric: boolean;
}

const DEFAULT_PORT: Readonly<Record<Scheme, number>> = Object.freeze({ http: 80, https: 443 });
const DEC_OCTET = pattern(/^[0-9]{1,3}$/);	// RFC 3986 3.2.2, with the checks of isIpv4
const IPV6 = pattern(/^[0-9a-f:.]+$/);
const REG_NAME = pattern(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/);
const TARGET = pattern(/^[\x21-\x7e]*$/);
const AUTHORITY = unitSet("/?#", true);	// what an authority runs on: anything but these

/** Parses an absolute http(s) URL; a TypeError says what is wrong with it. */
export function parseUrl(text: string): HttpUrl {
	const scheme = schemeOf(text);
	if (scheme === undefined) throw new TypeError(`"${clip(text)}" is not an absolute URL (scheme://host/path)`);
	const name = scheme.toLowerCase();
	if (name !== "http" && name !== "https") throw new TypeError(`URL scheme ${name}: is not http: or https:`);
	let rest = text.slice(scheme.length + 3);
	const hash = rest.indexOf("#");
	if (hash >= 0) rest = rest.slice(0, hash);	// a fragment is never sent
	const end = authorityEnd(rest, 0);
	const authority = rest.slice(0, end);
	let target = rest.slice(end);
	if (target === "") target = "/";
	else if (target[0] === "?") target = `/${target}`;
	if (!TARGET.test(target)) throw new TypeError("URL path holds a space or a control character: percent-encode it");
	if (authority.includes("@")) throw new TypeError("URL holds user information (user:password@): give credentials to the client instead");

	let host: string, portText: string | undefined, numeric: boolean;
	if (authority[0] === "[") {
		const close = authority.indexOf("]");
		if (close < 0) throw new TypeError("URL host: IPv6 address without its closing ]");
		host = authority.slice(1, close).toLowerCase();
		if (!IPV6.test(host) || !host.includes(":")) throw new TypeError("URL host: not an IPv6 address between [ ]");
		const after = authority.slice(close + 1);
		if (after !== "" && after[0] !== ":") throw new TypeError("URL host: characters after the IPv6 address");
		portText = after === "" ? undefined : after.slice(1);
		numeric = true;
	}
	else {
		const colon = authority.lastIndexOf(":");
		host = (colon >= 0 ? authority.slice(0, colon) : authority).toLowerCase();
		portText = colon >= 0 ? authority.slice(colon + 1) : undefined;
		numeric = isIpv4(host);
		if (!numeric && (host.length > 253 || !REG_NAME.test(host))) throw new TypeError(`URL host "${clip(host)}" is neither a host name nor a numeric address`);
	}
	if (host === "") throw new TypeError("URL has no host");
	let port = DEFAULT_PORT[name];
	if (portText !== undefined && portText !== "") {
		if (!PORT.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw new TypeError(`URL port "${clip(portText)}" is not 1..65535`);
		port = Number(portText);
	}
	const written = host.includes(":") ? `[${host}]` : host;
	return Object.freeze({
		scheme: name,
		host,
		port,
		target,
		origin: `${name}://${written}:${port}`,
		authority: port === DEFAULT_PORT[name] ? written : `${written}:${port}`,
		numeric,
	});
}

/**
 * Where a Location header points, seen from the URL that answered: an absolute URL, or a
 * path-absolute reference ("/x") on the same origin. Relative paths ("x", "../x") and
 * scheme-relative ones ("//host/x") are refused: a DM server has no reason to send them.
 */
export function resolveLocation(location: string, base: HttpUrl): HttpUrl {
	if (location[0] === "/" && location[1] !== "/") return parseUrl(`${base.scheme}://${base.authority}${location}`);
	return parseUrl(location);
}

function clip(text: string): string {
	return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** Whether a URL's scheme is https (without case), before it is parsed. */
export function isHttps(url: string): boolean {
	return url.length >= 6 && url.slice(0, 6).toLowerCase() === "https:";
}

/** The scheme of `scheme://...` (RFC 3986 3.1: a letter, then letters, digits, + - .), or undefined.
    Written out rather than matched: see modules/bytes/pattern.ts. */
export function schemeOf(text: string): string | undefined {
	const end = text.indexOf("://");
	const first = text.charCodeAt(0) | 0x20;
	if (end < 1 || first < 0x61 || first > 0x7a) return undefined;
	const scheme = text.slice(0, end);
	return SCHEME_REST.test(scheme.slice(1)) ? scheme : undefined;
}

/** Whether host is a dotted-decimal IPv4 address (RFC 3986 3.2.2: four dec-octets, 0..255 without
    a leading zero). */
export function isIpv4(host: string): boolean {
	const octets = host.split(".");
	if (octets.length !== 4) return false;
	for (let i = 0; i < 4; i++) {
		const o = octets[i]!;
		if (!DEC_OCTET.test(o) || (o.length > 1 && o.charCodeAt(0) === 0x30) || Number(o) > 255) return false;
	}
	return true;
}

/** Where the authority of an http(s) URL ends (its first / ? or #), or -1 when url does not start
    with http:// or https:// (without case) and one character at least that is none of those. */
export function httpAuthorityEnd(url: string): number {
	const head = url.slice(0, 8).toLowerCase();
	const start = head.startsWith("https://") ? 8 : head.startsWith("http://") ? 7 : -1;
	if (start < 0) return -1;
	const end = authorityEnd(url, start);
	return end > start ? end : -1;
}

/** Where an authority that starts at `from` ends: the first / ? or # from there, or the text's end. */
export function authorityEnd(text: string, from: number): number {
	const end = span(text, AUTHORITY, from);
	return end >= 0 ? end : from < text.length ? text.length : from;
}
