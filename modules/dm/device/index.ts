// dm/device: the lifecycle every host shares (start sequence, owed BootstrapComplete sessions,
// Package#0 listening, the management schedule, per-server backoff) and the rules that decide
// which credentials go where. A host hands Device its IO and facts; DmClient is the front door
// the lifecycle drives (and an application may call).
export { DmClient, type ClientEvent, type DmClientOptions } from "./client.js";
export { Device, type DeviceOptions, type StartReport } from "./device.js";
export type { Timers } from "../../time/index.js";
export { eventLine, isMilestone, type Cause, type DeviceEvent } from "./events.js";
export { cardReader, type CardLine } from "./card-line.js";
export { credentialsForOrigin, originOf } from "./origin-credentials.js";
export { accountCredentials } from "./account-credentials.js";
export { POLL_INTERVAL, Schedule, pollInterval, type Due } from "./schedule.js";
export { ServerBackoffs } from "./backoffs.js";
export { DEFAULT_NO_PROGRESS_MS, NO_PROGRESS_LIMIT, noProgressLimit } from "./no-progress.js";
export { originRole, type OriginRole } from "./origin-credentials.js";
export { accountReach } from "./account-credentials.js";
export { parseTrustStore } from "./trust-store.js";
