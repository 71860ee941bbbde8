// The sim host's firmware: slots and boot loader (slots.ts), the boot record (boot-record.ts) and
// the sim firmware file (image.ts). README "Firmware update on the sim host".
export { SIM_MAX_TRIALS, SIM_RESTART_STATUS, bootSimFirmware, type PartitionOpener, type SimFirmware, type SimFirmwareOptions } from "./slots.js";
export { readBootRecord, writeBootRecord, type BootRecord, type Slot } from "./boot-record.js";
export { SIM_FACTORY_MODEL, SIM_FACTORY_VERSION, SIM_IMAGE_HEADER_BYTES, SIM_IMAGE_HEADER_MAX, checkSimImage, encodeSimImage, factoryImage, readSimImageHeader, simPayload, type SimImageHeader } from "./image.js";
