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

// Node-name spellings of the spec's prose and examples for DMAcc nodes whose normative names
// (12.2) differ (interpretation 3): "AuthNoti/AuthSecret" and "Credentials/Noti" are
// Auth/Noti/Secret and Auth/Noti/Data; Appendix I.2's nv on "ServerID" is SrvID. Each alias is a
// run of names replaced by another run, matched from the instance root.
const PATH_ALIASES: Readonly<Record<string, readonly (readonly [readonly string[], readonly string[]])[]>> = Object.freeze({
	[MOIDS.dmAcc]: Object.freeze([
		[["AuthNoti", "AuthSecret"], ["Auth", "Noti", "Secret"]],
		[["Credentials", "Noti"], ["Auth", "Noti", "Data"]],
		[["ServerID"], ["SrvID"]],
	] as const),
});

/** The normative node names for a path below an instance of `moid` (a normative MOID). Only a
    path that starts with an alias is rewritten: the aliases name nodes right under the root. */
export function normativePath(moid: string, path: readonly string[]): string[] {
	for (const [alias, real] of PATH_ALIASES[moid] ?? []) {
		if (alias.length <= path.length && alias.every((n, i) => path[i] === n)) return [...real, ...path.slice(alias.length)];
	}
	return [...path];
}
