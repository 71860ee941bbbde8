// One boot of the sim host's firmware slots, then the steps on the command line, for
// tests/host/firmware-slots.test.ts:
//   write VERSION BYTES   a sim image (model xsdm-sim, VERSION, BYTES of payload) into the inactive slot
//   tear                  overwrite the inactive slot's first block with a different image's start
//   arm TRIALS            arm it (the length written last), on trial for TRIALS boots
//   confirm | restart
//   only-if-settled       skip the remaining steps unless this boot is settled
// Prints "boot {slot, boot, running}" first, then "armed" / "confirmed" / "error MESSAGE" per step.
import flash from "embedded:storage/flash";
import { argv, exit } from "embedded:sim/host";
import { bootSimFirmware } from "../../../hosts/sim/firmware/slots.js";
import { encodeSimImage, simPayload } from "../../../hosts/sim/firmware/image.js";

const firmware = bootSimFirmware({ flash, exit });
console.log(`boot ${JSON.stringify({ slot: firmware.slot, boot: firmware.boot(), running: firmware.running() })}`);
const steps = argv();
let written = 0;
for (let i = 0; i < steps.length; i++) {
	const step = steps[i];
	try {
		if (step === "write") {
			const version = steps[++i]!, image = encodeSimImage("xsdm-sim", version, simPayload(version, Number(steps[++i])));
			const slot = firmware.openInactive();
			const { blockLength } = slot.status();
			for (let at = 0; at < image.length; at += 1024) {
				if (at % blockLength === 0) slot.eraseBlock(at / blockLength, at / blockLength + 1);
				slot.write(image.subarray(at, Math.min(at + 1024, image.length)), at);
			}
			slot.close();
			written = image.length;
		}
		else if (step === "tear") {
			const slot = firmware.openInactive();
			slot.eraseBlock(0, 1);
			slot.write(encodeSimImage("xsdm-sim", "9.9", simPayload("9.9", 16)).subarray(0, 60), 0);
			slot.close();
		}
		else if (step === "arm") { firmware.arm(written, Number(steps[++i])); console.log("armed"); }
		else if (step === "arm-length") { firmware.arm(Number(steps[++i]), Number(steps[++i])); console.log("armed"); }
		else if (step === "confirm") { firmware.confirm(); console.log(`confirmed ${JSON.stringify(firmware.boot())}`); }
		else if (step === "restart") firmware.restart();
		else if (step === "only-if-settled") { if (firmware.boot().kind !== "settled") break; }
		else throw new Error(`unknown step ${step}`);
	}
	catch (e) {
		console.log(`error ${(e as Error).message}`);
	}
}
