// The sim host's firmware slots and boot loader (issue 17), behind modules/firmware's FirmwareSlots:
// "ota_0" and "ota_1" hold sim firmware files (image.ts), "otadata" the boot record (boot-record.ts),
// all NOR partitions of xsdm's flash file (xsdm --firmware-slot BYTES), so the power-cut injector
// counts every operation here too.
//
// bootSimFirmware() is the boot loader, run once at the start of the device entry before anything
// else, as a board's boot loader runs before the app:
// - no boot record (a new flash): program the factory image into ota_0 and record it settled;
//   a cut during that leaves no record, so the next start programs it again;
// - a trial record: with boots left, count one down and start the new slot on trial; with none
//   left (it never confirmed), return to the previous slot and say rolled-back. A trial slot
//   whose header does not read is rolled back at once;
// - settled or rolled-back: start that slot. rolled-back stays what boot() says until the next
//   arm(), so a restart before FUMO reported the failure does not lose it.
// restart() ends xsdm with status 87 (SIM_RESTART_STATUS); the drivers (tools/dm-device.ts,
// the e2e helpers) start it again, as a board resets.
import type { BootState, FirmwareSlots, ImageFacts, SlotPartition } from "../../../modules/firmware/index.js";
import { readBootRecord, writeBootRecord, type BootRecord, type Slot } from "./boot-record.js";
import { SIM_IMAGE_HEADER_MAX, checkSimImage, factoryImage, readSimImageHeader } from "./image.js";

/** xsdm's exit status for restart(): its drivers start it again (86 is the power cut). */
export const SIM_RESTART_STATUS = 87;

/** The most boots arm() may give a trial (the record keeps a byte). */
export const SIM_MAX_TRIALS = 255;

const SLOT_NAMES = ["ota_0", "ota_1"] as const;

/** embedded:storage/flash as the SDK shapes it (xsdm's has otadata, ota_0, ota_1 with --firmware-slot). */
export interface PartitionOpener {
	open(options: { path: string }): SlotPartition;
}

export interface SimFirmwareOptions {
	flash: PartitionOpener;
	/** programmed into ota_0 on a flash with no boot record (default: image.ts's factoryImage(),
	    model xsdm-sim, version 1.0) */
	factory?: Uint8Array;
	/** ends the process with a status (embedded:sim/host's exit on xsdm) */
	exit(status: number): never;
}

export interface SimFirmware extends FirmwareSlots {
	/** the slot this run started (0: ota_0, 1: ota_1) */
	readonly slot: Slot;
}

function withPartition<T>(flash: PartitionOpener, path: string, f: (p: SlotPartition) => T): T {
	const p = flash.open({ path });
	try {
		return f(p);
	} finally {
		p.close();
	}
}

function reader(p: SlotPartition): (length: number, offset: number) => Uint8Array {
	return (length, offset) => new Uint8Array(p.read(length, offset));
}

function headerOf(flash: PartitionOpener, slot: Slot): ImageFacts | undefined {
	return withPartition(flash, SLOT_NAMES[slot], (p) => readSimImageHeader(new Uint8Array(p.read(Math.min(SIM_IMAGE_HEADER_MAX, p.status().size), 0))));
}

/** Erases what `image` needs of the partition and programs it, one block at a time. */
function program(p: SlotPartition, image: Uint8Array): void {
	const { size, blockLength } = p.status();
	if (image.length > size) throw new RangeError(`give a factory image of at most ${size} bytes (the slot's size), not ${image.length}`);
	for (let at = 0; at < image.length; at += blockLength) {
		p.eraseBlock(at / blockLength, at / blockLength + 1);
		p.write(image.subarray(at, Math.min(at + blockLength, image.length)), at);
	}
}

/** The boot loader: decides this run's slot from the boot record (writing it when a trial counts
    down or runs out) and returns that run's FirmwareSlots. */
export function bootSimFirmware(o: SimFirmwareOptions): SimFirmware {
	const otadata = o.flash.open({ path: "otadata" });
	let record = readBootRecord(otadata);
	let state: BootState;
	if (!record) {
		withPartition(o.flash, SLOT_NAMES[0], (p) => program(p, o.factory ?? factoryImage()));
		record = { kind: "settled", slot: 0 };
		writeBootRecord(otadata, record);
		state = { kind: "settled" };
	}
	else if (record.kind === "trial") {
		if (record.bootsLeft > 0 && headerOf(o.flash, record.slot)) {
			record = { ...record, bootsLeft: record.bootsLeft - 1 };
			writeBootRecord(otadata, record);
			state = { kind: "trial", bootsLeft: record.bootsLeft };
		}
		else {
			record = { kind: "rolled-back", slot: record.previous };
			writeBootRecord(otadata, record);
			state = { kind: "rolled-back" };
		}
	}
	else state = { kind: record.kind };
	otadata.close();
	const slot = record.slot, inactive: Slot = slot === 0 ? 1 : 0;

	return {
		slot,
		running(): ImageFacts {
			const facts = headerOf(o.flash, slot);
			if (!facts) throw new Error(`the running slot ${SLOT_NAMES[slot]} holds no sim firmware header: the flash file was changed under the device`);
			return { model: facts.model, version: facts.version };
		},
		boot: () => state,
		openInactive(): SlotPartition {
			if (state.kind === "trial") throw new Error("confirm the running trial image first: the other slot holds its fallback");
			return o.flash.open({ path: SLOT_NAMES[inactive] });
		},
		arm(byteLength: number, trials: number): void {
			if (!Number.isInteger(trials) || trials < 1 || trials > SIM_MAX_TRIALS) throw new RangeError(`give trials from 1 to ${SIM_MAX_TRIALS}, not ${trials}`);
			if (state.kind === "trial") throw new Error("confirm the running trial image before arming another: its fallback would be lost");
			const image = withPartition(o.flash, SLOT_NAMES[inactive], (p) => byteLength <= p.status().size ? checkSimImage(reader(p), byteLength) : undefined);
			if (!image) throw new Error(`download the image again: ${SLOT_NAMES[inactive]} does not hold a whole sim firmware file of ${byteLength} bytes`);
			const next: BootRecord = { kind: "trial", slot: inactive, previous: slot, bootsLeft: trials };
			withPartition(o.flash, "otadata", (p) => writeBootRecord(p, next));
		},
		restart: () => o.exit(SIM_RESTART_STATUS),
		confirm(): void {
			if (state.kind !== "trial") return;
			withPartition(o.flash, "otadata", (p) => writeBootRecord(p, { kind: "settled", slot }));
			state = { kind: "settled" };
		},
	};
}
