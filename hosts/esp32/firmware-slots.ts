// modules/firmware's FirmwareSlots on the ESP32: ESP-IDF's OTA slots and its boot loader's rollback
// (native/firmware-slots.c says how each call maps; sdkconfig turns the rollback on). The payload
// is an ESP-IDF app image, written into the SDK's flash.open({path: "nextota"}).
// ESP-IDF gives a new image one trial boot: arm()'s `trials` cannot be more than 1 here, so boot()
// on trial always says bootsLeft 0 (the next restart without confirm() returns to the old slot).
import flash from "embedded:storage/flash";
import type { BootState, FirmwareSlots, ImageFacts, SlotPartition } from "../../modules/firmware/index.js";

const bootState = native("xs_esp32_fw_boot_state");
const runningImage = native("xs_esp32_fw_running");
const armNext = native("xs_esp32_fw_arm");
const confirmRunning = native("xs_esp32_fw_confirm");
const restartBoard = native("xs_esp32_fw_restart");

const STATES: readonly BootState[] = Object.freeze([
	Object.freeze({ kind: "settled" }),
	Object.freeze({ kind: "trial", bootsLeft: 0 }),
	Object.freeze({ kind: "rolled-back" }),
] as const);

export const esp32FirmwareSlots: FirmwareSlots = Object.freeze({
	running(): ImageFacts {
		return runningImage() as ImageFacts;
	},
	boot(): BootState {
		return STATES[bootState() as number] ?? STATES[0]!;
	},
	openInactive(): SlotPartition {
		// during a trial ESP-IDF's next update slot is the previous image, the fallback: not to be written
		if (bootState() === 1) throw new Error("confirm the running trial image first: the other slot holds its fallback");
		return flash.open({ path: "nextota" }) as unknown as SlotPartition;
	},
	/** `trials` beyond 1 is not possible with ESP-IDF's rollback: the trial is one boot */
	arm(byteLength: number, trials: number): void {
		if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`give trials of 1 or more, not ${trials}`);
		armNext(byteLength);
	},
	restart(): never {
		restartBoard();
		throw new Error("restart returned");
	},
	confirm(): void {
		confirmRunning();
	},
});
