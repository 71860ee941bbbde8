// The DDF link of each MOS item (5.2.2: "The link to the DDF file" of every supported MO): the
// device maker publishes the DDFs of the MOs its firmware supports (the standard ones included,
// as 7.2.1.1's example does) under one base URL, a host fact; each file is named after its MOID.
// Without that fact the device has no link to give, and MOS items carry MOID and MIID only.
import { pattern } from "../../bytes/index.js";

const URN_PREFIX = pattern(/^urn:/i);
const FILE_NAME_CHAR = pattern(/^[A-Za-z0-9._-]$/);

/** The DDF file name of an MOID: "urn:oma:mo:oma-dm-devinfo:1.2" → "oma-mo-oma-dm-devinfo-1.2.xml". */
export function ddfFileName(moid: string): string {
	const name = URN_PREFIX.test(moid) ? moid.slice(4) : moid;
	let file = "";
	for (let i = 0; i < name.length; i++) file += FILE_NAME_CHAR.test(name.charAt(i)) ? name.charAt(i) : "-";
	return `${file}.xml`;
}

/** The link rule over a base URL ("https://maker.example/ddf/"): MOID → the DDF's URL. */
export function ddfLinks(base: string): (moid: string) => string {
	const prefix = base.endsWith("/") ? base : `${base}/`;
	return (moid) => prefix + ddfFileName(moid);
}
