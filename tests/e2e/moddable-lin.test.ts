// The device built by the Moddable SDK for its Linux port (npm run build:moddable: XS 17, the SDK's
// own TCP and timers, hosts/lin) runs the scenarios of tests/hil (Appendix I.1, HGET and the 404s
// of interpretation 7, CONT, and the card bootstrap: the UICC simulator on a pty read through the
// lin port's card line, native/card-tty.c, under SCP03, then sessions with the card's account)
// against dm-server over TLS-PSK on loopback, judged from the server's record exactly as on xsdm.
// Each run builds the device with that server's port (or the card's tty) in its config (mcconfig
// ... server=... psk...= / card=... cardKeys=...), as a board is provisioned. Needs the SDK (MODDABLE, its
// tools built) and xvfb-run (Debian's xvfb: the SDK's simulator mcsim is a GTK program); skips
// saying which is missing otherwise (CI has no SDK).
import { runScenarios } from "../hil/run.js";
import { SCENARIOS } from "../hil/scenarios.js";
import { target } from "../hil/targets.js";
import { assert, describe, it } from "../harness/index.js";

describe("the Moddable SDK's Linux build (hosts/lin) against dm-server", () => {
	const why = target("lin").unavailable();
	if (why !== undefined) {
		it(`is skipped: ${why}`, function (this: { skip(): void }) {
			console.log(`      skipped: ${why}`);
			this.skip();
		} as () => void);
		return;
	}

	for (const scenario of SCENARIOS) {
		it(scenario.name, async () => {
			const outcomes = await runScenarios("lin", scenario.name);
			assert.ok(typeof outcomes !== "string", String(outcomes));
			assert.equal(outcomes.length, 1);
			assert.ok(outcomes[0]!.ok, outcomes[0]!.detail);
		}, 1800000);
	}
});
