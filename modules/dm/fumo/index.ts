// dm/fumo: firmware update over DM (OMA FUMO 1.0 managed with DM 2.0 commands, issue 17): the
// FUMO MO's EXECs, its State on flash, the resumable download into the inactive slot, the switch,
// the rollback and the one final report. The host's slots and boot loader come through
// modules/firmware's FirmwareSlots.
import { FUMO } from "../mo/index.js";
import type { MoRegistration } from "../tree/index.js";

export { FUMO_ALERT_TYPES, FUMO_MIID, FUMO_MOID, FUMO_OPERATIONS, FumoResult, FumoState, type FumoOperation, type FumoResultCode, type FumoStateValue } from "./codes.js";
export { Fumo, type FirmwareConfig, type FumoHost } from "./fumo.js";
export { faultCode, transfer, type ImageProgress, type TransferOptions, type TransferOutcome } from "./download.js";

/** The FUMO MO as the tree registers it (store tag "f": never reuse it). */
export const FUMO_MO: MoRegistration = Object.freeze({ tag: "f", schema: FUMO });
