// Normative MOIDs (section 12) and the aliases servers use for them (DESIGN.md interpretation 2):
// the examples of the spec address DevInfo as 1.0 and DMAcc as 2.0; both reach the one instance.
export const MOIDS = Object.freeze({
	devInfo: "urn:oma:mo:oma-dm-devinfo:1.2",
	dmAcc: "urn:oma:mo:oma-dm-dmacc:1.2",
	dacmo: "urn:oma:mo:oma-dm-dacmo:1.0",
	sessionInfo: "urn:oma:mo:oma-sessioninfomo:1.0",
} as const);

const ALIASES: Readonly<Record<string, string>> = Object.freeze({
	"urn:oma:mo:oma-dm-devinfo:1.0": MOIDS.devInfo,
	"urn:oma:mo:oma-dm-devinfo:1.1": MOIDS.devInfo,
	"urn:oma:mo:oma-dm-devinfo:2.0": MOIDS.devInfo,
	"urn:oma:mo:oma-dm-dmacc:1.0": MOIDS.dmAcc,
	"urn:oma:mo:oma-dm-dmacc:1.1": MOIDS.dmAcc,
	"urn:oma:mo:oma-dm-dmacc:2.0": MOIDS.dmAcc,
	"urn:oma:mo:oma-dm-dacmo:2.0": MOIDS.dacmo,
	"urn:oma:mo:oma-sessioninfomo:2.0": MOIDS.sessionInfo,
});

/** The normative MOID for one a server wrote (an alias, or itself). */
export function normativeMoid(moid: string): string {
	return Object.prototype.hasOwnProperty.call(ALIASES, moid) ? ALIASES[moid]! : moid;
}
