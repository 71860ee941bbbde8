// dm/mo: the standard MOs of section 12 (and FUMO's schema, which dm/fumo registers on devices with
// firmware slots) as frozen schemas compiled from the DDFs in ./ddf, and the
// short store tags the tree files their nodes under (stable across firmware versions: never reuse one).
import type { MoRegistration } from "../tree/index.js";
import { DACMO } from "./generated/dacmo.js";
import { DEVINFO } from "./generated/devinfo.js";
import { DMACC } from "./generated/dmacc.js";
import { FUMO } from "./generated/fumo.js";
import { SESSIONINFO } from "./generated/sessioninfo.js";

export { DACMO, DEVINFO, DMACC, FUMO, SESSIONINFO, type MoRegistration };

export const STANDARD_MOS: readonly MoRegistration[] = Object.freeze([
	Object.freeze({ tag: "i", schema: DEVINFO }),
	Object.freeze({ tag: "a", schema: DMACC }),
	Object.freeze({ tag: "c", schema: DACMO }),
	Object.freeze({ tag: "s", schema: SESSIONINFO }),
]);
export { DEVINFO_DEFAULTS, DEVINFO_MIID, DM_VERSION, generatedDevId, syncDevInfo, type DeviceDescription } from "./devinfo.js";
export { ddfFileName, ddfLinks } from "./ddf-link.js";
