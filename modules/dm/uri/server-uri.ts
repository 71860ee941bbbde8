// ServerURI (6.2): replaces [DevID], [MCC], [MNC], [CMCC], [CMNC], [SPName] with the device's values
// (percent-encoded, so the result stays one URI), then checks the result is an absolute http(s) URI.
// A name outside the table, an unbalanced bracket or a missing value is 419 ServerURI Error
// (Appendix C: "the ServerURI provided causes errors"). Without a mobile network the operator
// values are "-1", as 6.2 requires; the provider returns undefined for those.
import { DmError } from "../error.js";

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

/** Percent-encodes all but unreserved characters and ":" "@" (which RFC 3986 allows in a path or query). */
function encodeValue(value: string): string {
	return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%40/gi, "@");
}

export function substituteServerUri(template: string, device: DeviceInfoProvider): string {
	if (template.length > SERVER_URI_MAX_LENGTH) throw new DmError(419, `ServerURI longer than ${SERVER_URI_MAX_LENGTH} characters`);
	let out = "";
	for (let i = 0; i < template.length;) {
		const c = template.charAt(i);
		if (c === "]") throw new DmError(419, `ServerURI: an unmatched "]" at ${i}`);
		if (c !== "[") { out += c; i++; continue; }
		const close = template.indexOf("]", i + 1);
		if (close < 0) throw new DmError(419, `ServerURI: an unclosed "[" at ${i}`);
		const name = template.slice(i + 1, close);
		let value: string | undefined;
		switch (name) {
		case "DevID": value = device.devId(); break;
		case "MCC": value = device.mcc() ?? "-1"; break;
		case "MNC": value = device.mnc() ?? "-1"; break;
		case "CMCC": value = device.cmcc() ?? "-1"; break;
		case "CMNC": value = device.cmnc() ?? "-1"; break;
		case "SPName": value = device.spName() ?? "-1"; break;
		default: throw new DmError(419, `ServerURI: unknown parameter [${name.slice(0, 20)}]`);
		}
		if (!value) throw new DmError(419, `ServerURI: the device has no value for [${name}]`);
		out += encodeValue(value);
		i = close + 1;
	}
	if (!/^https?:\/\/[^\s/?#]+([/?#][^\s]*)?$/i.test(out)) throw new DmError(419, "ServerURI is not an absolute http(s) URI");
	return out;
}
