// The public entry point (DESIGN.md): DmClient, the front door the device lifecycle drives and an
// application may call, and Device, the lifecycle a host constructs. Both live in dm/device.
export { Device, DmClient, type ClientEvent, type DeviceEvent, type DeviceOptions, type DmClientOptions, type StartReport } from "./device/index.js";
export type { AccountCredentials } from "./credentials.js";
export { placedAccounts } from "./bootstrap/index.js";
